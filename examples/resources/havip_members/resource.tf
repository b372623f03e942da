# The HaVip guide's pair through one resource: the HaVip, both ECS
# instances as its members and its EIP, all checked together at plan time
# although the HaVip is created in the same apply. keepalived on the
# instances decides which member holds the address; see data source
# havip_keepalived_config.
resource "havip" "web" {
  vswitch_id = "vsw-bp1seedvsw000000000001"
  ip_address = "192.168.0.24"
}

resource "havip_members" "web" {
  havip_id = havip.web.id
  # Known at plan time although the HaVip's ID is not: lets the plan check
  # that every member is in the HaVip's vSwitch.
  vswitch_id = havip.web.vswitch_id
  member_ids = [
    "i-bp1seedecs0000000000001", # 192.168.0.25
    "i-bp1seedecs0000000000002", # 192.168.0.26
  ]
  eip_allocation_id = "eip-bp1seedeip000000000001"
}
