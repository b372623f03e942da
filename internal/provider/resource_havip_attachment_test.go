package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// Fixture IDs of these tests, beside the seed topology's.
const (
	accVSwitch2 = "vsw-bp1accvsw0000000000002" // 192.168.1.0/24 in the seed VPC
	accECS3     = "i-bp1accecs0000000000003"   // in accVSwitch2
	accEIP2     = "eip-bp1acceip0000000000002"
)

// Ten ENI attachments of one resource are created by Terraform ten at a
// time (its default -parallelism=10). The mock keeps the HaVip
// Associating for two describes after each AssociateHaVip, so any two
// associations that reached the API at once would meet
// IncorrectHaVipStatus; the client queues them per HaVip instead.
func TestAccAttachment_tenENIsInParallel(t *testing.T) {
	fx := fixturesWithENIs(10)
	fx.Transitions = map[string]mockcloud.Transition{"havip": {Mode: "describes", Describes: 2}}
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	ids := accENIs(1, 10)
	cfg := env.Config(havipConfig(`  ip_address = "192.168.0.24"`) + eniAttachments("havip.test.id", ids))
	var checks []statecheck.StateCheck
	for i, id := range ids {
		addr := fmt.Sprintf("havip_attachment.eni[%d]", i)
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("instance_type"), knownvalue.StringExact("NetworkInterface")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("InUse")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^havip-[a-z0-9]+:`+id+`$`))),
		)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkDestroyed(env, t),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: checks,
				Check: func(*terraform.State) error {
					hs := env.HaVips(t)
					if len(hs) != 1 {
						return fmt.Errorf("%d HaVips in the mock, want 1", len(hs))
					}
					if got := sortedMembers(hs[0]); !slices.Equal(got, ids) || hs[0].AssociatedInstanceType != "NetworkInterface" {
						return fmt.Errorf("the mock's HaVip has %s members %v, want the 10 ENIs %v", hs[0].AssociatedInstanceType, got, ids)
					}
					assoc := journalOf(env, "AssociateHaVip", 0)
					seen := map[string]bool{}
					for _, e := range assoc {
						if e.Status != 200 || e.Code != "" || e.Fault != "" || e.Replayed {
							return fmt.Errorf("an AssociateHaVip call was not a clean first success:\n%s", acctest.Describe(assoc))
						}
						seen[e.Params["InstanceId"]] = true
					}
					if len(assoc) != 10 || len(seen) != 10 {
						return fmt.Errorf("want exactly 10 AssociateHaVip calls, one per ENI; got %d for %d ENIs:\n%s", len(assoc), len(seen), acctest.Describe(assoc))
					}
					if busy := env.Server.Journal(mockcloud.JournalFilter{Account: env.Cred.AccountID, Code: "IncorrectHaVipStatus"}); len(busy) != 0 {
						return fmt.Errorf("associations collided at the API (IncorrectHaVipStatus):\n%s", acctest.Describe(busy))
					}
					return nil
				},
			},
			// After a refresh the HaVip lists all ten members and nothing
			// is planned.
			{
				RefreshState: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("havip.test", "associated_instance_ids.#", "10"),
					resource.TestCheckResourceAttr("havip.test", "associated_instance_type", "NetworkInterface"),
				),
			},
		},
	})
}

// HaVip takes at most 10 members. The 11th is refused at plan time when
// the HaVip exists (whether the other ten are in the API or only planned),
// and at apply time, before its AssociateHaVip, when the HaVip is created
// by the same apply.
func TestAccAttachment_eleventhMember(t *testing.T) {
	t.Parallel()
	t.Run("HaVip with 10 members", func(t *testing.T) {
		t.Parallel()
		fx := fixturesWithENIs(11)
		fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1, accENIs(1, 10)...)}
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
		before := env.Server.JournalSeq()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:   env.Config(attachmentConfig("eleventh", accHaVip(1), accENI(11), "")),
				PlanOnly: true,
				ExpectError: diagAt("Too many HaVip members", "havip_attachment.eleventh", "havip_id",
					"HaVip "+accHaVip(1)+" would have 11 members with "+accENI(11), "a HaVip takes at most 10 ECS instances or ENIs"),
			}},
		})
		expectNoMutations(t, env, before)
	})
	t.Run("11 planned for an empty HaVip", func(t *testing.T) {
		t.Parallel()
		fx := fixturesWithENIs(11)
		fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1)}
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
		before := env.Server.JournalSeq()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      env.Config(eniAttachments(fmt.Sprintf("%q", accHaVip(1)), accENIs(1, 11))),
				PlanOnly:    true,
				ExpectError: diagAt("Too many HaVip members", "havip_attachment.eni", "havip_id", "would have 11 members", "at most 10"),
			}},
		})
		expectNoMutations(t, env, before)
	})
	t.Run("11 for a HaVip of the same apply", func(t *testing.T) {
		t.Parallel()
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fixturesWithENIs(11)})
		ids := accENIs(1, 11)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             checkDestroyed(env, t),
			Steps: []resource.TestStep{{
				Config:      env.Config(havipConfig(`  ip_address = "192.168.0.24"`) + eniAttachments("havip.test.id", ids)),
				ExpectError: diagAt("Too many HaVip members", "havip_attachment.eni", "havip_id", "would have 11 members", "at most 10"),
			}},
		})
		assoc := journalOf(env, "AssociateHaVip", 0)
		members := map[string]bool{}
		for _, e := range assoc {
			if e.Status != 200 || e.Code != "" {
				t.Errorf("AssociateHaVip reached the API and was refused (%s): the 11th must be stopped before the call", e.Code)
			}
			members[e.Params["InstanceId"]] = true
		}
		if len(assoc) != 10 || len(members) != 10 {
			t.Fatalf("want exactly 10 AssociateHaVip calls for 10 distinct ENIs, got %d for %d:\n%s", len(assoc), len(members), acctest.Describe(assoc))
		}
		// The ten that were made were in state: the harness detached each.
		if un := journalOf(env, "UnassociateHaVip", 0); len(un) != 10 {
			t.Fatalf("destroy detached %d members, want the 10 that were attached:\n%s", len(un), acctest.Describe(un))
		}
	})
}

// Every rule of AssociateHaVip and AssociateEipAddress is checked at plan
// time, reported on the attribute at fault, before any mutating call.
func TestAccAttachment_refusedAtPlanTime(t *testing.T) {
	t.Parallel()
	withHaVips := func(fx *mockcloud.Fixtures, hs ...mockcloud.FixtureHaVip) *mockcloud.Fixtures {
		fx.HaVips = append(fx.HaVips, hs...)
		return fx
	}
	hv := accHaVip(1)
	cases := []struct {
		name     string
		fixtures *mockcloud.Fixtures
		body     string
		want     *regexp.Regexp
	}{
		{
			name:     "ENI for a HaVip with an ECS member",
			fixtures: withHaVips(fixturesWithENIs(1), fixtureHaVip(1, acctest.SeedECS1)),
			body:     attachmentConfig("eni", hv, accENI(1), ""),
			want: diagAt("ECS and ENI members mixed", "havip_attachment.eni", "instance_id",
				"HaVip "+hv+" has EcsInstance member "+acctest.SeedECS1+"; it cannot also take NetworkInterface "+accENI(1),
				"never both"),
		},
		{
			name:     "ECS and ENI planned together",
			fixtures: withHaVips(fixturesWithENIs(1), fixtureHaVip(1)),
			body:     attachmentConfig("ecs", hv, acctest.SeedECS1, "") + attachmentConfig("eni", hv, accENI(1), ""),
			want:     diagAt("ECS and ENI members mixed", "", "instance_id", "HaVip "+hv+" has ", "never both"),
		},
		{
			name: "member in another vSwitch",
			fixtures: func() *mockcloud.Fixtures {
				fx := withHaVips(mockcloud.SeedFixtures(), fixtureHaVip(1))
				fx.VSwitches = append(fx.VSwitches, mockcloud.FixtureVSwitch{ID: accVSwitch2, VpcID: acctest.SeedVPC, Zone: "cn-hangzhou-h", CIDR: "192.168.1.0/24"})
				fx.Instances = append(fx.Instances, mockcloud.FixtureInstance{ID: accECS3, VSwitchID: accVSwitch2, PrivateIP: "192.168.1.25"})
				return fx
			}(),
			body: attachmentConfig("other", hv, accECS3, ""),
			want: diagAt("Member in another vSwitch", "havip_attachment.other", "instance_id",
				accECS3+" is in vSwitch "+accVSwitch2+", but HaVip "+hv+" is in vSwitch "+acctest.SeedVSwitch),
		},
		{
			name: "sixth HaVip of an instance",
			fixtures: withHaVips(mockcloud.SeedFixtures(),
				fixtureHaVip(1, acctest.SeedECS1), fixtureHaVip(2, acctest.SeedECS1), fixtureHaVip(3, acctest.SeedECS1),
				fixtureHaVip(4, acctest.SeedECS1), fixtureHaVip(5, acctest.SeedECS1), fixtureHaVip(6)),
			body: attachmentConfig("sixth", accHaVip(6), acctest.SeedECS1, ""),
			want: diagAt("Too many HaVips on the instance", "havip_attachment.sixth", "instance_id",
				acctest.SeedECS1+" would be a member of 6 HaVips", "an instance takes at most 5 HaVips"),
		},
		{
			name: "second EIP",
			fixtures: func() *mockcloud.Fixtures {
				fx := mockcloud.SeedFixtures()
				fx.EIPs = append(fx.EIPs, mockcloud.FixtureEIP{ID: accEIP2, Region: "cn-hangzhou"})
				h := fixtureHaVip(1)
				h.EIPs = []string{acctest.SeedEIP}
				return withHaVips(fx, h)
			}(),
			body: eipAssociationConfig("second", hv, accEIP2),
			want: diagAt("HaVip already has an EIP", "havip_eip_association.second", "havip_id",
				"HaVip "+hv+" already has EIP", "a HaVip takes at most 1 EIP"),
		},
		{
			name: "two EIPs planned together",
			fixtures: func() *mockcloud.Fixtures {
				fx := mockcloud.SeedFixtures()
				fx.EIPs = append(fx.EIPs, mockcloud.FixtureEIP{ID: accEIP2, Region: "cn-hangzhou"})
				return withHaVips(fx, fixtureHaVip(1))
			}(),
			body: eipAssociationConfig("one", hv, acctest.SeedEIP) + eipAssociationConfig("two", hv, accEIP2),
			want: diagAt("HaVip already has an EIP", "", "havip_id", "HaVip "+hv+" already has EIP"),
		},
		{
			name: "ENI not attached to an instance",
			fixtures: func() *mockcloud.Fixtures {
				fx := withHaVips(mockcloud.SeedFixtures(), fixtureHaVip(1))
				fx.ENIs = append(fx.ENIs, mockcloud.FixtureENI{ID: accENI(50), VSwitchID: acctest.SeedVSwitch, PrivateIP: "192.168.0.150"})
				return fx
			}(),
			body: attachmentConfig("loose", hv, accENI(50), ""),
			want: diagAt("ENI not attached", "havip_attachment.loose", "instance_id",
				accENI(50)+" is not attached to an ECS instance"),
		},
		{
			name:     "instance_type contradicting the ID",
			fixtures: withHaVips(fixturesWithENIs(1), fixtureHaVip(1)),
			body:     attachmentConfig("typed", hv, accENI(1), "  instance_type = \"EcsInstance\"\n"),
			want: diagAt("instance_type contradicts instance_id", "havip_attachment.typed", "instance_type",
				accENI(1)+" is an ID of type NetworkInterface, but instance_type is EcsInstance"),
		},
		{
			name:     "unknown ECS instance",
			fixtures: withHaVips(mockcloud.SeedFixtures(), fixtureHaVip(1)),
			body:     attachmentConfig("ghost", hv, "i-bp1doesnotexist000000001", ""),
			want: diagAt("ECS instance not found", "havip_attachment.ghost", "instance_id",
				"ECS instance i-bp1doesnotexist000000001 does not exist in region cn-hangzhou"),
		},
		{
			name:     "one member declared by two attachments",
			fixtures: withHaVips(mockcloud.SeedFixtures(), fixtureHaVip(1)),
			body:     attachmentConfig("a", hv, acctest.SeedECS1, "") + attachmentConfig("b", hv, acctest.SeedECS1, ""),
			want: diagAt("Duplicate havip_attachment", "", "instance_id",
				"Another havip_attachment of this configuration already attaches "+acctest.SeedECS1+" to HaVip "+hv),
		},
		{
			name:     "member associated outside this configuration",
			fixtures: withHaVips(mockcloud.SeedFixtures(), fixtureHaVip(1, acctest.SeedECS1)),
			body:     attachmentConfig("adopt", hv, acctest.SeedECS1, ""),
			want: diagAt("Already a member of the HaVip", "havip_attachment.adopt", "instance_id",
				acctest.SeedECS1+" is already a member of HaVip "+hv, "import it", hv+":"+acctest.SeedECS1),
		},
		{
			name:     "unknown HaVip",
			fixtures: mockcloud.SeedFixtures(),
			body:     attachmentConfig("nohavip", accHaVip(9), acctest.SeedECS1, ""),
			want:     diagAt("HaVip not found", "havip_attachment.nohavip", "havip_id", "HaVip "+accHaVip(9)+" does not exist"),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.NewEnv(t, mockcloud.Options{Fixtures: tc.fixtures})
			before := env.Server.JournalSeq()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    []resource.TestStep{{Config: env.Config(tc.body), PlanOnly: true, ExpectError: tc.want}},
			})
			expectNoMutations(t, env, before)
		})
	}

	// The same rule when the HaVip is created by the same apply: checked
	// when Terraform plans the attachment again at apply time, still
	// before AssociateHaVip.
	t.Run("sixth HaVip of an instance, created in the same apply", func(t *testing.T) {
		t.Parallel()
		fx := withHaVips(mockcloud.SeedFixtures(),
			fixtureHaVip(1, acctest.SeedECS1), fixtureHaVip(2, acctest.SeedECS1), fixtureHaVip(3, acctest.SeedECS1),
			fixtureHaVip(4, acctest.SeedECS1), fixtureHaVip(5, acctest.SeedECS1))
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
		before := env.Server.JournalSeq()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy: func(*terraform.State) error {
				if hs := env.HaVips(t); len(hs) != 5 {
					return fmt.Errorf("%d HaVips after destroy, want the 5 fixtures", len(hs))
				}
				return nil
			},
			Steps: []resource.TestStep{{
				Config: env.Config(havipConfig(`  ip_address = "192.168.0.24"`) + `
resource "havip_attachment" "sixth" {
  havip_id    = havip.test.id
  instance_id = "` + acctest.SeedECS1 + `"
}
`),
				ExpectError: diagAt("Too many HaVips on the instance", "havip_attachment.sixth", "instance_id",
					acctest.SeedECS1+" would be a member of 6 HaVips", "at most 5 HaVips"),
			}},
		})
		expectNoMutations(t, env, before, "AssociateHaVip")
		if creates := mutations(env, before, "CreateHaVip"); len(creates) != 1 {
			t.Fatalf("want the one CreateHaVip of the apply, got:\n%s", acctest.Describe(creates))
		}
	})

	// Two attachments of one member to a HaVip created in the same apply:
	// the IDs are known only at apply, where the second is refused before
	// its AssociateHaVip and nothing the first made is detached.
	t.Run("one member declared twice, HaVip created in the same apply", func(t *testing.T) {
		t.Parallel()
		env := acctest.NewEnv(t, mockcloud.Options{})
		before := env.Server.JournalSeq()
		one := havipConfig(`  ip_address = "192.168.0.24"`) + `
resource "havip_attachment" "a" {
  havip_id    = havip.test.id
  instance_id = "` + acctest.SeedECS1 + `"
}
`
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             checkDestroyed(env, t),
			Steps: []resource.TestStep{
				{
					// depends_on orders the two: the second is planned at
					// apply after the first has made its association.
					Config: env.Config(one + `
resource "havip_attachment" "b" {
  havip_id    = havip.test.id
  instance_id = "` + acctest.SeedECS1 + `"
  depends_on  = [havip_attachment.a]
}
`),
					// Refused by the count of this process's planned
					// creates, or, had it been planned in another, by the
					// HaVip listing the member: either way before its
					// AssociateHaVip.
					ExpectError: regexp.MustCompile(`Error: (Duplicate havip_attachment|Already a member of the HaVip)\s+with havip_attachment\.b,`),
				},
				{
					Config:           env.Config(one),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					Check: func(*terraform.State) error {
						if calls := mutations(env, before, "AssociateHaVip"); len(calls) != 1 {
							return fmt.Errorf("want the one AssociateHaVip of havip_attachment.a, got:\n%s", acctest.Describe(calls))
						}
						if calls := mutations(env, before, "UnassociateHaVip"); len(calls) != 0 {
							return fmt.Errorf("the refused duplicate detached a member:\n%s", acctest.Describe(calls))
						}
						return nil
					},
				},
			},
		})
	})
}

// Malformed import IDs of every resource are refused with a diagnostic,
// never a panic, and without a mutating call.
func TestAccAttachment_malformedImportIDs(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	configs := map[string]string{
		"havip.test":                 env.Config(havipConfig("")),
		"havip_attachment.test":      env.Config(attachmentConfig("test", accHaVip(1), acctest.SeedECS1, "")),
		"havip_eip_association.test": env.Config(eipAssociationConfig("test", accHaVip(1), acctest.SeedEIP)),
	}
	invalid := regexp.MustCompile(`Error: Invalid import ID`)
	cases := []struct{ addr, id string }{
		{"havip.test", "x"},
		{"havip.test", "havip-"},
		{"havip.test", "i-bp1abc"},
		{"havip.test", "vsw-bp1abc"},
		{"havip_attachment.test", "havip-x"},
		{"havip_attachment.test", "havip-x:"},
		{"havip_attachment.test", ":i-1"},
		{"havip_attachment.test", "havip-:i-1"},
		{"havip_attachment.test", "havip-x:foo-1"},
		{"havip_attachment.test", "havip-x:i-"},
		{"havip_attachment.test", "eip-1:havip-x"},
		{"havip_attachment.test", "havip-x:i-1:i-2"},
		{"havip_eip_association.test", "havip-x"},
		{"havip_eip_association.test", "havip-x:"},
		{"havip_eip_association.test", ":eip-1"},
		{"havip_eip_association.test", "havip-x:i-1"},
		{"havip_eip_association.test", "havip-x:eip-"},
		{"havip_eip_association.test", "eip-1:havip-x"},
		{"havip_eip_association.test", "havip-x:eip-1:eip-2"},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config: configs[c.addr], ResourceName: c.addr, ImportState: true, ImportStateId: c.id, ExpectError: invalid,
		})
	}
	// Well-formed but absent: an error from the read, not a panic.
	steps = append(steps, resource.TestStep{
		Config: configs["havip_attachment.test"], ResourceName: "havip_attachment.test", ImportState: true,
		ImportStateId: accHaVip(1) + ":" + acctest.SeedECS1, ExpectError: regexp.MustCompile(`Cannot import non-existent remote object`),
	})
	before := env.Server.JournalSeq()
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	expectNoMutations(t, env, before)
}

// masterConfig imports the two members of fixture HaVip 1 and, with ecs1,
// keeps SeedECS1's attachment (with extra attributes), on HaVip ecs1HaVip
// ("" = HaVip 1).
func masterConfig(ecs1 bool, extra string, ecs1HaVip ...string) string {
	hv := accHaVip(1)
	target := hv
	if len(ecs1HaVip) > 0 {
		target = ecs1HaVip[0]
	}
	cfg := fmt.Sprintf(`
import {
  to = havip_attachment.ecs2
  id = "%s:%s"
}
`, hv, acctest.SeedECS2) + attachmentConfig("ecs2", hv, acctest.SeedECS2, "")
	if ecs1 {
		cfg += fmt.Sprintf(`
import {
  to = havip_attachment.ecs1
  id = "%s:%s"
}
`, hv, acctest.SeedECS1) + attachmentConfig("ecs1", target, acctest.SeedECS1, extra)
	}
	return cfg
}

// The master's attachment (the member holding the address) is detached
// only with force = true, which is an in-place change; without it the
// destroy, or a replacement that would detach it, is refused at plan time,
// before any UnassociateHaVip.
func TestAccAttachment_masterDetach(t *testing.T) {
	fx := mockcloud.SeedFixtures()
	h := fixtureHaVip(1, acctest.SeedECS1, acctest.SeedECS2)
	h.Master = acctest.SeedECS1
	fx.HaVips = []mockcloud.FixtureHaVip{h, fixtureHaVip(2)}
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	hv := accHaVip(1)
	start := env.Server.JournalSeq()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			got, err := mockHaVip(t, env, hv)
			if err != nil {
				return err
			}
			if len(got.AssociatedInstances.AssociatedInstance) != 0 {
				return fmt.Errorf("HaVip %s still has members %v after destroy", hv, got.AssociatedInstances.AssociatedInstance)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: env.Config(masterConfig(true, "")),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("havip_attachment.ecs1", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("havip_attachment.ecs1", tfjsonpath.New("is_master"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("havip_attachment.ecs1", tfjsonpath.New("force"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("havip_attachment.ecs1", tfjsonpath.New("instance_type"), knownvalue.StringExact("EcsInstance")),
					statecheck.ExpectKnownValue("havip_attachment.ecs2", tfjsonpath.New("is_master"), knownvalue.Bool(false)),
				},
			},
			{
				Config: env.Config(masterConfig(false, "")),
				ExpectError: regexp.MustCompile(`(?s)Error: Refusing to detach the HaVip's master.*` +
					words(acctest.SeedECS1+" is the current master of HaVip "+hv+": it holds 192.168.0.31") + `.*set\s+force\s+=\s+true`),
			},
			// Moving the master's attachment to another HaVip replaces it,
			// which detaches the master first: refused the same way.
			{
				Config: env.Config(masterConfig(true, "", accHaVip(2))),
				ExpectError: regexp.MustCompile(`(?s)Error: Refusing to detach the HaVip's master\s+with havip_attachment\.ecs1,.*` +
					words(acctest.SeedECS1+" is the current master of HaVip "+hv)),
			},
			{
				PreConfig: func() {
					if un := journalOf(env, "UnassociateHaVip", start); len(un) != 0 {
						t.Fatalf("the refused detach reached the API:\n%s", acctest.Describe(un))
					}
				},
				Config: env.Config(masterConfig(true, "  force = true\n")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("havip_attachment.ecs1", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("havip_attachment.ecs2", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("havip_attachment.ecs1", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("havip_attachment.ecs1", tfjsonpath.New("force"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("havip_attachment.ecs1", tfjsonpath.New("is_master"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					if calls := mutations(env, start); len(calls) != 0 {
						return fmt.Errorf("changing force made mutating calls:\n%s", acctest.Describe(calls))
					}
					return nil
				},
			},
			{
				Config: env.Config(masterConfig(false, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("havip_attachment.ecs1", plancheck.ResourceActionDestroy),
				}},
				Check: func(*terraform.State) error {
					un := journalOf(env, "UnassociateHaVip", start)
					if len(un) != 1 || un[0].Status != 200 || un[0].Params["InstanceId"] != acctest.SeedECS1 || un[0].Params["Force"] != "True" {
						return fmt.Errorf("want one successful UnassociateHaVip of %s with Force=True, got:\n%s%v", acctest.SeedECS1, acctest.Describe(un), un)
					}
					got, err := mockHaVip(t, env, hv)
					if err != nil {
						return err
					}
					if m := sortedMembers(got); !slices.Equal(m, []string{acctest.SeedECS2}) || got.MasterInstanceId != "" {
						return fmt.Errorf("HaVip %s has members %v and master %q, want only %s and no master", hv, m, got.MasterInstanceId, acctest.SeedECS2)
					}
					return nil
				},
			},
		},
	})
}

// An ECS member deleted outside Terraform: the attachment stays in the
// state marked MemberDeleted, the plan warns instead of failing (Terraform
// runs the same plan before a destroy), and both a terraform destroy with
// the attachment still configured and removing it from the configuration
// succeed, committing nothing for the dead member.
func TestAccAttachment_deletedInstance(t *testing.T) {
	withoutECS2 := withoutResource(seedTopology(), "havip_attachment", "ecs2")
	deleteECS2 := func(env *acctest.Env) func(*terraform.State) error {
		return func(*terraform.State) error {
			return env.Server.Apply(mockcloud.Event{Type: mockcloud.EventDeleteInstance, Account: env.Cred.AccountID, InstanceID: acctest.SeedECS2})
		}
	}
	markedDeleted := func(s *terraform.State) error {
		if got := s.RootModule().Resources["havip_attachment.ecs2"].Primary.Attributes["status"]; got != "MemberDeleted" {
			return fmt.Errorf("havip_attachment.ecs2 status %q after its instance was deleted, want MemberDeleted", got)
		}
		return nil
	}
	noDetachOfECS2 := func(env *acctest.Env) error {
		for _, e := range mutations(env, 0, "UnassociateHaVip") {
			if e.Committed && strings.Contains(fmt.Sprint(e.Params), acctest.SeedECS2) {
				return fmt.Errorf("an UnassociateHaVip of the deleted %s committed:\n%s", acctest.SeedECS2, acctest.Describe([]mockcloud.JournalEntry{e}))
			}
		}
		return nil
	}
	t.Run("destroyed as configured", func(t *testing.T) {
		env := acctest.NewEnv(t, mockcloud.Options{})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy: func(s *terraform.State) error {
				if err := noDetachOfECS2(env); err != nil {
					return err
				}
				return checkDestroyed(env, t)(s)
			},
			Steps: []resource.TestStep{
				{Config: env.Config(seedTopology()), Check: deleteECS2(env)},
				{RefreshState: true, Check: markedDeleted},
			},
		})
	})
	t.Run("removed from the configuration", func(t *testing.T) {
		env := acctest.NewEnv(t, mockcloud.Options{})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             checkDestroyed(env, t),
			Steps: []resource.TestStep{
				{Config: env.Config(seedTopology()), Check: deleteECS2(env)},
				{
					Config: env.Config(withoutECS2),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("havip_attachment.ecs2", plancheck.ResourceActionDestroy),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("havip.web", tfjsonpath.New("associated_instance_ids"),
							knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(acctest.SeedECS1)})),
						statecheck.ExpectKnownValue("havip_attachment.ecs1", tfjsonpath.New("status"), knownvalue.StringExact("InUse")),
					},
					Check: func(*terraform.State) error { return noDetachOfECS2(env) },
				},
			},
		})
	})
}

