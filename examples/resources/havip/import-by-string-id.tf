import {
  to = havip.web
  id = "havip-bp1seedhavip00000000001"
}
