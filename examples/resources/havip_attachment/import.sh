# An attachment is imported as havip_id:instance_id.
terraform import havip_attachment.ecs1 havip-bp1seedhavip00000000001:i-bp1seedecs0000000000001
