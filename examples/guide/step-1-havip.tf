terraform {
  required_version = ">= 1.5"
  required_providers {
    havip = {
      source  = "havip-oss/havip"
      version = ">= 0.1.0"
    }
  }
}

# Credentials and region from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID,
# ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_REGION).
provider "havip" {}

variable "vswitch_id" {
  description = "vSwitch of the ECS pair."
  type        = string
  default     = "vsw-bp1seedvsw000000000001" # the mock's; pass yours with -var
}

variable "havip_ip" {
  description = "Address of the HaVip inside the vSwitch; null lets Alibaba Cloud pick a free one."
  type        = string
  default     = null
}

resource "havip" "web" {
  vswitch_id = var.vswitch_id
  ip_address = var.havip_ip
  name       = "web"
}

output "havip_id" {
  value = havip.web.id
}

output "havip_ip" {
  value = havip.web.ip_address
}
