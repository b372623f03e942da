# The whole set is imported by the HaVip ID: every member and the bound EIP.
# Import the HaVip first: without it in the state, the next plan creates a
# new havip.web at the same address and fails.
terraform import havip.web havip-bp1seedhavip00000000001
terraform import havip_members.web havip-bp1seedhavip00000000001
