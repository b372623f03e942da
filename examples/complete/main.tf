# The HaVip guide's topology: one HaVip at 192.168.0.24 in vSwitch
# 192.168.0.0/24, for the ECS pair at .25 and .26.
#
# Credentials, region and endpoints come from the environment
# (ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
# ALIBABA_CLOUD_REGION, and for the mock ALIBABA_CLOUD_ENDPOINT_VPC,
# ALIBABA_CLOUD_ENDPOINT_ECS, HAVIP_PROTOCOL=HTTP).

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

variable "vswitch_id" {
  description = "vSwitch of the ECS pair (192.168.0.0/24 in the guide)."
  type        = string
  default     = "vsw-bp1seedvsw000000000001"
}

resource "havip" "web" {
  vswitch_id  = var.vswitch_id
  ip_address  = "192.168.0.24"
  name        = "test_havip_name"
  description = "Service IP of the web pair"
  tags = {
    app = "web"
  }
}

output "havip_id" {
  value = havip.web.id
}

output "havip_ip" {
  value = havip.web.ip_address
}

output "havip_status" {
  value = havip.web.status
}
