package provider_test

import (
	"fmt"
	"maps"
	"slices"
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

// expectedCommits is what one lifecycle of the matrix topology commits:
// any more is a duplicate, any resource left is an orphan. It is also the
// allow-list of mutating calls: a call not named here fails the cell.
var expectedCommits = map[string]int{
	"CreateHaVip": 1, "ModifyHaVipAttribute": 1, "AssociateHaVip": 2, "UnassociateHaVip": 2,
	"DeleteHaVip": 1, "AssociateEipAddress": 1, "UnassociateEipAddress": 1,
	"CreateRouteEntry": 1, "DeleteRouteEntry": 1, "TagResources": 1, "UnTagResources": 1,
	"MoveResourceGroup": 1,
}

// matrixTopology is the seed topology with tags, so that the second step
// (a rename, a tag change and a move to another resource group) sends
// TagResources, UnTagResources and MoveResourceGroup.
func matrixTopology(name, tags, extra string) string {
	return strings.Replace(seedTopology(), `  name       = "test_havip_name"`, fmt.Sprintf("  name       = %q\n  tags       = %s\n%s", name, tags, extra), 1) + matrixRoute()
}

// noTokenCalls carry no ClientToken: one whose answer is lost must be
// found done, not sent again.
var noTokenCalls = map[string]bool{"TagResources": true, "UnTagResources": true, "MoveResourceGroup": true}

// matrixReadTimeout is the provider's client_read_timeout in the matrix,
// and clientTimeout a latency beyond it: the provider gives up on the call,
// the service carries it out all the same, and the provider must find that
// out instead of doing it twice.
const (
	matrixReadTimeout = 1500 * time.Millisecond
	clientTimeout     = 3 * time.Second
)

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
	{"client timeout", mockcloud.FaultRule{Count: 1, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultLatency, Latency: mockcloud.Duration(clientTimeout)}}},
	{"in transition", mockcloud.FaultRule{Count: 2, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultConflict}}},
}

// TestAccProvider_faultMatrix runs the seed topology's whole lifecycle, a route
// entry to its HaVip and tags included (create; rename, retag and move to
// another resource group; destroy), with one fault on one mutating call, for every pair, and
// checks that it converges with every action committed exactly once, no
// mutating call outside the lifecycle's, and nothing left behind.
func TestAccProvider_faultMatrix(t *testing.T) {
	acctest.PreCheck(t)
	actions := slices.Sorted(maps.Keys(expectedCommits))
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
					provider := env.ProviderBlock(fmt.Sprintf("  client_read_timeout = %d", matrixReadTimeout.Milliseconds()))
					resource.Test(t, resource.TestCase{
						ProtoV6ProviderFactories: acctest.ProviderFactories,
						Steps: []resource.TestStep{
							{Config: provider + matrixTopology("test_havip_name", `{ env = "a", team = "x" }`, "")},
							{Config: provider + matrixTopology("renamed", `{ env = "b" }`, `  resource_group_id = "rg-aekzmatrix"`)},
						},
						CheckDestroy: func(*terraform.State) error { return checkConverged(t, env, id, rule) },
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
	t.Log("fault matrix (apply, rename, retag and move, destroy; 0 duplicates, 0 orphans, no call outside the lifecycle):" + b.String())
}

func joinNames() string {
	var names []string
	for _, f := range matrixFaults {
		names = append(names, f.name)
	}
	return strings.Join(names, " | ")
}

// checkConverged: the fault fired, every mutating action committed
// exactly as often as the lifecycle needs, every other mutating request
// was a retry of the faulted call, and the account is empty again.
func checkConverged(t *testing.T, env *acctest.Env, faultID string, rule mockcloud.FaultRule) error {
	if r, ok := env.Server.Fault(faultID); !ok || r.Fired != rule.Count {
		return fmt.Errorf("the fault fired %d times, want %d", r.Fired, rule.Count)
	}
	commits, sent := map[string]int{}, map[string]int{}
	for _, e := range env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Mutating: true}) {
		sent[e.Action]++
		if e.Committed {
			commits[e.Action]++
			continue
		}
		// A request that changed nothing is allowed only as the faulted
		// call's own retry: the fault itself, an answer replayed from its
		// ClientToken, or the service saying the first is still running.
		if e.Action != rule.Action {
			return fmt.Errorf("%s was sent and refused (%s) although no fault touched it: a call outside the lifecycle", e.Action, e.Code)
		}
	}
	for action, n := range commits {
		if want, ok := expectedCommits[action]; !ok || n != want {
			return fmt.Errorf("%s committed %d times, want %d (all commits: %v)", action, n, want, commits)
		}
	}
	for action, want := range expectedCommits {
		if commits[action] != want {
			return fmt.Errorf("%s committed %d times, want %d (all commits: %v)", action, commits[action], want, commits)
		}
	}
	// With a ClientToken the call that timed out must have been sent
	// again (answered from the token's record); a call without one (tags,
	// resource group) must not have been: the HaVip showed it done.
	if rule.Effect.Type == mockcloud.FaultLatency {
		noToken := noTokenCalls[rule.Action]
		if noToken && sent[rule.Action] != 1 {
			return fmt.Errorf("%s was sent %d times after its answer was lost, want 1", rule.Action, sent[rule.Action])
		}
		if !noToken && sent[rule.Action] < expectedCommits[rule.Action]+1 {
			return fmt.Errorf("%s was sent %d times: the provider did not give up on the slow call and retry", rule.Action, sent[rule.Action])
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
