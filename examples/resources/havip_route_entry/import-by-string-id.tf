# Adopt an existing route entry: the route table ID, a colon, then the route
# entry ID. The HaVip it points at is adopted with it (the mock started from
# this directory's fixtures.json holds both), so that havip.web.id is that
# HaVip and the entry is not replaced.
import {
  to = havip.web
  id = "havip-bp1seedhavip00000000001"
}

import {
  to = havip_route_entry.web
  id = "vtb-bp1seedvpc000000000001:rte-bp1seedroute00000000001"
}
