# Other vSwitches (and networks behind the VPC) reach the service through a
# route whose next hop is the HaVip: the traffic goes to whichever member
# holds it.
resource "havip" "web" {
  vswitch_id = "vsw-bp1seedvsw000000000001"
  ip_address = "192.168.0.24"
}

resource "havip_route_entry" "web" {
  route_table_id         = "vtb-bp1seedvpc000000000001" # the VPC's system table, or a custom one
  destination_cidr_block = "10.10.0.0/16"
  havip_id               = havip.web.id
  name                   = "to-web"
  description            = "service range served by the web pair"
}
