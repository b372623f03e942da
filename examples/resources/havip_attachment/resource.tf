# Both ECS instances of the pair become members of the HaVip.
resource "havip_attachment" "ecs1" {
  havip_id    = havip.web.id
  instance_id = "i-bp1seedecs0000000000001"
}

resource "havip_attachment" "ecs2" {
  havip_id    = havip.web.id
  instance_id = "i-bp1seedecs0000000000002"
  # Set to true (and apply) before removing the attachment of the member
  # that currently holds the HaVip.
  force = false
}