// 60 HaVips fill more than one DescribeHaVips page (50). Paging must be
// followed for the account count and the per-instance count, and a HaVip
// on page 2 reads and imports like any other.
func TestAccAttachment_sixtyHaVips(t *testing.T) {
	t.Parallel()
	fixtures := func() *mockcloud.Fixtures {
		fx := mockcloud.SeedFixtures()
		fx.Quotas = map[string]int{mockcloud.QuotaHaVipsPerAccount: 100, mockcloud.QuotaHaVipsPerVPC: 100}
		for i := 1; i <= 60; i++ {
			h := fixtureHaVip(i)
			if i >= 51 && i <= 55 { // page 2 only
				h.Members = []string{acctest.SeedECS1}
			}
			fx.HaVips = append(fx.HaVips, h)
		}
		return fx
	}
	provider := func(env *acctest.Env, perAccount int) string {
		return env.ProviderBlock(fmt.Sprintf("  quotas {\n    havips_per_account = %d\n    havips_per_vpc = 100\n  }\n", perAccount))
	}

	t.Run("account count includes page 2", func(t *testing.T) {
		t.Parallel()
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fixtures()})
		before := env.Server.JournalSeq()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      provider(env, 60) + havipConfig(""),
				PlanOnly:    true,
				ExpectError: diagAt("HaVip quota of the account reached", "havip.test", "vswitch_id", "The account already has 60 HaVips", "the limit is 60 HaVips per account"),
			}},
		})
		expectNoMutations(t, env, before)
	})

	t.Run("instance count includes page 2", func(t *testing.T) {
		t.Parallel()
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fixtures()})
		before := env.Server.JournalSeq()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:   provider(env, 100) + attachmentConfig("sixth", accHaVip(56), acctest.SeedECS1, ""),
				PlanOnly: true,
				ExpectError: diagAt("Too many HaVips on the instance", "havip_attachment.sixth", "instance_id",
					acctest.SeedECS1+" would be a member of 6 HaVips ("+strings.Join([]string{accHaVip(51), accHaVip(52), accHaVip(53), accHaVip(54), accHaVip(55), accHaVip(56)}, ", ")+")"),
			}},
		})
		expectNoMutations(t, env, before)
	})

	t.Run("page 2 HaVip imported and attached, 61st created", func(t *testing.T) {
		t.Parallel()
		env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fixtures()})
		start := env.Server.JournalSeq()
		cfg := provider(env, 100) + fmt.Sprintf(`
import {
  to = havip.p2
  id = %q
}

resource "havip" "p2" {
  vswitch_id = %q
}

resource "havip_attachment" "p2" {
  havip_id    = havip.p2.id
  instance_id = %q
}
`, accHaVip(57), acctest.SeedVSwitch, acctest.SeedECS2) + havipConfig("")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy: func(*terraform.State) error {
				if hs := env.HaVips(t); len(hs) != 59 {
					return fmt.Errorf("%d HaVips after destroy, want 59 (60 fixtures less the imported one)", len(hs))
				}
				return nil
			},
			Steps: []resource.TestStep{{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("havip.p2", tfjsonpath.New("id"), knownvalue.StringExact(accHaVip(57))),
					statecheck.ExpectKnownValue("havip.p2", tfjsonpath.New("ip_address"), knownvalue.StringExact("192.168.0.87")),
					statecheck.ExpectKnownValue("havip_attachment.p2", tfjsonpath.New("status"), knownvalue.StringExact("InUse")),
					statecheck.ExpectKnownValue("havip.test", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^havip-`))),
				},
				Check: func(*terraform.State) error {
					hs := env.HaVips(t)
					if len(hs) != 61 {
						return fmt.Errorf("%d HaVips in the mock, want 61", len(hs))
					}
					got, err := mockHaVip(t, env, accHaVip(57))
					if err != nil {
						return err
					}
					if m := sortedMembers(got); !slices.Equal(m, []string{acctest.SeedECS2}) {
						return fmt.Errorf("HaVip %s has members %v, want %s", accHaVip(57), m, acctest.SeedECS2)
					}
					paged := false
					for _, e := range journalOf(env, "DescribeHaVips", start) {
						if e.Params["PageNumber"] == "2" {
							paged = true
						}
					}
					if !paged {
						return fmt.Errorf("the provider never asked for page 2 of DescribeHaVips")
					}
					return nil
				},
			}},
		})
	})
}

// Faults during the seed topology's apply converge: a lost AssociateHaVip
// answer is retried with the same ClientToken and answered from the
// service's record (no second association), and three throttled
// AssociateEipAddress calls end in exactly one binding.
func TestAccAttachment_faultsConverge(t *testing.T) {
	t.Parallel()
	t.Run("AssociateHaVip answer lost", func(t *testing.T) {
		t.Parallel()
		env := acctest.NewEnv(t, mockcloud.Options{})
		id, err := env.Server.AddFault(mockcloud.FaultRule{Action: "AssociateHaVip", Count: 1, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}})
		if err != nil {
			t.Fatal(err)
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             checkDestroyed(env, t),
			Steps: []resource.TestStep{{
				Config: env.Config(seedTopology()),
				Check: func(*terraform.State) error {
					if r, _ := env.Server.Fault(id); r.Fired != 1 {
						return fmt.Errorf("the drop_after fault fired %d times, want 1", r.Fired)
					}
					hs := env.HaVips(t)
					if len(hs) != 1 {
						return fmt.Errorf("%d HaVips, want 1", len(hs))
					}
					if m := sortedMembers(hs[0]); !slices.Equal(m, []string{acctest.SeedECS1, acctest.SeedECS2}) {
						return fmt.Errorf("HaVip members %v, want both seed instances", m)
					}
					assoc := journalOf(env, "AssociateHaVip", 0)
					byToken := map[string][]mockcloud.JournalEntry{}
					committed := map[string]int{}
					var dropped string
					for _, e := range assoc {
						tok := e.Params["ClientToken"]
						if tok == "" {
							return fmt.Errorf("AssociateHaVip #%d carried no ClientToken", e.Seq)
						}
						byToken[tok] = append(byToken[tok], e)
						// drop_after commits, then closes the connection (the
						// journal records no status for it).
						if (e.Status == 200 && !e.Replayed) || strings.HasSuffix(e.Fault, ":"+mockcloud.FaultDropAfter) {
							committed[e.Params["InstanceId"]]++
						}
						if e.Fault != "" {
							dropped = tok
						}
						if e.Code == "OperationFailed.InstanceAlreadyAssociated" {
							return fmt.Errorf("the retry associated again instead of being answered from the token record:\n%s", acctest.Describe(assoc))
						}
					}
					retried := byToken[dropped]
					if dropped == "" || len(retried) < 2 || !retried[len(retried)-1].Replayed || retried[len(retried)-1].Status != 200 {
						return fmt.Errorf("want the dropped call retried with the same ClientToken and answered from the record:\n%s", acctest.Describe(assoc))
					}
					if len(byToken) != 2 || committed[acctest.SeedECS1] != 1 || committed[acctest.SeedECS2] != 1 {
						return fmt.Errorf("want one token and one committed association per member, got %d tokens, commits %v:\n%s", len(byToken), committed, acctest.Describe(assoc))
					}
					return nil
				},
			}},
		})
	})
	t.Run("AssociateEipAddress throttled three times", func(t *testing.T) {
		t.Parallel()
		env := acctest.NewEnv(t, mockcloud.Options{})
		id, err := env.Server.AddFault(mockcloud.FaultRule{Action: "AssociateEipAddress", Count: 3, Effect: mockcloud.FaultEffect{Type: mockcloud.FaultThrottle}})
		if err != nil {
			t.Fatal(err)
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			CheckDestroy:             checkDestroyed(env, t),
			Steps: []resource.TestStep{{
				Config: env.Config(seedTopology()),
				Check: func(*terraform.State) error {
					if r, _ := env.Server.Fault(id); r.Fired != 3 {
						return fmt.Errorf("throttling fired %d times, want 3", r.Fired)
					}
					hs := env.HaVips(t)
					if len(hs) != 1 || len(hs[0].AssociatedEipAddresses.AssociatedEipAddresse) != 1 {
						return fmt.Errorf("want one HaVip with exactly one EIP, got %+v", hs)
					}
					assoc := journalOf(env, "AssociateEipAddress", 0)
					ok := 0
					for _, e := range assoc {
						if e.Status == 200 {
							ok++
						}
					}
					if ok != 1 {
						return fmt.Errorf("want exactly one committed AssociateEipAddress, got %d:\n%s", ok, acctest.Describe(assoc))
					}
					return nil
				},
			}},
		})
	})
}

// Replacing an attachment destroys the old association before creating the
// new one, so the plan-time rules must not count the association being
// replaced: a 10th member swapped for another, the only ECS member swapped
// for an ENI, and an instance's 5th HaVip swapped for another are all
// allowed.
func TestAccAttachment_replaceMember(t *testing.T) {
	fx := fixturesWithENIs(12)
	fx.HaVips = []mockcloud.FixtureHaVip{
		fixtureHaVip(1, accENIs(1, 9)...), fixtureHaVip(2),
		fixtureHaVip(3, acctest.SeedECS2), fixtureHaVip(4, acctest.SeedECS2), fixtureHaVip(5, acctest.SeedECS2), fixtureHaVip(6, acctest.SeedECS2),
		fixtureHaVip(7), fixtureHaVip(8),
	}
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	config := func(tenth, only, fifthHaVip string) string {
		return env.Config(attachmentConfig("tenth", accHaVip(1), tenth, "") +
			attachmentConfig("only", accHaVip(2), only, "") +
			attachmentConfig("fifth", fifthHaVip, acctest.SeedECS2, ""))
	}
	members := func(want map[string][]string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for id, w := range want {
				h, err := mockHaVip(t, env, id)
				if err != nil {
					return err
				}
				w = append([]string{}, w...)
				sort.Strings(w)
				if got := sortedMembers(h); !slices.Equal(got, w) {
					return fmt.Errorf("HaVip %s has members %v, want %v", id, got, w)
				}
			}
			return nil
		}
	}
	replace := func(addr string) plancheck.PlanCheck {
		return plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: members(map[string][]string{
			accHaVip(1): accENIs(1, 9), accHaVip(2): nil, accHaVip(7): nil, accHaVip(8): nil,
		}),
		Steps: []resource.TestStep{
			{
				Config: config(accENI(10), acctest.SeedECS1, accHaVip(7)),
				Check: members(map[string][]string{
					accHaVip(1): accENIs(1, 10), accHaVip(2): {acctest.SeedECS1}, accHaVip(7): {acctest.SeedECS2},
				}),
			},
			{
				Config: config(accENI(11), accENI(12), accHaVip(8)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					replace("havip_attachment.tenth"), replace("havip_attachment.only"), replace("havip_attachment.fifth"),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("havip_attachment.only", tfjsonpath.New("instance_type"), knownvalue.StringExact("NetworkInterface")),
				},
				Check: members(map[string][]string{
					accHaVip(1): append(accENIs(1, 9), accENI(11)), accHaVip(2): {accENI(12)},
					accHaVip(7): nil, accHaVip(8): {acctest.SeedECS2},
				}),
			},
		},
	})
}

// When keepalived makes a member the master between plan and apply, the
// service refuses its detach without Force; the error says what to do
// and the member stays.
func TestAccAttachment_masterAfterPlan(t *testing.T) {
	env := acctest.NewEnv(t, mockcloud.Options{})
	topology := seedTopology()
	withoutECS2 := withoutResource(topology, "havip_attachment", "ecs2")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.Config(topology)},
			{
				// The plan sees no master; the service's refusal stands in
				// for a failover that lands between plan and apply.
				PreConfig: func() {
					if _, err := env.Server.AddFault(mockcloud.FaultRule{Action: "UnassociateHaVip", Count: 1,
						Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 400, Code: "Forbidden.UnassociateMaster",
							Message: "The master instance cannot be unassociated without Force."}}); err != nil {
						t.Fatal(err)
					}
				},
				Config:      env.Config(withoutECS2),
				ExpectError: regexp.MustCompile(`(?s)Refusing to detach the HaVip's master.*became the master.*set force\s+=\s+true`),
			},
			{
				Config: env.Config(topology),
				Check: func(*terraform.State) error {
					if hs := env.HaVips(t); len(hs) != 1 || len(hs[0].AssociatedInstances.AssociatedInstance) != 2 {
						return fmt.Errorf("the refused detach changed the members: %+v", hs)
					}
					return nil
				},
			},
		},
	})
}

