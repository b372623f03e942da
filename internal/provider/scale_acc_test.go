package provider_test

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// Scale fixtures: a /20 vSwitch in the seed VPC, ten ECS instances and,
// for HaVip i, ten ENIs of its own (ENI j attached to instance j), since
// an ENI takes at most 5 HaVips.
const (
	scaleVSwitch     = "vsw-bp1scalevsw00000000001"
	scaleCIDR        = "192.168.16.0/20"
	scaleMembers     = 10
	scaleDefaultSize = 5
)

func scaleECS(j int) string    { return fmt.Sprintf("i-bp1scaleecs%011d", j) }
func scaleENI(i, j int) string { return fmt.Sprintf("eni-bp1scaleeni%06d%05d", i, j) }

// scaleHaVips is N: HAVIP_SCALE_HAVIPS, default 5 (50 for the full run).
func scaleHaVips(t *testing.T) int {
	n := scaleDefaultSize
	if s := os.Getenv("HAVIP_SCALE_HAVIPS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > 300 {
			t.Fatalf("HAVIP_SCALE_HAVIPS=%q: want 1..300", s)
		}
		n = v
	}
	return n
}

// addr4 is host number n of 192.168.16.0/20.
func addr4(n int) string { return fmt.Sprintf("192.168.%d.%d", 16+n/256, n%256) }

func scaleFixtures(n int) *mockcloud.Fixtures {
	fx := mockcloud.SeedFixtures()
	quota := n + 10
	fx.Quotas = map[string]int{mockcloud.QuotaHaVipsPerAccount: quota, mockcloud.QuotaHaVipsPerVPC: quota}
	fx.VSwitches = append(fx.VSwitches, mockcloud.FixtureVSwitch{ID: scaleVSwitch, VpcID: acctest.SeedVPC, Zone: "cn-hangzhou-h", CIDR: scaleCIDR, Name: "scale"})
	for j := 0; j < scaleMembers; j++ {
		fx.Instances = append(fx.Instances, mockcloud.FixtureInstance{ID: scaleECS(j), VSwitchID: scaleVSwitch, PrivateIP: addr4(10 + j)})
	}
	for i := 0; i < n; i++ {
		for j := 0; j < scaleMembers; j++ {
			fx.ENIs = append(fx.ENIs, mockcloud.FixtureENI{ID: scaleENI(i, j), VSwitchID: scaleVSwitch,
				PrivateIP: addr4(256 + i*scaleMembers + j), InstanceID: scaleECS(j)})
		}
	}
	return fx
}

func scaleConfig(env *acctest.Env, n int) string {
	var enis []string
	for i := 0; i < n; i++ {
		for j := 0; j < scaleMembers; j++ {
			enis = append(enis, scaleENI(i, j))
		}
	}
	quota := n + 10
	return env.ProviderBlock(fmt.Sprintf("  quotas {\n    havips_per_account = %d\n    havips_per_vpc     = %d\n  }", quota, quota)) +
		fmt.Sprintf(`
locals {
  enis = %s
}

resource "havip" "s" {
  count      = %d
  vswitch_id = %q
  ip_address = cidrhost(%q, 3000 + count.index)
  name       = "scale-${count.index}"
}

resource "havip_attachment" "m" {
  count       = length(local.enis)
  havip_id    = havip.s[floor(count.index / %d)].id
  instance_id = local.enis[count.index]
}
`, hclStrings(enis), n, scaleVSwitch, scaleCIDR, scaleMembers)
}

// TestAccProvider_scale applies and destroys N HaVips with ten ENI members each,
// at Terraform's default parallelism of 10: no failure, every HaVip with
// its ten members in the mock after apply, nothing after destroy, and
// every association committed exactly once.
func TestAccProvider_scale(t *testing.T) {
	n := scaleHaVips(t)
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: scaleFixtures(n)})
	start := env.Server.JournalSeq()
	began := time.Now()
	var applied time.Duration
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: scaleConfig(env, n),
			Check: func(*terraform.State) error {
				applied = time.Since(began)
				hs := env.HaVips(t)
				if len(hs) != n {
					return fmt.Errorf("the mock holds %d HaVips, want %d", len(hs), n)
				}
				for _, h := range hs {
					if got := len(h.AssociatedInstances.AssociatedInstance); got != scaleMembers || h.Status != "InUse" {
						return fmt.Errorf("HaVip %s is %s with %d members, want InUse with %d", h.HaVipId, h.Status, got, scaleMembers)
					}
				}
				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if hs := env.HaVips(t); len(hs) != 0 {
				return fmt.Errorf("%d HaVips left after destroy, first %s", len(hs), hs[0].HaVipId)
			}
			return checkScaleCommits(env, start, n)
		},
	})
	total := time.Since(began)
	counts := map[string]int{}
	for _, e := range env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Since: start}) {
		counts[e.Action]++
	}
	t.Logf("scale: %d HaVips × %d ENI members (%d resources), parallelism 10: apply %.1fs, apply+destroy %.1fs; API calls %s",
		n, scaleMembers, n*(scaleMembers+1), applied.Seconds(), total.Seconds(), formatCounts(counts))
}

// checkScaleCommits: every mutating action committed exactly once per
// resource, and each (HaVip, ENI) association exactly once.
func checkScaleCommits(env *acctest.Env, since int64, n int) error {
	commits := map[string]int{}
	pairs := map[string]int{}
	for _, e := range env.MutatingCalls(since) {
		if !e.Committed {
			continue
		}
		commits[e.Action]++
		if e.Action == "AssociateHaVip" {
			pairs[e.Params["HaVipId"]+"/"+e.Params["InstanceId"]]++
		}
	}
	want := map[string]int{"CreateHaVip": n, "AssociateHaVip": n * scaleMembers, "UnassociateHaVip": n * scaleMembers, "DeleteHaVip": n}
	for a, w := range want {
		if commits[a] != w {
			return fmt.Errorf("%s committed %d times, want %d (all commits: %v)", a, commits[a], w, commits)
		}
	}
	if len(commits) != len(want) {
		return fmt.Errorf("unexpected commits: %v", commits)
	}
	if len(pairs) != n*scaleMembers {
		return fmt.Errorf("%d distinct associations committed, want %d", len(pairs), n*scaleMembers)
	}
	for p, c := range pairs {
		if c != 1 {
			return fmt.Errorf("association %s committed %d times", p, c)
		}
	}
	return nil
}

func formatCounts(c map[string]int) string {
	keys := make([]string, 0, len(c))
	total := 0
	for k, v := range c {
		keys = append(keys, k)
		total += v
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d:", total)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s %d", k, c[k])
	}
	return b.String()
}
