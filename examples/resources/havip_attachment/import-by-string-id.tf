# Adopt an existing membership: HaVip ID, a colon, then the instance (or ENI)
# ID. The HaVip it belongs to is adopted with it, so that havip.web.id is that
# HaVip; ecs2, not yet a member, is attached by the apply.
import {
  to = havip.web
  id = "havip-bp1seedhavip00000000001"
}

import {
  to = havip_attachment.ecs1
  id = "havip-bp1seedhavip00000000001:i-bp1seedecs0000000000001"
}
