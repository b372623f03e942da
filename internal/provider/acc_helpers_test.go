// Helpers shared by the acceptance tests of more than one resource: the
// seed-stack configurations, fixtures, journal queries and diagnostic
// matchers. A helper used by one resource's tests stays in that file.
package provider_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

func accENI(i int) string { return fmt.Sprintf("eni-bp1acceni%013d", i) }

func accHaVip(i int) string { return fmt.Sprintf("havip-bp1acchavip%011d", i) }

func accENIs(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, accENI(i))
	}
	return out
}

// fixturesWithENIs is the seed topology plus n secondary ENIs in the seed
// vSwitch (192.168.0.101…), attached alternately to SeedECS1 and SeedECS2.
func fixturesWithENIs(n int) *mockcloud.Fixtures {
	fx := mockcloud.SeedFixtures()
	for i := 1; i <= n; i++ {
		owner := acctest.SeedECS1
		if i%2 == 0 {
			owner = acctest.SeedECS2
		}
		fx.ENIs = append(fx.ENIs, mockcloud.FixtureENI{ID: accENI(i), VSwitchID: acctest.SeedVSwitch,
			PrivateIP: fmt.Sprintf("192.168.0.%d", 100+i), InstanceID: owner})
	}
	return fx
}

// fixtureHaVip is HaVip i of the seed vSwitch, at 192.168.0.(30+i).
func fixtureHaVip(i int, members ...string) mockcloud.FixtureHaVip {
	return mockcloud.FixtureHaVip{ID: accHaVip(i), VSwitchID: acctest.SeedVSwitch, IP: fmt.Sprintf("192.168.0.%d", 30+i), Members: members}
}

func hclStrings(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// attachmentConfig attaches instanceID to a HaVip given by ID.
func attachmentConfig(name, havipID, instanceID, extra string) string {
	return fmt.Sprintf(`
resource "havip_attachment" %q {
  havip_id    = %q
  instance_id = %q
%s}
`, name, havipID, instanceID, extra)
}

// eniAttachments attaches every ID to the HaVip expression havip, as
// instances of one resource that Terraform creates concurrently. It uses
// count: terraform-plugin-testing's legacy state shim, which it runs before
// every destroy, fails on string for_each keys ("unexpected index type
// (string) … for_each is not supported", terraform-plugin-sdk#536), and
// Terraform walks count and for_each instances alike.
func eniAttachments(havip string, ids []string) string {
	return fmt.Sprintf(`
locals {
  enis = %s
}

resource "havip_attachment" "eni" {
  count       = length(local.enis)
  havip_id    = %s
  instance_id = local.enis[count.index]
}
`, hclStrings(ids), havip)
}

func eipAssociationConfig(name, havipID, allocationID string) string {
	return fmt.Sprintf(`
resource "havip_eip_association" %q {
  havip_id      = %q
  allocation_id = %q
}
`, name, havipID, allocationID)
}

// words matches s however Terraform wraps it.
func words(s string) string {
	f := strings.Fields(s)
	for i := range f {
		f[i] = regexp.QuoteMeta(f[i])
	}
	return strings.Join(f, `\s+`)
}

// diagAt matches an error diagnostic with the given summary whose source
// snippet is the line of attribute attr of resource addr (any instance
// key; "" = any resource), followed by the detail texts in order.
func diagAt(summary, addr, attr string, details ...string) *regexp.Regexp {
	a := `havip_[a-z_]+\.[a-z0-9_]+`
	if addr != "" {
		a = regexp.QuoteMeta(addr)
	}
	re := `(?s)Error: ` + words(summary) +
		`\s+with ` + a + `(?:\[[^\]]*\])?,` +
		`\s+on [^\n]+:\s+\d+:\s+` + regexp.QuoteMeta(attr) + `\s+=[^\n]*\n`
	for _, d := range details {
		re += `.*?` + words(d)
	}
	return regexp.MustCompile(re)
}

func journalOf(env *acctest.Env, action string, since int64) []mockcloud.JournalEntry {
	return env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Action: action, Since: since})
}

// mutations lists the mutating calls since seq, of the given actions only
// when some are given.
func mutations(env *acctest.Env, since int64, actions ...string) []mockcloud.JournalEntry {
	var out []mockcloud.JournalEntry
	for _, e := range env.MutatingCalls(since) {
		if len(actions) == 0 || slices.Contains(actions, e.Action) {
			out = append(out, e)
		}
	}
	return out
}

func expectNoMutations(t *testing.T, env *acctest.Env, since int64, actions ...string) {
	t.Helper()
	if calls := mutations(env, since, actions...); len(calls) != 0 {
		t.Fatalf("a refused change made mutating calls:\n%s", acctest.Describe(calls))
	}
}

