# The HaVip guide's pair: one HaVip in the vSwitch of two ECS instances,
# both instances members. keepalived on the instances decides which one
# holds the address; see data source havip_keepalived_config.
resource "havip" "web" {
  vswitch_id = "vsw-bp1seedvsw000000000001"
  ip_address = "192.168.0.24"
}

resource "havip_attachment" "ecs1" {
  havip_id    = havip.web.id
  instance_id = "i-bp1seedecs0000000000001" # 192.168.0.25, same vSwitch
}

resource "havip_attachment" "ecs2" {
  havip_id    = havip.web.id
  instance_id = "i-bp1seedecs0000000000002" # 192.168.0.26, same vSwitch
  # Set to true (and apply) before removing the attachment of the member
  # that currently holds the HaVip.
  force = false
}