// havip_attachment and havip_eip_association of a HaVip created in the
// same apply cannot be checked at plan: the plan warns, on havip_id, which
// checks run only during apply and that havip_members runs them at plan.
// With the ID of an existing HaVip there is no such warning.
func TestAccAttachment_unknownHaVipWarns(t *testing.T) {
	t.Parallel()
	fx := mockcloud.SeedFixtures()
	fx.HaVips = []mockcloud.FixtureHaVip{fixtureHaVip(1)}
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	const summary = "Checked only during apply: havip_id is not known yet"
	body := func(havip string) string {
		return fmt.Sprintf(`
resource "havip_attachment" "ecs1" {
  havip_id    = %s
  instance_id = %q
}

resource "havip_eip_association" "web" {
  havip_id      = %s
  allocation_id = %q
}
`, havip, acctest.SeedECS1, havip, acctest.SeedEIP)
	}

	diags, failed, out := acctest.NewCLI(t, env.Config(havipConfig("")+body("havip.test.id"))).Plan()
	if failed {
		t.Fatalf("plan failed:\n%s", out)
	}
	warned := map[string]string{}
	for _, d := range withSummary(diags, summary) {
		if d.Severity != "warning" || !strings.HasPrefix(d.Line(), "havip_id") {
			t.Fatalf("want a warning on havip_id, got %+v", d)
		}
		warned[d.Address] = d.Detail
	}
	for addr, want := range map[string][]string{
		"havip_attachment.ecs1":     {"in the HaVip's vSwitch", "10 members per HaVip", "havip_members checks all of them", "at plan time"},
		"havip_eip_association.web": {"is Available", "no other EIP", "havip_members with eip_allocation_id", "at plan time"},
	} {
		for _, w := range want {
			if !strings.Contains(warned[addr], w) {
				t.Errorf("the warning on %s does not say %q: %q", addr, w, warned[addr])
			}
		}
	}
	if len(warned) != 2 {
		t.Fatalf("want the warning on the attachment and the EIP association, got %v:\n%s", warned, out)
	}

	diags, failed, out = acctest.NewCLI(t, env.Config(body(fmt.Sprintf("%q", accHaVip(1))))).Plan()
	if failed || len(withSummary(diags, summary)) != 0 {
		t.Fatalf("with a known havip_id, want no warning:\n%s", out)
	}
}