// mockHaVip is the HaVip as the mock holds it.
func mockHaVip(t *testing.T, env *acctest.Env, id string) (vpc.HaVip, error) {
	for _, h := range env.HaVips(t) {
		if h.HaVipId == id {
			return h, nil
		}
	}
	return vpc.HaVip{}, fmt.Errorf("the mock has no HaVip %s", id)
}

func sortedMembers(h vpc.HaVip) []string {
	m := append([]string{}, h.AssociatedInstances.AssociatedInstance...)
	sort.Strings(m)
	return m
}

// seedTopology is the HaVip guide's whole topology.
func seedTopology() string {
	return fmt.Sprintf(`
resource "havip" "web" {
  vswitch_id = %q
  ip_address = "192.168.0.24"
  name       = "test_havip_name"
}

resource "havip_attachment" "ecs1" {
  havip_id    = havip.web.id
  instance_id = %q
}

resource "havip_attachment" "ecs2" {
  havip_id    = havip.web.id
  instance_id = %q
}

resource "havip_eip_association" "web" {
  havip_id      = havip.web.id
  allocation_id = %q
}
`, acctest.SeedVSwitch, acctest.SeedECS1, acctest.SeedECS2, acctest.SeedEIP)
}

// commitsOf counts the committed mutating calls per action since seq.
func commitsOf(env *acctest.Env, since int64) map[string]int {
	out := map[string]int{}
	for _, e := range env.MutatingCalls(since) {
		if e.Committed {
			out[e.Action]++
		}
	}
	return out
}

// callsOf counts every call per action (reads too) since seq.
func callsOf(env *acctest.Env, since int64) map[string]int {
	out := map[string]int{}
	for _, e := range env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Since: since}) {
		out[e.Action]++
	}
	return out
}

// withSummary keeps the diagnostics whose summary starts with prefix.
func withSummary(diags []acctest.Diagnostic, prefix string) []acctest.Diagnostic {
	var out []acctest.Diagnostic
	for _, d := range diags {
		if strings.HasPrefix(d.Summary, prefix) {
			out = append(out, d)
		}
	}
	return out
}

// badInputFixtures is one world for every bad-input case; nothing in it
// changes, since every case fails at plan time:
//   - HaVip 1 (.31): no members, no EIP — the target of most cases.
//   - HaVip 2 (.32): ENIs 1–10, full.
//   - HaVips 3–7 (.33–.37): ENI 12 each, which is at its 5 HaVips; and
//     ENI members, so an ECS member would mix.
//   - HaVip 8 (.38): bound to EIP accEIP2.
//   - ENI 11 free and attached, badUnattached not attached to anything,
//     accECS3 in accVSwitch2, an EIP in cn-shanghai.
func badInputFixtures() *mockcloud.Fixtures {
	fx := fixturesWithENIs(12)
	fx.Regions = []string{"cn-hangzhou", "cn-shanghai"}
	fx.VSwitches = append(fx.VSwitches, mockcloud.FixtureVSwitch{ID: accVSwitch2, VpcID: acctest.SeedVPC, Zone: "cn-hangzhou-h", CIDR: "192.168.1.0/24"})
	fx.Instances = append(fx.Instances, mockcloud.FixtureInstance{ID: accECS3, VSwitchID: accVSwitch2, PrivateIP: "192.168.1.10"})
	fx.ENIs = append(fx.ENIs, mockcloud.FixtureENI{ID: badUnattached, VSwitchID: acctest.SeedVSwitch, PrivateIP: "192.168.0.120"})
	fx.EIPs = append(fx.EIPs,
		mockcloud.FixtureEIP{ID: accEIP2, Region: "cn-hangzhou"},
		mockcloud.FixtureEIP{ID: badShanghaiEIP, Region: "cn-shanghai"})
	fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1), fixtureHaVip(2, accENIs(1, 10)...)}
	for i := 3; i <= 7; i++ {
		fx.HaVips = append(fx.HaVips, fixtureHaVip(i, accENI(12)))
	}
	withEIP := fixtureHaVip(8)
	withEIP.EIPs = []string{accEIP2}
	fx.HaVips = append(fx.HaVips, withEIP)
	return fx
}

// kaBody is a valid keepalived data source with fields added or, when a
// field of the same name is given, replaced.
func kaBody(fields map[string]string) string {
	base := map[string]string{
		"virtual_ips":       `["192.168.0.24"]`,
		"virtual_router_id": `51`,
		"nodes": `[
    { name = "a", private_ip = "192.168.0.25" },
    { name = "b", private_ip = "192.168.0.26" },
  ]`,
	}
	for k, v := range fields {
		base[k] = v
	}
	var b strings.Builder
	b.WriteString("\ndata \"havip_keepalived_config\" \"x\" {\n")
	for _, k := range []string{"virtual_ips", "virtual_router_id", "nodes"} {
		fmt.Fprintf(&b, "  %s = %s\n", k, base[k])
		delete(base, k)
	}
	for k, v := range base {
		fmt.Fprintf(&b, "  %s = %s\n", k, v)
	}
	b.WriteString("}\n")
	return b.String()
}

