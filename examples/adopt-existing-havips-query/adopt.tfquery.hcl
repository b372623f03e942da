# Every HaVip of the VPC, and the membership (members and EIP) of each
# that has members. Terraform returns at most `limit` results per list
# block (100 unless set); the provider reads every page of the API.
list "havip" "vpc" {
  provider = havip
  limit    = 1000
  config {
    vpc_ids = ["vpc-bp1seedvpc000000000001"]
  }
}

list "havip_members" "vpc" {
  provider = havip
  limit    = 1000
  config {
    vpc_ids = ["vpc-bp1seedvpc000000000001"]
  }
}
