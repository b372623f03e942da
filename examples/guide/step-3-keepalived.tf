variable "vswitch_cidr" {
  description = "CIDR block of the vSwitch: keepalived's node addresses and the HaVip must lie inside it."
  type        = string
  default     = "192.168.0.0/24" # the mock's vSwitch
}

variable "vrrp_password" {
  description = "VRRP PASS authentication, at most 8 characters."
  type        = string
  default     = "1111"
  sensitive   = true
}

variable "keepalived_version" {
  description = "keepalived on the instances (Ubuntu 22.04: 2.2.4, Debian 12: 2.2.7)."
  type        = string
  default     = "2.2.4"
}

data "havip_keepalived_config" "web" {
  name               = "havip_web"
  keepalived_version = var.keepalived_version
  virtual_ips        = [havip.web.ip_address]
  virtual_router_id  = 51 # different for every cluster in the VPC
  advert_int         = 1
  auth_pass          = var.vrrp_password
  subnet_cidr        = var.vswitch_cidr
  # instance_id: a private_ip that is not its instance's address is refused.
  nodes = [for name, n in var.nodes : { name = name, private_ip = n.private_ip, instance_id = n.instance_id, priority = n.priority }]
}

output "failover_seconds" {
  value = { for name, c in data.havip_keepalived_config.web.configs : name => c.failover_seconds }
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
