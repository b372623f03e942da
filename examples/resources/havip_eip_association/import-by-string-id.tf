import {
  to = havip_eip_association.web
  id = "havip-bp1seedhavip00000000001:eip-bp1seedeip000000000001"
}
