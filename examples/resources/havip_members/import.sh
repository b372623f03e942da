# The whole set is imported by the HaVip ID: every member and the bound EIP.
terraform import havip_members.web havip-bp1seedhavip00000000001
