# An attachment is imported as havip_id:instance_id.
# Import the HaVip first: without it in the state, the next plan creates a
# new havip.web at the same address and fails.
terraform import havip.web havip-bp1seedhavip00000000001
terraform import havip_attachment.ecs1 havip-bp1seedhavip00000000001:i-bp1seedecs0000000000001
