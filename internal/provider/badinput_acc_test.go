package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// Fixture IDs of TestAccProvider_badInput, beside the seed topology's and the
// membership tests' (accVSwitch2, accECS3, accEIP2, accENI, accHaVip).
const (
	badShanghaiEIP = "eip-uf6badeip00000000000003"
	badUnattached  = "eni-bp1badeni00000000000020"
)

// badDiag matches an error diagnostic with the given summary whose
// "with <addr>," line is followed by a source snippet whose first line
// assigns attr ("attr =", `"attr" =`, or inside an object "{ …, attr = …").
// addr is a regular expression.
func badDiag(summary, addr, attr string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)Error: ` + words(summary) +
		`\s+with ` + addr + `(?:\[[^\]]*\])?,` +
		`\s+on [^\n]+:\n\s*\d+:[^\n]*?[\s{,]"?` + regexp.QuoteMeta(attr) + `"?\s*=`)
}

func resAddr(a string) string { return regexp.QuoteMeta(a) }

const providerAddr = `provider\["[^"]*havip"\]`

// TestAccProvider_badInput collects the invalid configurations of every resource,
// the provider block and the data source: each must fail at plan time
// with its diagnostic on the attribute at fault, and without a single
// mutating API call.
func TestAccProvider_badInput(t *testing.T) {
	fx := badInputFixtures()
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	seedProvider := env.ProviderBlock("")
	// provider rewrites one line of the mock's provider block.
	provider := func(old, new string) func(*testing.T) string {
		return func(t *testing.T) string {
			if !strings.Contains(seedProvider, old) {
				t.Fatalf("provider block has no %q", old)
			}
			return strings.Replace(seedProvider, old, new, 1)
		}
	}
	extra := func(s string) func(*testing.T) string { return func(*testing.T) string { return env.ProviderBlock(s) } }
	tags := func(n int) string {
		var b strings.Builder
		b.WriteString("  tags = {\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "    k%02d = \"v\"\n", i)
		}
		b.WriteString("  }")
		return b.String()
	}
	const (
		hv  = "havip.x"
		att = "havip_attachment.x"
		eip = "havip_eip_association.x"
		ka  = "data.havip_keepalived_config.x"
	)
	free := accHaVip(1)
	unknownHaVip := "havip-bp1doesnotexist0000001"
	cases := []struct {
		name     string
		provider func(*testing.T) string // default: the mock's provider block
		body     string
		summary  string
		addr     string // regular expression
		attr     string
	}{
		// havip
		{name: "havip/IPv6", body: havipBody(`  ip_address = "fd00::1"`), summary: "HaVip supports IPv4 only", addr: resAddr(hv), attr: "ip_address"},
		{name: "havip/not an IP", body: havipBody(`  ip_address = "192.168.0.300"`), summary: "Not an IPv4 address", addr: resAddr(hv), attr: "ip_address"},
		{name: "havip/outside CIDR", body: havipBody(`  ip_address = "192.168.9.24"`), summary: "IP address outside the vSwitch", addr: resAddr(hv), attr: "ip_address"},
		{name: "havip/reserved first", body: havipBody(`  ip_address = "192.168.0.0"`), summary: "Reserved IP address", addr: resAddr(hv), attr: "ip_address"},
		{name: "havip/reserved last", body: havipBody(`  ip_address = "192.168.0.255"`), summary: "Reserved IP address", addr: resAddr(hv), attr: "ip_address"},
		{name: "havip/used IP", body: havipBody(`  ip_address = "192.168.0.31"`), summary: "IP address already used", addr: resAddr(hv), attr: "ip_address"},
		{name: "havip/vswitch prefix", body: "\nresource \"havip\" \"x\" {\n  vswitch_id = \"" + acctest.SeedVPC + "\"\n}\n", summary: "Invalid ID", addr: resAddr(hv), attr: "vswitch_id"},
		{name: "havip/unknown vSwitch", body: "\nresource \"havip\" \"x\" {\n  vswitch_id = \"vsw-bp1doesnotexist00000001\"\n}\n", summary: "vSwitch not found", addr: resAddr(hv), attr: "vswitch_id"},
		{name: "havip/name too long", body: havipBody(`  name = "` + strings.Repeat("n", 129) + `"`), summary: "Invalid length", addr: resAddr(hv), attr: "name"},
		{name: "havip/name http", body: havipBody(`  name = "http://web"`), summary: "Invalid value", addr: resAddr(hv), attr: "name"},
		{name: "havip/description empty", body: havipBody(`  description = ""`), summary: "Invalid length", addr: resAddr(hv), attr: "description"},
		{name: "havip/description too long", body: havipBody(`  description = "` + strings.Repeat("d", 256) + `"`), summary: "Invalid length", addr: resAddr(hv), attr: "description"},
		{name: "havip/21 tags", body: havipBody(tags(21)), summary: "Too many tags", addr: resAddr(hv), attr: "tags"},
		{name: "havip/tag key aliyun", body: havipBody("  tags = {\n    \"aliyun:env\" = \"prod\"\n  }"), summary: "Invalid tag key", addr: resAddr(hv), attr: "aliyun:env"},
		{name: "havip/quota full", provider: extra(fmt.Sprintf("  quotas {\n    havips_per_account = %d\n  }", len(fx.HaVips))),
			body: havipBody(""), summary: "HaVip quota of the account reached", addr: resAddr(hv), attr: "vswitch_id"},

		// havip_attachment
		{name: "attachment/instance_id prefix", body: attachBody(free, acctest.SeedVSwitch, ""), summary: "Invalid ID", addr: resAddr(att), attr: "instance_id"},
		{name: "attachment/havip_id prefix", body: attachBody(acctest.SeedVSwitch, acctest.SeedECS1, ""), summary: "Invalid ID", addr: resAddr(att), attr: "havip_id"},
		{name: "attachment/instance_type not in set", body: attachBody(free, acctest.SeedECS1, `  instance_type = "Ecs"`+"\n"), summary: "Invalid Attribute Value Match", addr: resAddr(att), attr: "instance_type"},
		{name: "attachment/type contradicts prefix", body: attachBody(free, accENI(11), `  instance_type = "EcsInstance"`+"\n"), summary: "instance_type contradicts instance_id", addr: resAddr(att), attr: "instance_type"},
		{name: "attachment/unknown instance", body: attachBody(free, "i-bp1doesnotexist000000001", ""), summary: "ECS instance not found", addr: resAddr(att), attr: "instance_id"},
		{name: "attachment/unknown ENI", body: attachBody(free, "eni-bp1doesnotexist00000001", ""), summary: "ENI not found", addr: resAddr(att), attr: "instance_id"},
		{name: "attachment/unknown HaVip", body: attachBody(unknownHaVip, acctest.SeedECS1, ""), summary: "HaVip not found", addr: resAddr(att), attr: "havip_id"},
		{name: "attachment/other vSwitch", body: attachBody(free, accECS3, ""), summary: "Member in another vSwitch", addr: resAddr(att), attr: "instance_id"},
		{name: "attachment/ECS and ENI mixed", body: attachBody(accHaVip(3), acctest.SeedECS1, ""), summary: "ECS and ENI members mixed", addr: resAddr(att), attr: "instance_id"},
		{name: "attachment/11th member", body: attachBody(accHaVip(2), accENI(11), ""), summary: "Too many HaVip members", addr: resAddr(att), attr: "havip_id"},
		{name: "attachment/6th HaVip on the instance", body: attachBody(free, accENI(12), ""), summary: "Too many HaVips on the instance", addr: resAddr(att), attr: "instance_id"},
		{name: "attachment/unattached ENI", body: attachBody(free, badUnattached, ""), summary: "ENI not attached", addr: resAddr(att), attr: "instance_id"},

		// havip_eip_association
		{name: "eip/allocation prefix", body: eipAssociationConfig("x", free, "ip-bp1seedeip000000000001"), summary: "Invalid ID", addr: resAddr(eip), attr: "allocation_id"},
		{name: "eip/unknown EIP", body: eipAssociationConfig("x", free, "eip-bp1doesnotexist0000001"), summary: "EIP not found", addr: resAddr(eip), attr: "allocation_id"},
		{name: "eip/EIP in another region", body: eipAssociationConfig("x", free, badShanghaiEIP), summary: "EIP not found", addr: resAddr(eip), attr: "allocation_id"},
		{name: "eip/EIP bound elsewhere", body: eipAssociationConfig("x", free, accEIP2), summary: "EIP not available", addr: resAddr(eip), attr: "allocation_id"},
		{name: "eip/second EIP", body: eipAssociationConfig("x", accHaVip(8), acctest.SeedEIP), summary: "HaVip already has an EIP", addr: resAddr(eip), attr: "havip_id"},
		{name: "eip/unknown HaVip", body: eipAssociationConfig("x", unknownHaVip, acctest.SeedEIP), summary: "HaVip not found", addr: resAddr(eip), attr: "havip_id"},

		// provider
		{name: "provider/protocol FTP", provider: provider(`protocol   = "HTTP"`, `protocol   = "FTP"`), body: havipBody(""),
			summary: "Invalid Attribute Value Match", addr: providerAddr, attr: "protocol"},
		{name: "provider/endpoint with scheme", provider: provider(`vpc = "`, `vpc = "http://`), body: havipBody(""),
			summary: "Invalid Attribute Value Match", addr: providerAddr, attr: "vpc"},
		{name: "provider/max_retries 99", provider: extra("  max_retries = 99"), body: havipBody(""),
			summary: "Invalid Attribute Value", addr: providerAddr, attr: "max_retries"},
		{name: "provider/client_read_timeout 10 ms", provider: extra("  client_read_timeout = 10"), body: havipBody(""),
			summary: "Invalid Attribute Value", addr: providerAddr, attr: "client_read_timeout"},
		{name: "provider/havips_per_account 0", provider: extra("  quotas {\n    havips_per_account = 0\n  }"), body: havipBody(""),
			summary: "Invalid Attribute Value", addr: providerAddr, attr: "havips_per_account"},
		{name: "provider/region with spaces", provider: provider(`region     = "`, `region     = "cn `), body: havipBody(""),
			summary: "Invalid Attribute Value Match", addr: providerAddr, attr: "region"},

		// data source
		{name: "keepalived/auth_pass 9 chars", body: kaBody(map[string]string{"auth_pass": `"123456789"`}),
			summary: "Invalid keepalived cluster: auth_pass", addr: resAddr(ka), attr: "auth_pass"},
		{name: "keepalived/auth with VRRPv3", body: kaBody(map[string]string{"auth_pass": `"1111"`, "vrrp_version": "3"}),
			summary: "Invalid keepalived cluster: auth_pass", addr: resAddr(ka), attr: "auth_pass"},
		{name: "keepalived/priority 255", body: kaBody(map[string]string{"nodes": kaNodes(2, func(i int) string { return fmt.Sprintf(", priority = %d", 255-i) })}),
			summary: "Invalid keepalived cluster: nodes[0].priority", addr: resAddr(ka), attr: "nodes"},
		{name: "keepalived/duplicate priorities", body: kaBody(map[string]string{"nodes": kaNodes(2, func(int) string { return ", priority = 50" })}),
			summary: "Invalid keepalived cluster: nodes[1].priority", addr: resAddr(ka), attr: "nodes"},
		{name: "keepalived/vip is a node", body: kaBody(map[string]string{"virtual_ips": `["192.168.0.40"]`, "nodes": kaNodes(2, nil)}),
			summary: "Invalid keepalived cluster: virtual_ips[0]", addr: resAddr(ka), attr: "virtual_ips"},
		{name: "keepalived/advert_int 1.5 with v2", body: kaBody(map[string]string{"advert_int": "1.5"}),
			summary: "Invalid keepalived cluster: advert_int", addr: resAddr(ka), attr: "advert_int"},
		{name: "keepalived/advert_int 41 with v3", body: kaBody(map[string]string{"advert_int": "41", "vrrp_version": "3"}),
			summary: "Invalid keepalived cluster: advert_int", addr: resAddr(ka), attr: "advert_int"},
		{name: "keepalived/1 node", body: kaBody(map[string]string{"nodes": kaNodes(1, nil)}),
			summary: "Invalid keepalived cluster: nodes", addr: resAddr(ka), attr: "nodes"},
		{name: "keepalived/11 nodes", body: kaBody(map[string]string{"nodes": kaNodes(11, nil)}),
			summary: "Invalid keepalived cluster: nodes", addr: resAddr(ka), attr: "nodes"},
		{name: "keepalived/relative script path", body: kaBody(map[string]string{"health_check": `{ script = "check.sh" }`}),
			summary: "Invalid keepalived cluster: health_check.script", addr: resAddr(ka), attr: "health_check"},
		{name: "keepalived/VRID 0", body: kaBody(map[string]string{"virtual_router_id": "0"}),
			summary: "Invalid keepalived cluster: virtual_router_id", addr: resAddr(ka), attr: "virtual_router_id"},
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	start := env.Server.JournalSeq()
	t.Run("cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				prov := seedProvider
				if tc.provider != nil {
					prov = tc.provider(t)
				}
				want := badDiag(tc.summary, tc.addr, tc.attr)
				before := env.Server.JournalSeq()
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: acctest.ProviderFactories,
					Steps: []resource.TestStep{{
						Config:      prov + tc.body,
						PlanOnly:    true,
						ExpectError: want,
					}},
				})
				expectNoMutations(t, env, before)
			})
		}
	})
	if calls := env.MutatingCalls(start); len(calls) != 0 {
		t.Fatalf("bad input made mutating calls:\n%s", acctest.Describe(calls))
	}
	t.Logf("%d bad-input cases refused at plan time, 0 mutating calls; API calls by action: %v",
		len(cases), env.Server.JournalCounts(env.Cred.AccountID))
}
