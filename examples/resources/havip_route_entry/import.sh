# A route entry is imported as route_table_id:route_entry_id; import the
# HaVip it points at first, or the next plan replaces the entry to point it
# at a new HaVip.
terraform import havip.web havip-bp1seedhavip00000000001
terraform import havip_route_entry.web vtb-bp1seedvpc000000000001:rte-bp1seedroute00000000001
