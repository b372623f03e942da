# Credentials from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID,
# ALIBABA_CLOUD_ACCESS_KEY_SECRET) or an aliyun CLI profile.
provider "havip" {
  region = "cn-hangzhou"
}

# Against the mock endpoint (tools/mockcloud) in CI.
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
