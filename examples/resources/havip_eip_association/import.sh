# An EIP association is imported as havip_id:allocation_id.
# Import the HaVip first: without it in the state, the next plan creates a
# new havip.web at the same address and fails.
terraform import havip.web havip-bp1seedhavip00000000001
terraform import havip_eip_association.web havip-bp1seedhavip00000000001:eip-bp1seedeip000000000001
