# An EIP association is imported as havip_id:allocation_id.
terraform import havip_eip_association.web havip-bp1seedhavip00000000001:eip-bp1seedeip000000000001
