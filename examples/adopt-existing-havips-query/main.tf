# The working directory of `terraform query` (Terraform 1.14 and later): the
# provider's configuration, and the list blocks in adopt.tfquery.hcl.
#
#   terraform init
#   terraform query -generate-config-out=adopt.tf
#   terraform plan      # N to import, 0 to add, 0 to change, 0 to destroy
#   terraform apply
#
# This directory holds no resource until adopt.tf is generated.

terraform {
  required_version = ">= 1.5"
  required_providers {
    havip = {
      source  = "havip-oss/havip"
      version = ">= 0.1.0"
    }
  }
}

provider "havip" {}
