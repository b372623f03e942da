import {
  to = havip_route_entry.web
  id = "vtb-bp1seedvpc000000000001:rte-bp1seedroute00000000001"
}