func kaNodes(n int, extra func(i int) string) string {
	var b strings.Builder
	b.WriteString("[\n")
	for i := 0; i < n; i++ {
		e := ""
		if extra != nil {
			e = extra(i)
		}
		fmt.Fprintf(&b, "    { name = \"n%d\", private_ip = \"192.168.0.%d\"%s },\n", i, 40+i, e)
	}
	b.WriteString("  ]")
	return b.String()
}

func havipBody(lines string) string {
	return fmt.Sprintf("\nresource \"havip\" \"x\" {\n  vswitch_id = %q\n%s\n}\n", acctest.SeedVSwitch, lines)
}

func attachBody(havipID, instanceID, extra string) string {
	return attachmentConfig("x", havipID, instanceID, extra)
}

// routeFixtures: the seed topology, a Custom table of the seed VPC, a second
// VPC with a HaVip (accHaVip(9)), HaVip 1 in the seed vSwitch, and route
// entries that settle after two describes, as on the real service.
func routeFixtures() *mockcloud.Fixtures {
	fx := mockcloud.SeedFixtures()
	fx.VPCs = append(fx.VPCs, mockcloud.FixtureVPC{ID: routeVPC2, Region: "cn-hangzhou", CIDR: "10.0.0.0/16"})
	fx.VSwitches = append(fx.VSwitches, mockcloud.FixtureVSwitch{ID: routeVSwitch2, VpcID: routeVPC2, CIDR: "10.0.0.0/24"})
	fx.RouteTables = []mockcloud.FixtureRouteTable{{ID: routeCustom, VpcID: acctest.SeedVPC, Name: "custom"}}
	fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1), {ID: accHaVip(9), VSwitchID: routeVSwitch2, IP: "10.0.0.9"}}
	fx.Transitions = map[string]mockcloud.Transition{"route_entry": {Mode: "describes", Describes: 2}}
	return fx
}

// checkOnlyFixtureHaVips: after destroy the mock holds the fixtures'
// HaVips only, and no route.
func checkOnlyFixtureHaVips(env *acctest.Env, t *testing.T) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if hs := env.HaVips(t); len(hs) != len(routeFixtures().HaVips) {
			return fmt.Errorf("%d HaVips after destroy, want the %d of the fixtures", len(hs), len(routeFixtures().HaVips))
		}
		return checkNoRoutes(t, env)
	}
}

func routeConfig(name, table, dest, havip, extra string) string {
	return fmt.Sprintf(`
resource "havip_route_entry" %q {
  route_table_id         = %q
  destination_cidr_block = %q
  havip_id               = %s
%s}
`, name, table, dest, havip, extra)
}

// mockRoutes lists the Custom entries of a table as the mock holds them.
func mockRoutes(t *testing.T, env *acctest.Env, table string) []vpc.RouteEntry {
	t.Helper()
	req := vpc.CreateDescribeRouteEntryListRequest()
	req.RouteTableId = table
	req.RouteEntryType = "Custom"
	resp, err := env.VPCClient(t).DescribeRouteEntryList(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp.RouteEntrys.RouteEntry
}

func havipConfig(extra string) string {
	return fmt.Sprintf(`
resource "havip" "test" {
  vswitch_id = %q
%s
}
`, acctest.SeedVSwitch, extra)
}

// checkDestroyed asserts the mock holds no HaVip once the test is over.
func checkDestroyed(env *acctest.Env, t *testing.T) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if hs := env.HaVips(t); len(hs) != 0 {
			return fmt.Errorf("%d HaVips left after destroy, first %s", len(hs), hs[0].HaVipId)
		}
		return nil
	}
}

func mockcloudOptions() mockcloud.Options { return mockcloud.Options{} }

// kaCluster is a keepalived_config data source "x" over the given nodes.
func kaCluster(nodes string) string {
	return `
data "havip_keepalived_config" "x" {
  virtual_ips       = ["192.168.0.24"]
  virtual_router_id = 51
  nodes = [` + nodes + `
  ]
}
`
}

func kaNode(name, ip, instance string) string {
	if instance == "" {
		return fmt.Sprintf("\n    { name = %q, private_ip = %q },", name, ip)
	}
	return fmt.Sprintf("\n    { name = %q, private_ip = %q, instance_id = %s },", name, ip, instance)
}

// withoutResource is the configuration cfg with the block of resource
// TYPE "NAME" taken out (blocks as this file writes them: the closing
// brace alone on its line).
func withoutResource(cfg, typ, name string) string {
	head := fmt.Sprintf("resource %q %q {", typ, name)
	start := strings.Index(cfg, head)
	if start < 0 {
		panic("no " + head + " in the configuration")
	}
	end := start + strings.Index(cfg[start:], "\n}\n") + len("\n}\n")
	return cfg[:start] + cfg[end:]
}
