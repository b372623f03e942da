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
  description = "Allow detaching the member that holds the HaVip (set before removing members or destroying)."
  type        = bool
  default     = false
}

resource "havip_attachment" "node" {
  for_each    = var.nodes
  havip_id    = havip.web.id
  instance_id = each.value.instance_id
  force       = var.detach_master
}
