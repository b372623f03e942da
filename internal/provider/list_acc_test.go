package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

const (
	listHaVips      = 120 // in the seed vSwitch: three pages of DescribeHaVips
	listHaVipsVPC2  = 3   // in the second VPC
	listNamedHaVips = 12  // every tenth of the 120 is named web-N
)

// listFixtures: the route fixtures' second VPC, 120 HaVips in the seed
// vSwitch (every tenth named web-N; the first with both ECS instances as
// members and the seed EIP bound) and 3 in the second VPC.
func listFixtures() *mockcloud.Fixtures {
	fx := routeFixtures()
	fx.RouteTables, fx.Transitions = nil, nil
	fx.HaVips = nil
	for i := 1; i <= listHaVips; i++ {
		h := fixtureHaVip(i)
		if i%10 == 0 {
			h.Name = fmt.Sprintf("web-%d", i)
		}
		if i == 1 {
			h.Members, h.Master, h.EIPs = []string{acctest.SeedECS1, acctest.SeedECS2}, acctest.SeedECS1, []string{acctest.SeedEIP}
		}
		fx.HaVips = append(fx.HaVips, h)
	}
	for i := 1; i <= listHaVipsVPC2; i++ {
		fx.HaVips = append(fx.HaVips, mockcloud.FixtureHaVip{ID: accHaVip(200 + i), VSwitchID: routeVSwitch2, IP: fmt.Sprintf("10.0.0.%d", 10+i)})
	}
	return fx
}

func listBlock(typ, name, config string) string {
	return fmt.Sprintf("list %q %q {\n  provider = havip\n  limit    = 1000\n  config {\n%s  }\n}\n", typ, name, config)
}

// terraform query through terraform-plugin-testing: the filters of
// havip_havips (server-side and name_regex), every page, one membership
// per HaVip with members, one EIP binding per bound EIP, and nothing
// found for a filter that matches none; no call changes anything.
func TestAccList_query(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: listFixtures()})
	start := env.Server.JournalSeq()
	query := env.ProviderBlock("") +
		listBlock("havip", "all", "") +
		listBlock("havip", "vpc2", fmt.Sprintf("    vpc_ids = [%q]\n", routeVPC2)) +
		listBlock("havip", "named", "    name_regex = \"^web-\"\n    vswitch_ids = ["+fmt.Sprintf("%q", acctest.SeedVSwitch)+"]\n") +
		listBlock("havip", "none", "    ip_addresses = [\"192.168.0.250\"]\n") +
		listBlock("havip_members", "all", "") +
		listBlock("havip_eip_association", "all", "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			// A query runs in an initialised working directory; the
			// provider's configuration is the query file's.
			{Config: "locals {}\n"},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("havip.all", listHaVips+listHaVipsVPC2),
					querycheck.ExpectIdentity("havip.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(accHaVip(listHaVips))}),
					querycheck.ExpectLength("havip.vpc2", listHaVipsVPC2),
					querycheck.ExpectIdentity("havip.vpc2", map[string]knownvalue.Check{"id": knownvalue.StringExact(accHaVip(201))}),
					querycheck.ExpectLength("havip.named", listNamedHaVips),
					querycheck.ExpectIdentity("havip.named", map[string]knownvalue.Check{"id": knownvalue.StringExact(accHaVip(120))}),
					querycheck.ExpectLength("havip.none", 0),
					querycheck.ExpectLength("havip_members.all", 1),
					querycheck.ExpectIdentity("havip_members.all", map[string]knownvalue.Check{"havip_id": knownvalue.StringExact(accHaVip(1))}),
					querycheck.ExpectLength("havip_eip_association.all", 1),
					querycheck.ExpectIdentity("havip_eip_association.all", map[string]knownvalue.Check{
						"havip_id": knownvalue.StringExact(accHaVip(1)), "allocation_id": knownvalue.StringExact(acctest.SeedEIP)}),
				},
			},
			{
				Config: "locals {}\n",
				Check: func(*terraform.State) error {
					if calls := env.MutatingCalls(start); len(calls) != 0 {
						return fmt.Errorf("the queries made mutating calls:\n%s", acctest.Describe(calls))
					}
					return nil
				},
			},
		},
	})
}

