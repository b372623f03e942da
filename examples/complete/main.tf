# The HaVip guide's topology, complete: a HaVip at 192.168.0.24 in vSwitch
# 192.168.0.0/24, the ECS pair at .25 and .26 as members, an EIP for public
# access, and keepalived rendered for both nodes.
#
# Credentials, region and endpoints come from the environment
# (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
# ALIBABA_CLOUD_REGION; for the mock also ALIBABA_CLOUD_ENDPOINT_VPC,
# ALIBABA_CLOUD_ENDPOINT_ECS and HAVIP_PROTOCOL=HTTP).

terraform {
  required_version = ">= 1.5"
  required_providers {
    havip = {
      source  = "havip-oss/havip"
      version = ">= 0.1.0"
    }
  }
}

provider "havip" {}

variable "vswitch_id" {
  description = "vSwitch of the ECS pair (192.168.0.0/24 in the guide)."
  type        = string
  default     = "vsw-bp1seedvsw000000000001"
}

variable "nodes" {
  description = "The ECS pair: instance ID, private IP and keepalived priority (higher wins the first election)."
  type = map(object({
    instance_id = string
    private_ip  = string
    priority    = number
  }))
  default = {
    ecs1 = { instance_id = "i-bp1seedecs0000000000001", private_ip = "192.168.0.25", priority = 100 }
    ecs2 = { instance_id = "i-bp1seedecs0000000000002", private_ip = "192.168.0.26", priority = 10 }
  }
}

variable "eip_allocation_id" {
  description = "EIP for public access through the HaVip."
  type        = string
  default     = "eip-bp1seedeip000000000001"
}

variable "vrrp_password" {
  description = "VRRP PASS authentication, at most 8 characters."
  type        = string
  default     = "1111"
  sensitive   = true
}

resource "havip" "web" {
  vswitch_id  = var.vswitch_id
  ip_address  = "192.168.0.24"
  name        = "test_havip_name"
  description = "Service IP of the web pair"
  tags = {
    app = "web"
  }
}

# The whole membership in one resource: both instances and the EIP are
# checked together at plan time, although the HaVip is created in the same
# apply, and one terraform destroy detaches them all, the MASTER last.
resource "havip_members" "web" {
  havip_id = havip.web.id
  # Known at plan time while the HaVip's ID is not: lets the plan check that
  # every member is in the HaVip's vSwitch.
  vswitch_id        = havip.web.vswitch_id
  member_ids        = [for name in sort(keys(var.nodes)) : var.nodes[name].instance_id]
  eip_allocation_id = var.eip_allocation_id
}

data "havip_keepalived_config" "web" {
  name              = "havip_web"
  virtual_ips       = [havip.web.ip_address]
  virtual_router_id = 51
  advert_int        = 1
  auth_pass         = var.vrrp_password
  subnet_cidr       = "192.168.0.0/24"
  nodes = [for name, n in var.nodes : {
    name        = name
    private_ip  = n.private_ip
    instance_id = n.instance_id # checked: private_ip must be this instance's address
    priority    = n.priority
  }]
}

# In a real deployment each instance boots with its script, for example
#   resource "alicloud_instance" "ecs1" {
#     user_data = base64encode(data.havip_keepalived_config.web.configs["ecs1"].user_data)
#     ...
#   }

output "havip_id" {
  value = havip.web.id
}

output "havip_ip" {
  value = havip.web.ip_address
}

output "master_instance_id" {
  description = "Member holding the HaVip: set by the cloud when keepalived's MASTER announces it."
  value       = havip_members.web.master_instance_id
}

output "node_instance_ids" {
  value = { for name, n in var.nodes : name => n.instance_id }
}

output "eip_address" {
  value = havip_members.web.eip_address
}

output "failover_seconds" {
  description = "Worst-case takeover after the MASTER crashes, per node."
  value       = { for name, c in data.havip_keepalived_config.web.configs : name => c.failover_seconds }
}

output "keepalived_configs" {
  description = "Rendered keepalived.conf per node (carries the VRRP password)."
  value       = { for name, c in data.havip_keepalived_config.web.configs : name => c.config }
  sensitive   = true
}

output "user_data" {
  description = "Boot script per node, for the instances' user_data."
  value       = { for name, c in data.havip_keepalived_config.web.configs : name => c.user_data }
  sensitive   = true
}
