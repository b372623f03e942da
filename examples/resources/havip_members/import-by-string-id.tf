import {
  to = havip_members.web
  id = "havip-bp1seedhavip00000000001"
}
