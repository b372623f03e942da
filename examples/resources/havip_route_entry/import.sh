# A route entry is imported as route_table_id:route_entry_id.
terraform import havip_route_entry.web vtb-bp1seedvpc000000000001:rte-bp1seedroute00000000001
