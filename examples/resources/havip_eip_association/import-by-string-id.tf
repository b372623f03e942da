# Adopt an existing EIP binding: HaVip ID, a colon, then the EIP's allocation
# ID. The HaVip is adopted with it, so that havip.web.id is that HaVip.
import {
  to = havip.web
  id = "havip-bp1seedhavip00000000001"
}

import {
  to = havip_eip_association.web
  id = "havip-bp1seedhavip00000000001:eip-bp1seedeip000000000001"
}
