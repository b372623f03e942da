package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// membersTopology is the seed topology through havip_members: the HaVip
// created in the same configuration, its members and EIP in one resource.
// extra goes into the havip_members block.
func membersTopology(members []string, eip, extra string) string {
	eipLine := ""
	if eip != "" {
		eipLine = fmt.Sprintf("  eip_allocation_id = %q\n", eip)
	}
	return fmt.Sprintf(`
resource "havip" "web" {
  vswitch_id = %q
  ip_address = "192.168.0.24"
  name       = "test_havip_name"
}

resource "havip_members" "web" {
  havip_id   = havip.web.id
  vswitch_id = havip.web.vswitch_id
  member_ids = %s
%s%s}
`, acctest.SeedVSwitch, hclStrings(members), eipLine, extra)
}

// unassociate detaches a member outside Terraform, as from the console.
func unassociate(env *acctest.Env, t *testing.T, havipID, member string) error {
	req := vpc.CreateUnassociateHaVipRequest()
	req.HaVipId = havipID
	req.InstanceId = member
	req.InstanceType = "EcsInstance"
	_, err := env.VPCClient(t).UnassociateHaVip(req)
	return err
}

func seedMembers() []string { return []string{acctest.SeedECS1, acctest.SeedECS2} }

// Every whole-set rule refuses at plan, on the attribute, with the HaVip
// created in the same configuration (its ID unknown at plan), and nothing
// is created.
func TestAccMembers_refusedAtPlan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		body string
		want *regexp.Regexp
	}{
		{
			name: "11 members",
			body: membersTopology(accENIs(1, 11), "", ""),
			want: diagAt("Too many HaVip members", "havip_members.web", "member_ids", "member_ids lists 11 members; a HaVip takes at most 10"),
		},
		{
			name: "ECS and ENI mixed",
			body: membersTopology([]string{acctest.SeedECS1, accENI(1)}, "", ""),
			want: diagAt("ECS and ENI members mixed", "havip_members.web", "member_ids",
				"member_ids lists ECS instance "+acctest.SeedECS1+" and ENI "+accENI(1), "never both"),
		},
		{
			name: "duplicate member",
			body: membersTopology([]string{acctest.SeedECS1, acctest.SeedECS2, acctest.SeedECS1}, "", ""),
			want: diagAt("Duplicate HaVip member", "havip_members.web", "member_ids",
				acctest.SeedECS1+" is listed twice in member_ids (elements 0 and 2)"),
		},
		{
			name: "member in another vSwitch",
			body: membersTopology([]string{acctest.SeedECS1, accECS3}, "", ""),
			want: diagAt("Member in another vSwitch", "havip_members.web", "member_ids",
				accECS3+" is in vSwitch "+accVSwitch2+", but the HaVip is in vSwitch "+acctest.SeedVSwitch),
		},
		{
			name: "missing member",
			body: membersTopology([]string{acctest.SeedECS1, "i-bp1nosuchecs000000000009"}, "", ""),
			want: diagAt("ECS instance not found", "havip_members.web", "member_ids", "ECS instance i-bp1nosuchecs000000000009 does not exist"),
		},
		{
			name: "unattached ENI",
			body: membersTopology([]string{accENI(1), badUnattached}, "", ""),
			want: diagAt("ENI not attached", "havip_members.web", "member_ids", "ENI "+badUnattached+" is not attached"),
		},
		{
			name: "6th HaVip of an ENI",
			body: membersTopology([]string{accENI(12)}, "", ""),
			want: diagAt("Too many HaVips on the instance", "havip_members.web", "member_ids", accENI(12)+" would be a member of 6 HaVips"),
		},
		{
			name: "EIP bound elsewhere",
			body: membersTopology(seedMembers(), accEIP2, ""),
			want: diagAt("EIP not available", "havip_members.web", "eip_allocation_id", "EIP "+accEIP2),
		},
		{
			name: "vswitch_id not the HaVip's",
			body: strings.Replace(membersTopology([]string{acctest.SeedECS1}, "", ""), "vswitch_id = havip.web.vswitch_id", fmt.Sprintf("vswitch_id = %q", accVSwitch2), 1),
			want: diagAt("Member in another vSwitch", "havip_members.web", "member_ids", acctest.SeedECS1+" is in vSwitch "+acctest.SeedVSwitch+", but the HaVip is in vSwitch "+accVSwitch2),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.NewEnv(t, mockcloud.Options{Fixtures: badInputFixtures()})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      env.Config(c.body),
					ExpectError: c.want,
				}},
			})
			expectNoMutations(t, env, 0)
		})
	}
}

