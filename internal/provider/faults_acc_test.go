package provider_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// expectedCommits is what one lifecycle of the renamed seed topology
// commits: any more is a duplicate, any resource left is an orphan.
var expectedCommits = map[string]int{
	"CreateHaVip": 1, "ModifyHaVipAttribute": 1, "AssociateHaVip": 2, "UnassociateHaVip": 2,
	"DeleteHaVip": 1, "AssociateEipAddress": 1, "UnassociateEipAddress": 1,
	"CreateRouteEntry": 1, "DeleteRouteEntry": 1,
}

// matrixRoute routes a destination of the seed VPC's System table to the
// seed topology's HaVip, so the route entry's calls are in the matrix too.
func matrixRoute() string {
	return fmt.Sprintf(`
resource "havip_route_entry" "web" {
  route_table_id         = %q
  destination_cidr_block = "10.10.0.0/16"
  havip_id               = havip.web.id
}
`, seedTable)
}

var matrixFaults = []struct {
	name string
	rule mockcloud.FaultRule
}{
	{"throttling", mockcloud.FaultRule{Count: 2, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultThrottle}}},
	{"503", mockcloud.FaultRule{Count: 2, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 503, Code: "ServiceUnavailable"}}},
	{"reset before commit", mockcloud.FaultRule{Count: 1, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropBefore}}},
	{"lost after commit", mockcloud.FaultRule{Count: 1, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}}},
	{"2 s latency", mockcloud.FaultRule{Count: 1, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultLatency, Latency: mockcloud.Duration(2 * time.Second)}}},
	{"in transition", mockcloud.FaultRule{Count: 2, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultConflict}}},
}

// TestAccFaultMatrix runs the seed topology's whole lifecycle, a route
// entry to its HaVip included (create, rename, destroy), with one fault on
// one mutating call, for every pair, and checks that it converges with
// every action committed exactly once and nothing left behind.
func TestAccFaultMatrix(t *testing.T) {
	acctest.PreCheck(t)
	actions := make([]string, 0, len(expectedCommits))
	for a := range expectedCommits {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	var mu sync.Mutex
	cells := map[string]string{}
	t.Run("matrix", func(t *testing.T) {
		for _, action := range actions {
			for _, f := range matrixFaults {
				action, f := action, f
				t.Run(action+"/"+f.name, func(t *testing.T) {
					t.Parallel()
					start := time.Now()
					cell := "FAIL"
					defer func() {
						mu.Lock()
						cells[action+"|"+f.name] = cell
						mu.Unlock()
					}()
					env := acctest.NewEnv(t, mockcloud.Options{})
					rule := f.rule
					rule.Action = action
					id, err := env.Server.AddFault(rule)
					if err != nil {
						t.Fatal(err)
					}
					renamed := strings.Replace(seedTopology(), `"test_havip_name"`, `"renamed"`, 1) + matrixRoute()
					resource.Test(t, resource.TestCase{
						ProtoV6ProviderFactories: acctest.ProviderFactories,
						Steps: []resource.TestStep{
							{Config: env.Config(seedTopology() + matrixRoute())},
							{Config: env.Config(renamed)},
						},
						CheckDestroy: func(*terraform.State) error { return checkConverged(t, env, id, rule.Count) },
					})
					if !t.Failed() {
						cell = fmt.Sprintf("ok %.1fs", time.Since(start).Seconds())
					}
				})
			}
		}
	})
	var b strings.Builder
	b.WriteString("\n| call | " + joinNames() + " |\n|---|" + strings.Repeat("---|", len(matrixFaults)) + "\n")
	for _, a := range actions {
		b.WriteString("| " + a + " |")
		for _, f := range matrixFaults {
			b.WriteString(" " + cells[a+"|"+f.name] + " |")
		}
		b.WriteString("\n")
	}
	t.Log("fault matrix (apply, rename, destroy; 0 duplicates, 0 orphans):" + b.String())
}

func joinNames() string {
	var names []string
	for _, f := range matrixFaults {
		names = append(names, f.name)
	}
	return strings.Join(names, " | ")
}

// checkConverged: the fault fired, every mutating action committed
// exactly as often as the lifecycle needs, and the account is empty again.
func checkConverged(t *testing.T, env *acctest.Env, faultID string, count int) error {
	if r, ok := env.Server.Fault(faultID); !ok || r.Fired != count {
		return fmt.Errorf("the fault fired %d times, want %d", r.Fired, count)
	}
	commits := map[string]int{}
	for _, e := range env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Mutating: true}) {
		if e.Committed {
			commits[e.Action]++
		}
	}
	for action, want := range expectedCommits {
		if commits[action] != want {
			return fmt.Errorf("%s committed %d times, want %d (all commits: %v)", action, commits[action], want, commits)
		}
	}
	if hs := env.HaVips(t); len(hs) != 0 {
		return fmt.Errorf("orphan: %d HaVips left, first %s", len(hs), hs[0].HaVipId)
	}
	if rs := mockRoutes(t, env, seedTable); len(rs) != 0 {
		return fmt.Errorf("orphan: %d route entries left, first %s", len(rs), rs[0].RouteEntryId)
	}
	req := vpc.CreateDescribeEipAddressesRequest()
	req.AllocationId = acctest.SeedEIP
	eips, err := env.VPCClient(t).DescribeEipAddresses(req)
	if err != nil {
		return err
	}
	if e := eips.EipAddresses.EipAddress; len(e) != 1 || e[0].Status != "Available" || e[0].InstanceId != "" {
		return fmt.Errorf("orphan: the EIP is not Available and unbound: %+v", e)
	}
	return nil
}