// Adoption as a user does it: terraform query -generate-config-out on a
// .tfquery.hcl writes an import block and a resource block for each of
// the 123 HaVips and the one membership, and terraform plan on the result
// imports them all and changes nothing. No call of the whole run changes
// anything, and the listing read every page.
func TestAccList_adoptWithGeneratedConfig(t *testing.T) {
	acctest.SkipBelow(t, tfversion.Version1_14_0)
	query := listBlock("havip", "all", "") + listBlock("havip_members", "all", "")
	env, generated := adoptByQuery(t, listFixtures(), query, listHaVips+listHaVipsVPC2+1)
	if n := strings.Count(generated, `resource "havip" `); n != listHaVips+listHaVipsVPC2 {
		t.Fatalf("%d havip resource blocks generated, want %d", n, listHaVips+listHaVipsVPC2)
	}
	if !regexp.MustCompile(`(?s)resource "havip_members" "[^"]+" \{.*member_ids\s+=\s+\["` + acctest.SeedECS1 + `", "` + acctest.SeedECS2 + `"\]`).MatchString(generated) {
		t.Fatalf("no membership of %s generated:\n%s", accHaVip(1), generated)
	}
	pages := env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Action: "DescribeHaVips"})
	if len(pages) < 3 {
		t.Fatalf("%d DescribeHaVips calls: 123 HaVips cannot be listed in fewer than 3 pages of 50", len(pages))
	}
}

// The guide "Adopt existing HaVips": its query file, against its
// example's fixtures, as the guide shows it.
func TestAccList_adoptGuideExample(t *testing.T) {
	acctest.SkipBelow(t, tfversion.Version1_14_0)
	dir := "../../examples/adopt-existing-havips-query"
	fx, err := mockcloud.LoadFixturesFile(filepath.Join(dir, "fixtures.json"))
	if err != nil {
		t.Fatal(err)
	}
	query, err := os.ReadFile(filepath.Join(dir, "adopt.tfquery.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	adoptByQuery(t, fx, string(query), 4)
}

// adoptByQuery runs terraform query -generate-config-out=adopt.tf with
// query as the .tfquery.hcl against a mock holding fixtures, then terraform
// plan, which must import wantImports objects and change nothing, with no
// mutating call in the whole run. It returns the mock and adopt.tf.
func adoptByQuery(t *testing.T, fixtures *mockcloud.Fixtures, query string, wantImports int) (*acctest.Env, string) {
	t.Helper()
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fixtures})
	start := env.Server.JournalSeq()
	cli := acctest.NewCLI(t, env.ProviderBlock(""))
	if err := os.WriteFile(filepath.Join(cli.Dir(), "adopt.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := cli.Run("query", "-no-color", "-generate-config-out=adopt.tf")
	if err != nil {
		t.Fatalf("terraform query: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(cli.Dir(), "adopt.tf"))
	if err != nil {
		t.Fatalf("terraform query wrote no configuration: %v\n%s", err, out)
	}
	generated := string(b)
	if n := len(regexp.MustCompile(`(?m)^import \{`).FindAllString(generated, -1)); n != wantImports {
		t.Fatalf("%d import blocks generated, want %d:\n%s", n, wantImports, generated)
	}
	out, err = cli.Run("plan", "-no-color", "-input=false")
	if err != nil {
		t.Fatalf("terraform plan on the generated configuration: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", wantImports); !strings.Contains(out, want) {
		t.Fatalf("the plan is not %q:\n%s", want, out)
	}
	if calls := env.MutatingCalls(start); len(calls) != 0 {
		t.Fatalf("adoption made mutating calls:\n%s", acctest.Describe(calls))
	}
	return env, generated
}
