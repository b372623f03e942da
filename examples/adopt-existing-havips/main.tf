# Adopt every HaVip of a VPC, and the membership of each that has members,
# with import blocks written once for all of them (for_each in import
# blocks: Terraform 1.7 and later, OpenTofu). The havip_havips data source
# finds them; the resources take their settings from it, so the first plan
# imports them and changes nothing.
#
# Against the mock started with this directory's fixtures.json the plan
# reads "4 to import, 0 to add, 0 to change, 0 to destroy".

terraform {
  required_version = ">= 1.7"
  required_providers {
    havip = {
      source  = "havip-oss/havip"
      version = ">= 0.1.0"
    }
  }
}

provider "havip" {}

variable "vpc_id" {
  description = "VPC whose HaVips to adopt."
  type        = string
  default     = "vpc-bp1seedvpc000000000001"
}

data "havip_havips" "existing" {
  vpc_ids = [var.vpc_id]
}

locals {
  havips = { for h in data.havip_havips.existing.havips : h.id => h }
  # A HaVip's EIP is adopted with it only when you name its allocation ID
  # (eip_allocation_id); these HaVips have none.
  with_members = { for id, h in local.havips : id => h if length(h.associated_instance_ids) > 0 }
}

import {
  for_each = local.havips
  to       = havip.adopted[each.key]
  id       = each.key
}

resource "havip" "adopted" {
  for_each   = local.havips
  vswitch_id = each.value.vswitch_id
  ip_address = each.value.ip_address
  # An empty name or description is none: leave it out of the configuration.
  name        = each.value.name != "" ? each.value.name : null
  description = each.value.description != "" ? each.value.description : null
  tags        = length(each.value.tags) > 0 ? each.value.tags : null
}

import {
  for_each = local.with_members
  to       = havip_members.adopted[each.key]
  id       = each.key
}

resource "havip_members" "adopted" {
  for_each   = local.with_members
  havip_id   = havip.adopted[each.key].id
  member_ids = each.value.associated_instance_ids
}
