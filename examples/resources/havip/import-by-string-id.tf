# Adopt a HaVip that already exists (the mock started from this directory's
# fixtures.json holds this one): the next apply brings its name, description
# and tags in line with resource "havip" "web".
import {
  to = havip.web
  id = "havip-bp1seedhavip00000000001"
}
