# After the migration from the alicloud provider: the same HaVip, members
# and EIP binding, now managed by havip-oss/havip. The import blocks adopt
# what exists; run `terraform state rm` on the alicloud_havip,
# alicloud_havip_attachment and alicloud_eip_association addresses first
# (see the guide "Migrating from the alicloud provider").
#
# Against the mock started with this directory's fixtures.json the plan
# reads "4 to import, 0 to add, 1 to change, 0 to destroy" (the description
# and tags below are new), as it would against the HaVip you migrate.

terraform {
  required_version = ">= 1.5"
  required_providers {
    havip = {
      source  = "havip-oss/havip"
      version = ">= 0.1.0"
    }
  }
}

provider "havip" {}

variable "members" {
  description = "Instances alicloud_havip_attachment attached, by the name you give them."
  type        = map(string)
  default = {
    ecs1 = "i-bp1seedecs0000000000001"
    ecs2 = "i-bp1seedecs0000000000002"
  }
}

variable "eip_allocation_id" {
  description = "The EIP alicloud_eip_association bound to the HaVip."
  type        = string
  default     = "eip-bp1seedeip000000000001"
}

# alicloud_havip.web (vswitch_id, ip_address, ha_vip_name/havip_name,
# description, tags, resource_group_id) becomes havip.web (name instead of
# ha_vip_name). The import ID is the same: the HaVip ID.
import {
  to = havip.web
  id = "havip-bp1seedhavip00000000001"
}

resource "havip" "web" {
  vswitch_id  = "vsw-bp1seedvsw000000000001"
  ip_address  = "192.168.0.24"
  name        = "web"
  description = "Service IP of the web pair"
  tags = {
    app = "web"
  }
}

# alicloud_havip_attachment (havip_id, instance_id) becomes
# havip_attachment; the import ID keeps its order: havip_id:instance_id.
import {
  to = havip_attachment.node["ecs1"]
  id = "havip-bp1seedhavip00000000001:i-bp1seedecs0000000000001"
}

import {
  to = havip_attachment.node["ecs2"]
  id = "havip-bp1seedhavip00000000001:i-bp1seedecs0000000000002"
}

resource "havip_attachment" "node" {
  for_each    = var.members
  havip_id    = havip.web.id
  instance_id = each.value
}

# alicloud_eip_association (allocation_id, instance_id = the HaVip,
# instance_type = "HAVIP") becomes havip_eip_association (havip_id,
# allocation_id). The import ID is reversed: alicloud's is
# allocation_id:instance_id, this one is havip_id:allocation_id.
import {
  to = havip_eip_association.web
  id = "havip-bp1seedhavip00000000001:eip-bp1seedeip000000000001"
}

resource "havip_eip_association" "web" {
  havip_id      = havip.web.id
  allocation_id = var.eip_allocation_id
}

output "master_instance_id" {
  value = havip.web.master_instance_id
}
