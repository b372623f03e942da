variable "nodes" {
  description = "The ECS pair, in the HaVip's vSwitch: instance ID, private IP and keepalived priority (higher wins the first election)."
  type = map(object({
    instance_id = string
    private_ip  = string
    priority    = number
  }))
  default = { # the mock's instances
    ecs1 = { instance_id = "i-bp1seedecs0000000000001", private_ip = "192.168.0.25", priority = 100 }
    ecs2 = { instance_id = "i-bp1seedecs0000000000002", private_ip = "192.168.0.26", priority = 10 }
  }
}

variable "detach_master" {
  description = "Allow removing the member that holds the HaVip from member_ids (destroying the whole set needs no force)."
  type        = bool
  default     = false
}

resource "havip_members" "web" {
  havip_id   = havip.web.id
  vswitch_id = havip.web.vswitch_id # known at plan: the whole set is checked then
  member_ids = [for n in values(var.nodes) : n.instance_id]
  force      = var.detach_master
}
