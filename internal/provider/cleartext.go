package provider

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

// checkCleartext refuses plain HTTP towards anything but a loopback or
// private address: the API endpoints with protocol = "HTTP", and a
// credentials_uri with http://, whose answer is a secret itself.
func checkCleartext(ctx context.Context, ac alicloud.Config, si alicloud.SignIn, diags *diag.Diagnostics) {
	if strings.EqualFold(ac.Protocol, "HTTP") {
		for _, ep := range []struct{ name, attr, host string }{{"VPC", "vpc", ac.VPCEndpoint}, {"ECS", "ecs", ac.ECSEndpoint}} {
			var err error
			if ep.host == "" {
				err = fmt.Errorf("no endpoints.%s is set, so the region's public endpoint would be called", ep.attr)
			} else {
				err = cleartextAllowed(ctx, ep.host)
			}
			if err != nil {
				diags.AddAttributeError(path.Root("protocol"), "Plain HTTP would send credentials unencrypted",
					fmt.Sprintf("protocol = \"HTTP\" sends the AccessKeyId, and with STS the SecurityToken, in the query string unencrypted, so it is "+
						"allowed only towards a loopback or private address such as a local mock. The %s endpoint: %s. Remove protocol: HTTPS is the default.", ep.name, err))
				return
			}
		}
	}
	if u, err := url.Parse(si.CredentialsURI); si.CredentialsURI != "" && err == nil && strings.EqualFold(u.Scheme, "http") {
		if err := cleartextAllowed(ctx, u.Host); err != nil {
			diags.AddAttributeError(path.Root("credentials_uri"), "Plain HTTP would send credentials unencrypted",
				fmt.Sprintf("The credentials URI answers an AccessKey secret and a security token; over http:// they travel unencrypted, so it is "+
					"allowed only from a loopback or private address: %s. Use https://.", err))
		}
	}
}

// cleartextAllowed checks that a request sent in plain HTTP to host (with
// an optional port) stays on this machine or a private network: such a
// request carries the AccessKeyId and, with STS, the SecurityToken in its
// query string. Every address the name resolves to must be loopback or
// private (RFC 1918, fc00::/7); a name that does not resolve is refused.
func cleartextAllowed(ctx context.Context, host string) error {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if a, err := netip.ParseAddr(host); err == nil {
		return privateAddr(host, a)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("cannot resolve %s to check that it is a loopback or private address: %w", host, err)
	}
	for _, a := range addrs {
		if err := privateAddr(host, a); err != nil {
			return err
		}
	}
	return nil
}

func privateAddr(host string, a netip.Addr) error {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() {
		return nil
	}
	if host == a.String() {
		return fmt.Errorf("%s is neither a loopback nor a private address", host)
	}
	return fmt.Errorf("%s resolves to %s, neither a loopback nor a private address", host, a)
}
