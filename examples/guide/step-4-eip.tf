variable "eip_allocation_id" {
  description = "An Available EIP in the provider's region, for public access."
  type        = string
  default     = "eip-bp1seedeip000000000001" # the mock's
}

resource "havip_eip_association" "web" {
  havip_id      = havip.web.id
  allocation_id = var.eip_allocation_id
}

output "public_ip" {
  value = havip_eip_association.web.eip_address
}
