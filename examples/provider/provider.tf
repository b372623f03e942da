terraform {
  required_providers {
    havip = {
      source  = "havip-oss/havip"
      version = "~> 0.1"
    }
  }
}

# Credentials from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID,
# ALIBABA_CLOUD_ACCESS_KEY_SECRET) or an aliyun CLI profile.
provider "havip" {
  region = "cn-hangzhou"
}

# Against the mock endpoint in CI, started as
#   mockcloud -addr 127.0.0.1:8590 -access-key-id LTAI5mockexample -access-key-secret mock-secret
# (or use the ALIBABA_CLOUD_* and HAVIP_PROTOCOL variables it writes with -env-file).
provider "havip" {
  alias      = "mock"
  region     = "cn-hangzhou"
  access_key = "LTAI5mockexample"
  secret_key = "mock-secret"
  protocol   = "HTTP"
  endpoints {
    vpc = "127.0.0.1:8590"
    ecs = "127.0.0.1:8590"
  }
}
