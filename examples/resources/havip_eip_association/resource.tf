# Public access: the EIP follows the HaVip to whichever member holds it.
resource "havip" "web" {
  vswitch_id = "vsw-bp1seedvsw000000000001"
  ip_address = "192.168.0.24"
}

resource "havip_eip_association" "web" {
  havip_id      = havip.web.id
  allocation_id = "eip-bp1seedeip000000000001" # Available, same region
}

output "public_ip" {
  value = havip_eip_association.web.eip_address
}
