# Adopt a HaVip's membership as it is: the import ID is the HaVip ID. The
# HaVip is adopted with it (the mock started from this directory's
# fixtures.json holds it, with ecs1 as its only member), so the apply then
# adds ecs2 and binds the EIP, as resource "havip_members" "web" says.
import {
  to = havip.web
  id = "havip-bp1seedhavip00000000001"
}

import {
  to = havip_members.web
  id = "havip-bp1seedhavip00000000001"
}
