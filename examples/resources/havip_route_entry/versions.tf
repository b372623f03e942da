# Not rendered into the docs: makes this directory a configuration of its
# own, so CI can `terraform init` and `terraform validate` it
# (make check-examples).
terraform {
  required_providers {
    havip = {
      source = "havip-oss/havip"
    }
  }
}
