# The HaVips of one vSwitch that are in use and tagged for production;
# the filters run in the API, every page is read.
data "havip_havips" "prod" {
  vswitch_ids = ["vsw-bp1seedvsw000000000001"]
  statuses    = ["InUse"]
  tags        = { env = "prod" }
  name_regex  = "^web-"
}

output "prod_havip_addresses" {
  value = { for h in data.havip_havips.prod.havips : h.name => h.ip_address }
}
