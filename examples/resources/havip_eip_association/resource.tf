# Public access: the EIP follows the HaVip to whichever member holds it.
resource "havip_eip_association" "web" {
  havip_id      = havip.web.id
  allocation_id = "eip-bp1seedeip000000000001"
}
