# After the migration from the alicloud provider: the same HaVip, members,
# EIP binding and route, now managed by havip-oss/havip. The import blocks
# adopt what exists; the alicloud resources are forgotten first with
# removed blocks or terraform state rm (see the guide "Migrating from the
# alicloud provider").
#
# Against the mock started with this directory's fixtures.json, which holds
# what the alicloud resources had made, the plan reads "3 to import, 0 to
# add, 0 to change, 0 to destroy", as it must against the HaVip you
# migrate: any change means a value below differs from the cloud.

terraform {
  required_version = ">= 1.5"
  # In your configuration, add havip beside alicloud in the one
  # required_providers block you already have.
  required_providers {
    havip = {
      source  = "havip-oss/havip"
      version = ">= 0.1.0"
    }
  }
}

provider "havip" {}

variable "member_ids" {
  description = "The instances the alicloud_havip_attachment resources attached."
  type        = list(string)
  default     = ["i-bp1seedecs0000000000001", "i-bp1seedecs0000000000002"]
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
  vswitch_id = "vsw-bp1seedvsw000000000001"
  ip_address = "192.168.0.24"
  name       = "web"
}

# Every alicloud_havip_attachment of the HaVip, and the
# alicloud_eip_association (instance_type = "HaVip") that binds its EIP,
# become one havip_members, imported by the HaVip ID: it owns the whole set
# and checks it at plan time. (One havip_attachment per member, imported as
# havip_id:instance_id, and a havip_eip_association, imported as
# havip_id:allocation_id, are the alternative when the members are managed
# in several configurations.)
import {
  to = havip_members.web
  id = "havip-bp1seedhavip00000000001"
}

resource "havip_members" "web" {
  havip_id          = havip.web.id
  vswitch_id        = havip.web.vswitch_id
  member_ids        = var.member_ids
  eip_allocation_id = var.eip_allocation_id
}

# alicloud_route_entry with nexthop_type = "HaVip" (route_table_id,
# destination_cidrblock, nexthop_id = the HaVip, name) becomes
# havip_route_entry (route_table_id, destination_cidr_block, havip_id,
# name). alicloud's import ID is
# route_table_id:router_id:destination_cidrblock:nexthop_type:nexthop_id;
# this one is route_table_id:route_entry_id (the rte-… ID the console and
# DescribeRouteEntryList show).
import {
  to = havip_route_entry.web
  id = "vtb-bp1seedvpc000000000001:rte-bp1seedroute00000000001"
}

resource "havip_route_entry" "web" {
  route_table_id         = "vtb-bp1seedvpc000000000001"
  destination_cidr_block = "10.10.0.0/16"
  havip_id               = havip.web.id
  name                   = "to-web"
}

output "master_instance_id" {
  value = havip.web.master_instance_id
}
