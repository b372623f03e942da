import {
  to = havip_attachment.ecs1
  id = "havip-bp1seedhavip00000000001:i-bp1seedecs0000000000001"
}