// havip_members owns the whole set: a havip_attachment or (when the set
// has an EIP) a havip_eip_association on the same HaVip is refused at plan
// when the HaVip's ID is known, and before any change of the membership
// when it is created in the same apply.
func TestAccMembers_coManagement(t *testing.T) {
	t.Parallel()
	hv := accHaVip(1)
	known := fmt.Sprintf(`
resource "havip_members" "web" {
  havip_id   = %q
  member_ids = [%q]
}
`, hv, acctest.SeedECS1)
	t.Run("attachment on a known HaVip", func(t *testing.T) {
		t.Parallel()
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: badInputFixtures()})
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      env.Config(known + attachmentConfig("ecs2", hv, acctest.SeedECS2, "")),
				ExpectError: regexp.MustCompile(`(?s)Error: HaVip managed by another resource.*HaVip ` + hv + `\s+is\s+also\s+managed\s+by\s+a\s+havip_(members|attachment)\s+resource`),
			}},
		})
		expectNoMutations(t, env, 0)
	})
	t.Run("EIP association on a known HaVip", func(t *testing.T) {
		t.Parallel()
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: badInputFixtures()})
		withEIP := strings.Replace(known, "member_ids", fmt.Sprintf("eip_allocation_id = %q\n  member_ids", acctest.SeedEIP), 1)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      env.Config(withEIP + eipAssociationConfig("other", hv, accEIP2)),
				ExpectError: regexp.MustCompile(`(?s)Error: (HaVip managed by another resource|HaVip already has an EIP)`),
			}},
		})
		expectNoMutations(t, env, 0)
	})
	t.Run("two EIPs for a HaVip of the same apply", func(t *testing.T) {
		t.Parallel()
		fx := mockcloud.SeedFixtures()
		fx.EIPs = append(fx.EIPs, mockcloud.FixtureEIP{ID: accEIP2, Region: "cn-hangzhou"})
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
		body := membersTopology(seedMembers(), acctest.SeedEIP, "") + `
resource "havip_eip_association" "second" {
  havip_id      = havip.web.id
  allocation_id = "` + accEIP2 + `"
}
`
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      env.Config(body),
				ExpectError: regexp.MustCompile(`(?s)Error: (HaVip managed by another resource|HaVip already has an EIP)`),
			}},
		})
		if n := len(mutations(env, 0, "AssociateEipAddress")); n > 1 {
			t.Fatalf("%d AssociateEipAddress, want at most the one of whichever resource applied first", n)
		}
	})
	t.Run("attachment on a HaVip of the same apply", func(t *testing.T) {
		t.Parallel()
		env := acctest.NewEnv(t, mockcloud.Options{})
		body := membersTopology([]string{acctest.SeedECS1}, "", "") + `
resource "havip_attachment" "ecs2" {
  havip_id    = havip.web.id
  instance_id = "` + acctest.SeedECS2 + `"
}
`
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      env.Config(body),
				ExpectError: regexp.MustCompile(`(?s)Error: (HaVip managed by another resource|HaVip has members managed elsewhere)`),
			}},
		})
		// One of the two got in first; the other changed nothing.
		if n := len(mutations(env, 0, "AssociateHaVip")); n != 1 {
			t.Fatalf("%d AssociateHaVip, want the 1 of whichever resource applied first:\n%s", n, acctest.Describe(env.MutatingCalls(0)))
		}
	})
}

