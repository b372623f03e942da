# keepalived for the ECS pair behind a HaVip, as in the HaVip guide: one
# model renders both nodes, each node's boot script goes into its
# instance's user_data.
resource "havip" "web" {
  vswitch_id = "vsw-bp1seedvsw000000000001"
  ip_address = "192.168.0.24"
}

data "havip_keepalived_config" "web" {
  name              = "havip_web"
  virtual_ips       = [havip.web.ip_address]
  virtual_router_id = 51
  advert_int        = 1
  auth_pass         = "1111"
  subnet_cidr       = "192.168.0.0/24"
  nodes = [
    { name = "ecs1", private_ip = "192.168.0.25", priority = 100 },
    { name = "ecs2", private_ip = "192.168.0.26", priority = 10 },
  ]
  health_check = {
    tcp_port = 8000
  }
}

# With the alicloud provider, each instance boots with its own script:
#
# resource "alicloud_instance" "ecs1" {
#   vswitch_id = var.vswitch_id
#   private_ip = "192.168.0.25"
#   user_data  = base64encode(data.havip_keepalived_config.web.configs["ecs1"].user_data)
#   # ...
# }
#
# resource "alicloud_instance" "ecs2" {
#   vswitch_id = var.vswitch_id
#   private_ip = "192.168.0.26"
#   user_data  = base64encode(data.havip_keepalived_config.web.configs["ecs2"].user_data)
#   # ...
# }

output "failover_seconds" {
  value = { for name, c in data.havip_keepalived_config.web.configs : name => c.failover_seconds }
}
