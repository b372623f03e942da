# The HaVip guide's topology on a real Alibaba Cloud account, complete:
# aliyun/alicloud creates what this provider does not manage (VPC, vSwitch,
# security group and its VRRP rule, the ECS pair, the EIP); havip-oss/havip
# creates the HaVip, its members and the EIP binding, and renders keepalived
# into each instance's user_data.
#
# It costs money (two pay-as-you-go instances and an EIP): `terraform destroy`
# when done. Credentials from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID,
# ALIBABA_CLOUD_ACCESS_KEY_SECRET; the alicloud provider also reads them).
#
# Not run in CI: it needs aliyun/alicloud from the public registry and a
# cloud account. CI checks its formatting (make check-examples); its
# alicloud arguments follow that provider's documentation (>= 1.239.0).

terraform {
  required_version = ">= 1.5"
  required_providers {
    alicloud = {
      source  = "aliyun/alicloud"
      version = ">= 1.239.0"
    }
    havip = {
      source  = "havip-oss/havip"
      version = ">= 0.1.0"
    }
  }
}

variable "region" {
  description = "Region of everything below; HaVip must be available there."
  type        = string
  default     = "cn-hangzhou"
}

variable "vpc_cidr" {
  type    = string
  default = "192.168.0.0/16"
}

variable "vswitch_cidr" {
  description = "vSwitch of the pair; the instances get its 25th and 26th addresses, the HaVip a free one."
  type        = string
  default     = "192.168.0.0/24"
}

variable "service_port" {
  description = "TCP port of the service behind the HaVip, allowed from the VPC and health-checked by keepalived."
  type        = number
  default     = 8000
}

variable "vrrp_password" {
  description = "VRRP PASS authentication, at most 8 characters."
  type        = string
  sensitive   = true
}

provider "alicloud" {
  region = var.region
}

provider "havip" {
  region = var.region
}

locals {
  # Fixed addresses: keepalived's unicast peers are rendered before the
  # instances exist, and each instance boots with its own config.
  nodes = {
    ecs1 = { private_ip = cidrhost(var.vswitch_cidr, 25), priority = 100 }
    ecs2 = { private_ip = cidrhost(var.vswitch_cidr, 26), priority = 10 }
  }
}

data "alicloud_zones" "this" {
  available_resource_creation = "VSwitch"
  available_disk_category     = "cloud_essd"
}

data "alicloud_instance_types" "this" {
  availability_zone = data.alicloud_zones.this.zones[0].id
  cpu_core_count    = 2
  memory_size       = 4
}

# Ubuntu 22.04 ships keepalived 2.2.4: the rendered configs are told so.
data "alicloud_images" "ubuntu" {
  name_regex  = "^ubuntu_22_04_x64"
  owners      = "system"
  most_recent = true
}

resource "alicloud_vpc" "this" {
  vpc_name   = "havip-web"
  cidr_block = var.vpc_cidr
}

resource "alicloud_vswitch" "this" {
  vswitch_name = "havip-web"
  vpc_id       = alicloud_vpc.this.id
  cidr_block   = var.vswitch_cidr
  zone_id      = data.alicloud_zones.this.zones[0].id
}

resource "alicloud_security_group" "this" {
  security_group_name = "havip-web"
  vpc_id              = alicloud_vpc.this.id
}

# VRRP is IP protocol 112, neither TCP nor UDP, and a security group rule
# cannot name protocol 112: ip_protocol takes tcp, udp, icmp, gre or all.
# So each node accepts all protocols from its peer's private address only.
resource "alicloud_security_group_rule" "vrrp" {
  for_each          = local.nodes
  description       = "VRRP (IP protocol 112) from keepalived peer ${each.key}"
  type              = "ingress"
  ip_protocol       = "all"
  port_range        = "-1/-1"
  nic_type          = "intranet"
  policy            = "accept"
  priority          = 1
  security_group_id = alicloud_security_group.this.id
  cidr_ip           = "${each.value.private_ip}/32"
}

resource "alicloud_security_group_rule" "service" {
  description       = "The service behind the HaVip, from the VPC"
  type              = "ingress"
  ip_protocol       = "tcp"
  port_range        = "${var.service_port}/${var.service_port}"
  nic_type          = "intranet"
  policy            = "accept"
  priority          = 1
  security_group_id = alicloud_security_group.this.id
  cidr_ip           = var.vpc_cidr
}

data "havip_keepalived_config" "web" {
  name               = "havip_web"
  keepalived_version = "2.2.4"
  virtual_ips        = [havip.web.ip_address]
  virtual_router_id  = 51
  auth_pass          = var.vrrp_password
  subnet_cidr        = var.vswitch_cidr
  nodes              = [for name, n in local.nodes : { name = name, private_ip = n.private_ip, priority = n.priority }]
  health_check = {
    tcp_port = var.service_port
  }
}

resource "alicloud_instance" "node" {
  for_each             = local.nodes
  instance_name        = "havip-web-${each.key}"
  image_id             = data.alicloud_images.ubuntu.images[0].id
  instance_type        = data.alicloud_instance_types.this.instance_types[0].id
  system_disk_category = "cloud_essd"
  vswitch_id           = alicloud_vswitch.this.id
  private_ip           = each.value.private_ip
  security_groups      = [alicloud_security_group.this.id]
  # Installs keepalived, writes the config and starts keepalived only if
  # `keepalived -t` is silent.
  user_data = base64encode(data.havip_keepalived_config.web.configs[each.key].user_data)
}

resource "havip" "web" {
  vswitch_id  = alicloud_vswitch.this.id
  name        = "web"
  description = "Service IP of the web pair"
}

resource "havip_attachment" "node" {
  for_each    = alicloud_instance.node
  havip_id    = havip.web.id
  instance_id = each.value.id
}

resource "alicloud_eip_address" "web" {
  address_name         = "havip-web"
  internet_charge_type = "PayByTraffic"
  payment_type         = "PayAsYouGo"
}

resource "havip_eip_association" "web" {
  havip_id      = havip.web.id
  allocation_id = alicloud_eip_address.web.id
}

output "havip_ip" {
  value = havip.web.ip_address
}

output "public_ip" {
  value = havip_eip_association.web.eip_address
}

output "master_instance_id" {
  description = "The member whose keepalived is MASTER (after the first refresh once both have booted)."
  value       = havip.web.master_instance_id
}

output "failover_seconds" {
  value = { for name, c in data.havip_keepalived_config.web.configs : name => c.failover_seconds }
}