// The seed topology through havip_members: one AssociateHaVip per member,
// import of the whole set, drift repaired, a shrink that detaches only the
// removed member, and one terraform destroy with the master set.
func TestAccMembers_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{})
	var applied, grown int64
	var havipID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := checkDestroyed(env, t)(s); err != nil {
				return err
			}
			// Two members, the master first in the list, no force step:
			// the other leaves first, then the master, forced.
			got, forced := detached(env, grown)
			if !slices.Equal(got, []string{acctest.SeedECS2, acctest.SeedECS1}) || !forced[acctest.SeedECS1] {
				return fmt.Errorf("destroy detached %v (forced %v), want %s then the master %s, forced", got, forced, acctest.SeedECS2, acctest.SeedECS1)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: env.Config(membersTopology(seedMembers(), acctest.SeedEIP, "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("havip_members.web", tfjsonpath.New("instance_type"), knownvalue.StringExact("EcsInstance")),
					statecheck.ExpectKnownValue("havip_members.web", tfjsonpath.New("eip_address"), knownvalue.StringRegexp(regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`))),
				},
				Check: func(s *terraform.State) error {
					havipID = s.RootModule().Resources["havip.web"].Primary.ID
					c := commitsOf(env, 0)
					if c["AssociateHaVip"] != 2 || c["AssociateEipAddress"] != 1 || c["CreateHaVip"] != 1 || len(c) != 3 {
						return fmt.Errorf("apply committed %v, want CreateHaVip 1, AssociateHaVip 2, AssociateEipAddress 1", c)
					}
					t.Logf("seed topology through havip_members, apply: %v", callsOf(env, 0))
					applied = env.Server.JournalSeq()
					return nil
				},
			},
			{
				ResourceName:            "havip_members.web",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// Detached outside Terraform: the next plan re-attaches it.
				PreConfig: func() {
					if err := unassociate(env, t, havipID, acctest.SeedECS2); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.Config(membersTopology(seedMembers(), acctest.SeedEIP, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("havip_members.web", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					h, err := mockHaVip(t, env, havipID)
					if err != nil {
						return err
					}
					if got := sortedMembers(h); !slices.Equal(got, seedMembers()) {
						return fmt.Errorf("members %v after the drift was repaired", got)
					}
					return nil
				},
			},
			{
				// Shrink: only the removed member is detached.
				PreConfig: func() { applied = env.Server.JournalSeq() },
				Config:    env.Config(membersTopology([]string{acctest.SeedECS1}, acctest.SeedEIP, "")),
				Check: func(*terraform.State) error {
					m := mutations(env, applied)
					if len(m) != 1 || m[0].Action != "UnassociateHaVip" {
						return fmt.Errorf("the shrink made %d mutating calls, want one UnassociateHaVip:\n%s", len(m), acctest.Describe(m))
					}
					// keepalived makes the remaining member MASTER.
					return env.Server.Apply(mockcloud.Event{Type: mockcloud.EventSetMaster, Account: env.Cred.AccountID, HaVipID: havipID, InstanceID: acctest.SeedECS1})
				},
			},
			{
				// The second member joins again; the master stays ECS1,
				// first in the list. The destroy must need no force step.
				Config: env.Config(membersTopology(seedMembers(), acctest.SeedEIP, "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("havip_members.web", tfjsonpath.New("master_instance_id"), knownvalue.StringExact(acctest.SeedECS1)),
				},
				Check: func(*terraform.State) error {
					grown = env.Server.JournalSeq()
					return nil
				},
			},
		},
	})
}

// membersLifecycleCommits is what applying and destroying the seed
// topology through havip_members commits: any more is a duplicate, any
// resource left is an orphan.
var membersLifecycleCommits = map[string]int{
	"CreateHaVip": 1, "AssociateHaVip": 2, "AssociateEipAddress": 1,
	"UnassociateEipAddress": 1, "UnassociateHaVip": 2, "DeleteHaVip": 1,
}

// Throttling, 5xx answers and responses lost after the service committed,
// on every mutating call of havip_members: the apply and the destroy
// converge with every action committed once and nothing left behind.
func TestAccMembers_faultsConverge(t *testing.T) {
	t.Parallel()
	faults := []struct {
		name string
		rule mockcloud.FaultRule
	}{
		{"throttling", mockcloud.FaultRule{Count: 2, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultThrottle}}},
		{"503", mockcloud.FaultRule{Count: 2, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 503, Code: "ServiceUnavailable"}}},
		{"lost after commit", mockcloud.FaultRule{Count: 1, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}}},
	}
	for _, action := range []string{"AssociateHaVip", "UnassociateHaVip", "AssociateEipAddress", "UnassociateEipAddress"} {
		for _, f := range faults {
			action, f := action, f
			t.Run(action+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				env := acctest.NewEnv(t, mockcloud.Options{})
				rule := f.rule
				rule.Action = action
				id, err := env.Server.AddFault(rule)
				if err != nil {
					t.Fatal(err)
				}
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: acctest.ProviderFactories,
					Steps:                    []resource.TestStep{{Config: env.Config(membersTopology(seedMembers(), acctest.SeedEIP, ""))}},
					CheckDestroy: func(s *terraform.State) error {
						if r, ok := env.Server.Fault(id); !ok || r.Fired != rule.Count {
							return fmt.Errorf("the fault fired %d times, want %d", r.Fired, rule.Count)
						}
						if c := commitsOf(env, 0); !mapsEqual(c, membersLifecycleCommits) {
							return fmt.Errorf("committed %v, want %v", c, membersLifecycleCommits)
						}
						return checkDestroyed(env, t)(s)
					},
				})
			})
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A member instance deleted outside Terraform: the plan says so (a
// warning on member_ids), the apply refuses it before any change, and
// terraform destroy, which runs the same plan first, is not blocked.
func TestAccMembers_deletedMember(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{})
	var before int64
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config: env.Config(membersTopology(seedMembers(), acctest.SeedEIP, "")),
				Check: func(*terraform.State) error {
					return env.Server.Apply(mockcloud.Event{Type: mockcloud.EventDeleteInstance, Account: env.Cred.AccountID, InstanceID: acctest.SeedECS2})
				},
				// The plan after the deletion wants the member back.
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() { before = env.Server.JournalSeq() },
				Config:    env.Config(membersTopology(seedMembers(), acctest.SeedEIP, "")),
				ExpectError: diagAt("Member deleted outside Terraform", "havip_members.web", "member_ids",
					acctest.SeedECS2+" was a member of this havip_members and has been deleted outside Terraform", "Remove it from member_ids"),
			},
			{
				PreConfig: func() { expectNoMutations(t, env, before) },
				// The refresh already dropped the dead member from the state.
				Config: env.Config(membersTopology([]string{acctest.SeedECS1}, acctest.SeedEIP, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// Deleted again, and this time destroyed with the dead
				// member still configured.
				PreConfig: func() {
					if err := env.Server.Apply(mockcloud.Event{Type: mockcloud.EventDeleteInstance, Account: env.Cred.AccountID, InstanceID: acctest.SeedECS1}); err != nil {
						t.Fatal(err)
					}
				},
				Config:             env.Config(membersTopology([]string{acctest.SeedECS1}, acctest.SeedEIP, "")),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// A create that failed after its first member: the member stays in the
// state, and one terraform destroy removes it and the HaVip.
func TestAccMembers_destroyAfterPartialApply(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{})
	if _, err := env.Server.AddFault(mockcloud.FaultRule{Action: "AssociateHaVip", Resource: acctest.SeedECS2, Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 400, Code: "OperationFailed.Unknown", Message: "injected lasting failure"}}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if n := len(mutations(env, 0, "UnassociateHaVip")); n != 1 {
				return fmt.Errorf("destroy made %d UnassociateHaVip, want 1 (the member the failed apply left)", n)
			}
			return checkDestroyed(env, t)(s)
		},
		Steps: []resource.TestStep{{
			Config:      env.Config(membersTopology(seedMembers(), acctest.SeedEIP, "")),
			ExpectError: regexp.MustCompile(`Error associating ` + acctest.SeedECS2 + ` with the HaVip`),
		}},
	})
}

// The seed topology's lifecycle (apply, then destroy) through havip_members
// and through per-instance attachments: both commit the same mutating
// calls; the log shows every call, reads included, for the note.
func TestAccMembers_callCounts(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, body string) (apply, destroy map[string]int) {
		env := acctest.NewEnv(t, mockcloud.Options{})
		var applied int64
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.Config(body),
				Check: func(*terraform.State) error {
					applied = env.Server.JournalSeq()
					return nil
				},
			}},
			CheckDestroy: func(s *terraform.State) error {
				apply, destroy = callsOf(env, 0), callsOf(env, applied)
				for k, v := range destroy {
					apply[k] -= v
				}
				return checkDestroyed(env, t)(s)
			},
		})
		return apply, destroy
	}
	var membersApply, membersDestroy, attachApply, attachDestroy map[string]int
	t.Run("havip_members", func(t *testing.T) {
		membersApply, membersDestroy = run(t, membersTopology(seedMembers(), acctest.SeedEIP, ""))
	})
	t.Run("havip_attachment", func(t *testing.T) {
		attachApply, attachDestroy = run(t, seedTopology())
	})
	if t.Failed() {
		return
	}
	for _, a := range []string{"CreateHaVip", "AssociateHaVip", "AssociateEipAddress", "UnassociateEipAddress", "UnassociateHaVip", "DeleteHaVip"} {
		if membersApply[a]+membersDestroy[a] != attachApply[a]+attachDestroy[a] {
			t.Errorf("%s: %d calls through havip_members, %d through attachments", a, membersApply[a]+membersDestroy[a], attachApply[a]+attachDestroy[a])
		}
	}
	t.Logf("seed topology, every API call (apply incl. the harness's plans and refreshes | destroy):\n"+
		"  havip_members:    %v | %v\n  havip_attachment: %v | %v", membersApply, membersDestroy, attachApply, attachDestroy)
}

// Swapping the whole set for members of the other type (ECS instances for
// ENIs), or a full set of 10 for another, is an in-place update the
// service allows only with the old members gone first: the update detaches
// before it attaches in those cases, and converges.
func TestAccMembers_swapSetInPlace(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fixturesWithENIs(20)})
	var before int64
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{
			{Config: env.Config(membersTopology(seedMembers(), "", ""))},
			{
				PreConfig: func() { before = env.Server.JournalSeq() },
				Config:    env.Config(membersTopology(accENIs(1, 10), "", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("havip_members.web", tfjsonpath.New("instance_type"), knownvalue.StringExact("NetworkInterface")),
				},
				Check: func(*terraform.State) error {
					if c := commitsOf(env, before); c["UnassociateHaVip"] != 2 || c["AssociateHaVip"] != 10 || len(c) != 2 {
						return fmt.Errorf("the swap committed %v, want 2 detaches and 10 attaches", c)
					}
					return nil
				},
			},
			{
				PreConfig: func() { before = env.Server.JournalSeq() },
				Config:    env.Config(membersTopology(accENIs(11, 20), "", "")),
				Check: func(*terraform.State) error {
					if c := commitsOf(env, before); c["UnassociateHaVip"] != 10 || c["AssociateHaVip"] != 10 || len(c) != 2 {
						return fmt.Errorf("the swap of a full set committed %v, want 10 detaches and 10 attaches", c)
					}
					return nil
				},
			},
		},
	})
}

// detached lists, in order, the members UnassociateHaVip detached since
// seq, each with the Force it was sent with.
func detached(env *acctest.Env, since int64) (members []string, forced map[string]bool) {
	forced = map[string]bool{}
	for _, e := range mutations(env, since, "UnassociateHaVip") {
		if e.Committed {
			members = append(members, e.Params["InstanceId"])
			forced[e.Params["InstanceId"]] = strings.EqualFold(e.Params["Force"], "true")
		}
	}
	return members, forced
}

func setMaster(t *testing.T, env *acctest.Env, havipID, member string) {
	t.Helper()
	if err := env.Server.SetMaster(env.Cred.AccountID, havipID, member); err != nil {
		t.Fatal(err)
	}
}

func onlyHaVip(t *testing.T, env *acctest.Env) string {
	t.Helper()
	hs := env.HaVips(t)
	if len(hs) != 1 {
		t.Fatalf("want one HaVip in the mock, got %d", len(hs))
	}
	return hs[0].HaVipId
}

// Dropping the master from havip_members without force is refused by the
// plan, and, when keepalived moved the address to it after the plan, by
// the apply before its first change (Terraform plans the change again
// during apply, and Update checks once more). With force it is detached,
// forced.
func TestAccMembers_masterGuard(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{})
	cli := acctest.NewCLI(t, env.Config(membersTopology(seedMembers(), "", "")))
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	havipID := onlyHaVip(t, env)
	setMaster(t, env, havipID, acctest.SeedECS1)
	cli.SetConfig(env.Config(membersTopology([]string{acctest.SeedECS2}, "", "")))

	since := env.Server.JournalSeq()
	diags, failed, out := cli.Plan()
	refused := withSummary(diags, "Refusing to detach the HaVip's master")
	if !failed || len(refused) != 1 || !strings.Contains(refused[0].Detail, acctest.SeedECS1+" is the current master") {
		t.Fatalf("the plan did not refuse to drop the master without force:\n%s", out)
	}
	expectNoMutations(t, env, since)

	// Planned while ECS2 held the address; ECS1 takes it before the apply.
	setMaster(t, env, havipID, acctest.SeedECS2)
	if out, err := cli.Run("plan", "-out=tfplan", "-no-color", "-input=false"); err != nil {
		t.Fatalf("dropping a member that is not the master was refused: %v\n%s", err, out)
	}
	setMaster(t, env, havipID, acctest.SeedECS1)
	since = env.Server.JournalSeq()
	out, err := cli.Run("apply", "-no-color", "-input=false", "tfplan")
	if err == nil || !strings.Contains(out, "Refusing to detach the HaVip's master") {
		t.Fatalf("the apply did not refuse to drop the master that took over after the plan:\n%s", out)
	}
	expectNoMutations(t, env, since)

	cli.SetConfig(env.Config(membersTopology([]string{acctest.SeedECS2}, "", "  force = true\n")))
	since = env.Server.JournalSeq()
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("with force: %v\n%s", err, out)
	}
	if got, forced := detached(env, since); !slices.Equal(got, []string{acctest.SeedECS1}) || !forced[acctest.SeedECS1] {
		t.Fatalf("with force, want the master detached once with Force: detached %v, forced %v", got, forced)
	}
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}

// The master leaves last, so the others leave while it still serves the
// address: when the set shrinks (with force) and when it is destroyed (no
// force step needed). The master is the first of the list, so detaching
// in list order, or the master first, is seen.
func TestAccMembers_masterDetachedLast(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fixturesWithENIs(3)})
	all := accENIs(1, 3)
	cli := acctest.NewCLI(t, env.Config(membersTopology(all, "", "")))
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	havipID := onlyHaVip(t, env)
	setMaster(t, env, havipID, accENI(1))

	cli.SetConfig(env.Config(membersTopology([]string{accENI(3)}, "", "  force = true\n")))
	since := env.Server.JournalSeq()
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("shrink: %v\n%s", err, out)
	}
	got, forced := detached(env, since)
	if want := []string{accENI(2), accENI(1)}; !slices.Equal(got, want) || !forced[accENI(1)] || forced[accENI(2)] {
		t.Fatalf("the shrink detached %v (forced %v), want %v with only the master forced", got, forced, want)
	}

	cli.SetConfig(env.Config(membersTopology(all, "", "")))
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("grow: %v\n%s", err, out)
	}
	setMaster(t, env, havipID, accENI(1))
	since = env.Server.JournalSeq()
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("destroy with the master set: %v\n%s", err, out)
	}
	got, forced = detached(env, since)
	if len(got) != 3 || got[2] != accENI(1) || !forced[accENI(1)] {
		t.Fatalf("the destroy detached %v (forced %v), want the master %s last, forced", got, forced, accENI(1))
	}
}

// A havip_members whose create failed half way (the members associated,
// the EIP refused) is tainted with its members in the state. Terraform
// replaces it: the old set goes first, then the new one is made. Its
// members are its own, not "managed elsewhere", also when the next
// configuration drops one of them.
func TestAccMembers_taintedSetIsReplaced(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, mockcloud.Options{})
	if _, err := env.Server.AddFault(mockcloud.FaultRule{Account: env.Cred.AccountID, Action: "AssociateEipAddress", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 400, Code: "InvalidParameter", Message: "refused for the test"}}); err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t, env.Config(membersTopology(seedMembers(), acctest.SeedEIP, "")))
	out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false")
	if err == nil || !strings.Contains(out, "refused for the test") {
		t.Fatalf("the EIP bind was not refused:\n%s", out)
	}
	if state, _ := cli.Run("state", "list"); !strings.Contains(state, "havip_members.web") {
		t.Fatalf("the half-made set is not in the state:\n%s", state)
	}
	cli.SetConfig(env.Config(membersTopology([]string{acctest.SeedECS1}, acctest.SeedEIP, "")))
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("the tainted set was not replaced by the new one: %v\n%s", err, out)
	}
	hs := env.HaVips(t)
	if len(hs) != 1 || strings.Join(hs[0].AssociatedInstances.AssociatedInstance, ",") != acctest.SeedECS1 || len(hs[0].AssociatedEipAddresses.AssociatedEipAddresse) != 1 {
		t.Fatalf("want the HaVip with %s and the EIP, got %+v", acctest.SeedECS1, hs)
	}
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}
