package provider_test

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

const listVSwitch2 = "vsw-bp1listvsw0000000000002"

// listedIDs reads the HaVip IDs a havip_havips data source returned.
func listedIDs(s *terraform.State, name string) ([]string, error) {
	rs := s.RootModule().Resources["data.havip_havips."+name]
	if rs == nil {
		return nil, fmt.Errorf("no data.havip_havips.%s in state", name)
	}
	n, err := strconv.Atoi(rs.Primary.Attributes["havips.#"])
	if err != nil {
		return nil, fmt.Errorf("data.havip_havips.%s: havips.# = %q", name, rs.Primary.Attributes["havips.#"])
	}
	var ids []string
	for i := 0; i < n; i++ {
		ids = append(ids, rs.Primary.Attributes[fmt.Sprintf("havips.%d.id", i)])
	}
	sort.Strings(ids)
	return ids, nil
}

// expectListed compares a data source's result with the HaVips of the
// configuration that match want (by count index).
func expectListed(name string, want func(i int) bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var exp []string
		for i := 0; i < 120; i++ {
			if want(i) {
				exp = append(exp, s.RootModule().Resources[fmt.Sprintf("havip.h.%d", i)].Primary.ID)
			}
		}
		sort.Strings(exp)
		got, err := listedIDs(s, name)
		if err != nil {
			return err
		}
		if strings.Join(got, ",") != strings.Join(exp, ",") {
			return fmt.Errorf("data.havip_havips.%s listed %d HaVips, want exactly %d:\n got %v\nwant %v", name, len(got), len(exp), got, exp)
		}
		return nil
	}
}

// 120 HaVips (the fixtures raise the account's quota) over two vSwitches:
// the data source reads all three pages and returns exactly the filtered
// set for server-side filters (values ORed, keys ANDed), tags, resource
// group and the client-side name regex, each item with the attributes of
// the havip resource.
func TestAccHaVips_dataSource(t *testing.T) {
	fx := mockcloud.SeedFixtures()
	fx.Quotas = map[string]int{mockcloud.QuotaHaVipsPerAccount: 150, mockcloud.QuotaHaVipsPerVPC: 150}
	fx.VSwitches = append(fx.VSwitches, mockcloud.FixtureVSwitch{ID: listVSwitch2, VpcID: acctest.SeedVPC, Zone: "cn-hangzhou-h", CIDR: "192.168.1.0/24"})
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	provider := env.ProviderBlock("  quotas {\n    havips_per_account = 150\n    havips_per_vpc     = 150\n  }")
	havips := fmt.Sprintf(`
resource "havip" "h" {
  count      = 120
  vswitch_id = count.index %% 2 == 0 ? %q : %q
  name       = "web-${count.index}"
  tags       = { n = tostring(count.index %% 3) }
}
`, acctest.SeedVSwitch, listVSwitch2)
	lists := fmt.Sprintf(`
data "havip_havips" "all" {
  depends_on = [havip.h]
}

data "havip_havips" "odd_n0" {
  vswitch_ids = [%[1]q]
  tags        = { n = "0" }
  depends_on  = [havip.h]
}

data "havip_havips" "either_vswitch" {
  vswitch_ids = [%[2]q, %[1]q]
  vpc_ids     = [%[3]q]
  statuses    = ["Available", "InUse"]
  depends_on  = [havip.h]
}

data "havip_havips" "regex" {
  name_regex = "^web-1[0-9]$"
  statuses   = ["Available"]
  depends_on = [havip.h]
}

data "havip_havips" "by_ids" {
  ids          = [havip.h[0].id, havip.h[1].id, havip.h[119].id]
  ip_addresses = [havip.h[0].ip_address, havip.h[1].ip_address]
}

data "havip_havips" "one" {
  ids = [havip.h[0].id]
}

data "havip_havips" "other_group" {
  resource_group_id = "rg-nosuchgroup"
  depends_on        = [havip.h]
}
`, listVSwitch2, acctest.SeedVSwitch, acctest.SeedVPC)
	var describesBefore int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{
			{Config: provider + havips},
			{
				PreConfig: func() { describesBefore = len(journalOf(env, "DescribeHaVips", 0)) },
				Config:    provider + havips + lists,
				Check: resource.ComposeAggregateTestCheckFunc(
					expectListed("all", func(int) bool { return true }),
					expectListed("odd_n0", func(i int) bool { return i%2 == 1 && i%3 == 0 }),
					expectListed("either_vswitch", func(int) bool { return true }),
					expectListed("regex", func(i int) bool { return i >= 10 && i <= 19 }),
					expectListed("by_ids", func(i int) bool { return i == 0 || i == 1 }),
					expectListed("other_group", func(int) bool { return false }),
					resource.TestCheckResourceAttr("data.havip_havips.one", "havips.#", "1"),
					resource.TestCheckResourceAttrPair("data.havip_havips.one", "havips.0.ip_address", "havip.h.0", "ip_address"),
					resource.TestCheckResourceAttrPair("data.havip_havips.one", "havips.0.vswitch_id", "havip.h.0", "vswitch_id"),
					resource.TestCheckResourceAttrPair("data.havip_havips.one", "havips.0.vpc_id", "havip.h.0", "vpc_id"),
					resource.TestCheckResourceAttrPair("data.havip_havips.one", "havips.0.resource_group_id", "havip.h.0", "resource_group_id"),
					resource.TestCheckResourceAttrPair("data.havip_havips.one", "havips.0.create_time", "havip.h.0", "create_time"),
					resource.TestCheckResourceAttr("data.havip_havips.one", "havips.0.name", "web-0"),
					resource.TestCheckResourceAttr("data.havip_havips.one", "havips.0.tags.n", "0"),
					resource.TestCheckResourceAttr("data.havip_havips.one", "havips.0.status", "Available"),
					resource.TestCheckResourceAttr("data.havip_havips.one", "havips.0.associated_instance_ids.#", "0"),
					func(*terraform.State) error {
						// "all" read pages 1 to 3 of 50; the filters went to the API.
						pages := map[string]bool{}
						filtered := false
						for _, e := range journalOf(env, "DescribeHaVips", 0)[describesBefore:] {
							if e.Params["PageSize"] == "50" {
								pages[e.Params["PageNumber"]] = true
							}
							if e.Params["Filter.1.Key"] == "VSwitchId" && e.Params["Tags.1.Key"] == "n" {
								filtered = true
							}
						}
						if !pages["1"] || !pages["2"] || !pages["3"] {
							return fmt.Errorf("the listing did not read pages 1, 2 and 3 of 50: %v", pages)
						}
						if !filtered {
							return fmt.Errorf("no DescribeHaVips carried the vSwitch filter and the tag")
						}
						return nil
					},
				),
			},
		},
	})
}
