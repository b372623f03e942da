# A HaVip is imported by its ID.
terraform import havip.web havip-bp1seedhavip00000000001
