resource "havip" "web" {
  vswitch_id  = "vsw-bp1seedvsw000000000001"
  ip_address  = "192.168.0.24" # omit to have a free address assigned
  name        = "web"
  description = "Service IP of the web pair"
  tags = {
    app = "web"
  }
}
