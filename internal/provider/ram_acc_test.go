package provider_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
	"github.com/havip-oss/terraform-provider-havip/internal/provider"
)

// The RAM tests run the seed topology (a HaVip, two ECS attachments, the
// EIP, the keepalived data source with its nodes' instances), a HaVip
// with an ENI member (and a keepalived data source naming the ENI), a HaVip
// whose members a havip_members holds, a route to the first HaVip and the
// havip_havips data source, so that every resource and data source runs
// and every action of the documented policy is called, through a whole
// life: create, update, refresh, import, destroy.

// ramFixtures is the seed topology plus one secondary ENI on ECS 1.
func ramFixtures() *mockcloud.Fixtures {
	fx := mockcloud.SeedFixtures()
	fx.ENIs = []mockcloud.FixtureENI{{ID: "eni-bp1ramtest0000000001", VSwitchID: acctest.SeedVSwitch, PrivateIP: "192.168.0.40", InstanceID: acctest.SeedECS1}}
	fx.EIPs = append(fx.EIPs, mockcloud.FixtureEIP{ID: ramSetEIP, Region: "cn-hangzhou"})
	return fx
}

// ramSetEIP is the EIP of havip_members.set in version 1.
const ramSetEIP = "eip-bp1ramtest000000000002"

// ramTopology is version 1 (create) or 2 (name, description, tags and
// resource group changed: an update that modifies, tags, untags and
// moves; and havip_members.set loses a member and its EIP).
func ramTopology(version int) string {
	name, desc, tags := "web", "", `{ env = "test", owner = "ops" }`
	set := fmt.Sprintf("[%q, %q]\n  eip_allocation_id = %q", acctest.SeedECS1, acctest.SeedECS2, ramSetEIP)
	if version == 2 {
		name, desc, tags = "web-2", `description = "updated"
  resource_group_id = "rg-acfmrammoved0001"`, `{ env = "prod" }`
		set = fmt.Sprintf("[%q]\n  force      = true", acctest.SeedECS1)
	}
	return fmt.Sprintf(`
resource "havip" "web" {
  vswitch_id = %[1]q
  ip_address = "192.168.0.24"
  name       = %[2]q
  %[3]s
  tags       = %[4]s
}

resource "havip_attachment" "ecs1" {
  havip_id    = havip.web.id
  instance_id = %[5]q
}

resource "havip_attachment" "ecs2" {
  havip_id    = havip.web.id
  instance_id = %[6]q
}

resource "havip_eip_association" "web" {
  havip_id      = havip.web.id
  allocation_id = %[7]q
}

data "havip_keepalived_config" "web" {
  virtual_ips       = [havip.web.ip_address]
  virtual_router_id = 51
  auth_pass         = "1111"
  nodes = [
    { name = "ecs1", private_ip = "192.168.0.25", priority = 100, instance_id = %[5]q },
    { name = "ecs2", private_ip = "192.168.0.26", priority = 10, instance_id = %[6]q },
  ]
}

data "havip_keepalived_config" "eni" {
  virtual_ips       = [havip.eni.ip_address]
  virtual_router_id = 52
  nodes = [
    { name = "eni", private_ip = "192.168.0.40", instance_id = "eni-bp1ramtest0000000001" },
    { name = "ecs2", private_ip = "192.168.0.26" },
  ]
}

resource "havip" "eni" {
  vswitch_id = %[1]q
}

resource "havip_attachment" "eni" {
  havip_id    = havip.eni.id
  instance_id = "eni-bp1ramtest0000000001"
}

resource "havip" "set" {
  vswitch_id = %[1]q
}

resource "havip_members" "set" {
  havip_id   = havip.set.id
  vswitch_id = havip.set.vswitch_id
  member_ids = %[9]s
}

resource "havip_route_entry" "web" {
  route_table_id         = %[8]q
  destination_cidr_block = "10.10.0.0/16"
  havip_id               = havip.web.id
}

data "havip_havips" "all" {
  ids = [havip.web.id]
}
`, acctest.SeedVSwitch, name, desc, tags, acctest.SeedECS1, acctest.SeedECS2, acctest.SeedEIP, ramRouteTable, set)
}

// ramRouteTable is the System route table of the seed VPC.
const ramRouteTable = "vtb-bp1seedvpc000000000001"

// The mutating calls a clean life of ramTopology commits, per test step.
var ramReference = map[int]map[string]int{
	1: {"CreateHaVip": 3, "AssociateHaVip": 5, "AssociateEipAddress": 2, "CreateRouteEntry": 1},
	2: {"ModifyHaVipAttribute": 1, "TagResources": 1, "UnTagResources": 1, "MoveResourceGroup": 1, "UnassociateHaVip": 1, "UnassociateEipAddress": 1},
	5: {"UnassociateEipAddress": 1, "UnassociateHaVip": 4, "DeleteHaVip": 3, "DeleteRouteEntry": 1},
}

// ramEnv is a mock whose default account has the policy on a RAM user or
// on a role; the provider signs as that user, or with sessions of that
// role, the checks as the account's owner.
type ramEnv struct {
	owner     *acctest.Env
	block     string               // the provider block
	signer    func(ak string) bool // the key of a call the provider made
	setPolicy func(doc string) error
}

func newRAMEnv(t *testing.T, policy string) *ramEnv {
	t.Helper()
	owner := acctest.NewEnv(t, mockcloud.Options{Fixtures: ramFixtures()})
	user, err := owner.Server.AddCredential(mockcloud.Credential{AccessKeyID: "LTAI5ramterraform00001", AccessKeySecret: "ram-user-secret",
		AccountID: owner.Cred.AccountID, Policy: json.RawMessage(policy), UserName: "terraform"})
	if err != nil {
		t.Fatal(err)
	}
	userEnv := &acctest.Env{Server: owner.Server, Cred: user}
	return &ramEnv{owner: owner, block: userEnv.ProviderBlock(""),
		signer:    func(ak string) bool { return ak == user.AccessKeyID },
		setPolicy: func(doc string) error { return owner.Server.SetPolicy(user.AccessKeyID, []byte(doc)) }}
}

// Ways of signing in through a role that holds the policy.
const (
	viaAssumeRole = "assume_role"
	viaOIDC       = "assume_role_with_oidc"
)

// newRoleRAMEnv puts the policy on a role of the sign-in world and signs
// in through it, by assume_role (a RAM user allowed only sts:AssumeRole)
// or by OIDC.
func newRoleRAMEnv(t *testing.T, policy, via string) *ramEnv {
	t.Helper()
	e := acctest.NewSignInEnv(t, policy, func(o *mockcloud.Options) {
		// The RAM life's world, with the sign-in world's identities.
		fx := ramFixtures()
		fx.Credentials, fx.Roles, fx.OIDCProviders, fx.EcsRamRole = o.Fixtures.Credentials, o.Fixtures.Roles, o.Fixtures.OIDCProviders, o.Fixtures.EcsRamRole
		o.Fixtures = fx
	})
	role, block := acctest.RoleDeployer, fmt.Sprintf(`
  access_key = %q
  secret_key = %q
  assume_role {
    role_arn = %q
  }`, acctest.PlatformUser, acctest.SecretOf(acctest.PlatformUser), acctest.RoleARN(acctest.RoleDeployer))
	if via == viaOIDC {
		role, block = acctest.RoleCI, fmt.Sprintf(`
  assume_role_with_oidc {
    oidc_provider_arn = %q
    role_arn          = %q
    oidc_token        = %q
  }`, acctest.OIDCProviderARN, acctest.RoleARN(acctest.RoleCI), e.Token(t, 2*time.Hour))
	}
	return &ramEnv{owner: e.Env, block: e.SignInBlock(block),
		signer: func(ak string) bool {
			for _, s := range e.Server.IssuedSessions() {
				if s.AccessKeyID == ak {
					return s.RoleArn == acctest.RoleARN(role)
				}
			}
			return false
		},
		setPolicy: func(doc string) error { return e.Server.SetRolePolicy(role, []byte(doc)) }}
}

func (e *ramEnv) config(version int) string { return e.block + ramTopology(version) }

// calls counts the RAM user's committed mutating calls since seq, and
// lists the actions it called and the codes of refusals.
func (e *ramEnv) calls(since int64) (committed map[string]int, called map[string]bool, denied []mockcloud.JournalEntry) {
	committed, called = map[string]int{}, map[string]bool{}
	for _, j := range e.owner.Server.Journal(mockcloud.JournalFilter{Account: e.owner.Cred.AccountID, Since: since}) {
		if !e.signer(j.AccessKeyID) {
			continue
		}
		called[strings.ToLower(j.Product)+":"+j.Action] = true
		if j.Committed {
			committed[j.Action]++
		}
		if j.Status == 403 {
			denied = append(denied, j)
		}
	}
	return
}

// committedBetween counts the RAM user's committed mutating calls with
// since < seq <= until (0: no bound).
func (e *ramEnv) committedBetween(since, until int64) map[string]int {
	out := map[string]int{}
	for _, j := range e.owner.Server.Journal(mockcloud.JournalFilter{Account: e.owner.Cred.AccountID, Since: since, Mutating: true}) {
		if j.Committed && e.signer(j.AccessKeyID) && (until == 0 || j.Seq <= until) {
			out[j.Action]++
		}
	}
	return out
}

// checkTopology asserts what the mock holds after a full apply of a
// version: three HaVips, five members and two EIPs (version 2: four
// members, one EIP), nothing twice.
func (e *ramEnv) checkTopology(t *testing.T, version int) error {
	hs := e.owner.HaVips(t)
	members, eips := 0, 0
	for _, h := range hs {
		members += len(h.AssociatedInstances.AssociatedInstance)
		eips += len(h.AssociatedEipAddresses.AssociatedEipAddresse)
	}
	wantMembers, wantEIPs := 5, 2
	if version == 2 {
		wantMembers, wantEIPs = 4, 1
	}
	if len(hs) != 3 || members != wantMembers || eips != wantEIPs {
		return fmt.Errorf("the mock holds %d HaVips, %d members, %d EIPs; want 3, %d, %d", len(hs), members, eips, wantMembers, wantEIPs)
	}
	return nil
}

var importIgnore = []string{"timeouts", "associated_instance_ids", "associated_eip_addresses", "status", "associated_instance_type", "master_instance_id"}

// lifeSteps are the test steps of one life, numbered as in ramReference;
// mark runs at the start of each.
func (e *ramEnv) lifeSteps(mark func(step int)) []resource.TestStep {
	return []resource.TestStep{
		{PreConfig: func() { mark(1) }, Config: e.config(1)},
		{PreConfig: func() { mark(2) }, Config: e.config(2)},
		{PreConfig: func() { mark(3) }, RefreshState: true},
		{PreConfig: func() { mark(4) }, ResourceName: "havip.web", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importIgnore},
		{ResourceName: "havip_attachment.eni", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importIgnore},
		{ResourceName: "havip_eip_association.web", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importIgnore},
		{ResourceName: "havip_members.set", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: append([]string{"force"}, importIgnore...)},
		{ResourceName: "havip_route_entry.web", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: importIgnore},
		{PreConfig: func() { mark(5) }, Config: e.config(2), Destroy: true},
	}
}

// Under exactly the documented policy the whole life succeeds, calls every
// action the policy lists and nothing else (anything else would be
// refused), and commits each change once.
// ramWays are the ways the policy is proven: on a RAM user the provider
// signs as, and on a role it assumes (assume_role, OIDC).
var ramWays = map[string]func(t *testing.T, policy string) *ramEnv{
	"user":        newRAMEnv,
	viaAssumeRole: func(t *testing.T, policy string) *ramEnv { return newRoleRAMEnv(t, policy, viaAssumeRole) },
	viaOIDC:       func(t *testing.T, policy string) *ramEnv { return newRoleRAMEnv(t, policy, viaOIDC) },
}

func TestAccRAM_documentedPolicyIsEnough(t *testing.T) {
	documentedPolicyIsEnough(t, newRAMEnv(t, provider.RAMPolicy(lifeTypes)))
}

// The same life with the policy on a role, through assume_role and
// through OIDC: the role's policy is enough for its sessions.
func TestAccRAM_documentedPolicyThroughRoles(t *testing.T) {
	for _, way := range []string{viaAssumeRole, viaOIDC} {
		t.Run(way, func(t *testing.T) { documentedPolicyIsEnough(t, ramWays[way](t, provider.RAMPolicy(lifeTypes))) })
	}
}

func documentedPolicyIsEnough(t *testing.T, env *ramEnv) {
	var mu sync.Mutex
	perStep := map[int]int64{}
	mark := func(step int) {
		mu.Lock()
		defer mu.Unlock()
		perStep[step] = env.owner.Server.JournalSeq()
	}
	steps := env.lifeSteps(mark)
	steps[0].Check = func(*terraform.State) error { return env.checkTopology(t, 1) }
	// The life ends in a destroy step, after which Terraform's test
	// framework runs no CheckDestroy (it destroys only a non-empty
	// state): the checks are that step's own.
	steps[len(steps)-1].Check = func(*terraform.State) error {
		if hs := env.owner.HaVips(t); len(hs) != 0 {
			return fmt.Errorf("%d HaVips left", len(hs))
		}
		_, called, denied := env.calls(0)
		if len(denied) > 0 {
			return fmt.Errorf("refused under the documented policy:\n%s", acctest.Describe(denied))
		}
		got := slices.Sorted(maps.Keys(called))
		if want := lifeActions(); strings.Join(got, " ") != strings.Join(want, " ") {
			return fmt.Errorf("the actions called differ from the documented ones:\n called:     %v\n documented: %v", got, want)
		}
		// Each step committed exactly its own changes.
		for step, want := range ramReference {
			until := int64(0)
			if next, ok := perStep[step+1]; ok {
				until = next
			}
			if got := env.committedBetween(perStep[step], until); fmt.Sprint(got) != fmt.Sprint(want) {
				return fmt.Errorf("step %d committed %v, want %v", step, got, want)
			}
		}
		all, _, _ := env.calls(0)
		total := map[string]int{}
		for _, m := range ramReference {
			for a, n := range m {
				total[a] += n
			}
		}
		if fmt.Sprint(all) != fmt.Sprint(total) {
			return fmt.Errorf("committed mutating calls %v, want exactly %v", all, total)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
}

// testStepOf maps a step of the permission table to the test step of
// lifeSteps that first makes it: every apply also refreshes and plans
// again, so reads happen in step 1.
var testStepOf = map[string]int{provider.StepPlan: 1, provider.StepCreate: 1, provider.StepRead: 1, provider.StepUpdate: 2, provider.StepImport: 4, provider.StepDelete: 5}

// lifeIndex is the index in lifeSteps of each numbered test step.
var lifeIndex = map[int]int{1: 0, 2: 1, 3: 2, 4: 3, 5: 8}

// lifeActions are the actions the documented policy of lifeTypes lists.
func lifeActions() []string {
	seen := map[string]bool{}
	for _, p := range provider.RAMTable() {
		if contains(lifeTypes, p.Type) {
			for _, u := range p.Uses {
				seen[u.Action] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// lifeTypes are the types ramTopology holds: every entry of the table not
// marked Unproven. Adding a type to the life means adding it to
// ramTopology (and ramReference) and dropping its Unproven mark.
var lifeTypes = func() []string {
	var out []string
	for _, p := range provider.RAMTable() {
		if !p.Unproven {
			out = append(out, p.Type)
		}
	}
	return out
}()

// failingStep is where a life without action first needs it, and which
// types need it there.
func failingStep(action string) (step int, types []string, atPlan bool) {
	step = 99
	for _, p := range provider.RAMTable() {
		if !contains(lifeTypes, p.Type) {
			continue
		}
		for _, u := range p.Uses {
			if u.Action != action {
				continue
			}
			for _, s := range u.Steps {
				n := testStepOf[s]
				switch {
				case n < step:
					step, types, atPlan = n, []string{p.Type}, s == provider.StepPlan
				case n == step:
					if !contains(types, p.Type) {
						types = append(types, p.Type)
					}
					atPlan = atPlan || s == provider.StepPlan
				}
			}
		}
	}
	return
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// For every action of the documented policy, a life under the policy
// without it fails at the step that needs it, with a diagnostic on the
// resource naming the action and pointing at the documented policy; the
// refused call changes nothing, the other calls of that step are a part
// of what a clean life commits there, and with the action granted again
// the next apply converges without creating anything twice.
// Through a RAM user, each action of the documented policy taken out
// fails at its step. Through a role (assume_role), one action of each
// step is taken out of the role's policy: the role's policy is what
// judges the session's calls, step by step, and every action again would
// double the longest test for what the user's run already shows.
func TestAccRAM_eachActionIsNeeded(t *testing.T) {
	acctest.PreCheck(t)
	t.Run("user", func(t *testing.T) { eachActionIsNeeded(t, ramWays["user"], lifeActions()) })
	t.Run(viaAssumeRole, func(t *testing.T) { eachActionIsNeeded(t, ramWays[viaAssumeRole], onePerStep(lifeActions())) })
}

// onePerStep keeps the first action of each step that fails without it.
func onePerStep(actions []string) []string {
	seen := map[int]bool{}
	var out []string
	for _, a := range actions {
		if step, _, _ := failingStep(a); !seen[step] {
			seen[step] = true
			out = append(out, a)
		}
	}
	return out
}

func eachActionIsNeeded(t *testing.T, newEnv func(t *testing.T, policy string) *ramEnv, actions []string) {
	full := provider.RAMPolicy(lifeTypes)
	for _, action := range actions {
		t.Run(action, func(t *testing.T) {
			step, types, atPlan := failingStep(action)
			if step == 99 {
				t.Fatalf("%s is listed but at no step", action)
			}
			env := newEnv(t, provider.RAMPolicy(lifeTypes, action))
			var mu sync.Mutex
			var failStart int64
			mark := func(n int) {
				if n == step {
					mu.Lock()
					failStart = env.owner.Server.JournalSeq()
					mu.Unlock()
				}
			}
			// The create, then the step that fails (a destroy after the
			// update): the steps between need nothing the failing one
			// does not.
			life := env.lifeSteps(mark)
			steps := []resource.TestStep{life[0]}
			if step == 5 {
				steps = append(steps, life[lifeIndex[2]]) // destroy what a whole life holds
			}
			if step > 1 {
				steps = append(steps, life[lifeIndex[step]])
			}
			// The recovery applies the configuration of the failed step:
			// after a failed create, a set tainted half way is replaced
			// whole, as its configuration says.
			recovery := 2
			if step == 1 {
				recovery = 1
			}
			var quoted []string
			for _, ty := range types {
				quoted = append(quoted, regexp.QuoteMeta(ty))
			}
			// Terraform names the resource (or data source) of a failed
			// plan or apply; a failed destroy's diagnostic has only its
			// summary.
			with := `\s+with (?:data\.)?(?:` + strings.Join(quoted, "|") + `)\.[a-z0-9_]+,`
			if step == 5 {
				with = ""
			}
			steps[len(steps)-1].ExpectError = regexp.MustCompile(`(?s)Error: [^\n]+` + with + `.*?` +
				words("access denied to "+action) + `.*?` + words("Grant "+action) + `.*?guides/ram-policy`)
			// Recovery: check what the failed step did, grant the action
			// again, and apply.
			steps = append(steps, resource.TestStep{
				PreConfig: func() {
					mu.Lock()
					since := failStart
					mu.Unlock()
					_, _, denied := env.calls(since)
					if len(denied) == 0 {
						t.Errorf("no call was refused")
					}
					for _, d := range denied {
						if strings.ToLower(d.Product)+":"+d.Action != action || d.Code != "Forbidden.RAM" || d.Committed {
							t.Errorf("refused: %s %s %s committed=%v; only %s should be", d.Product, d.Action, d.Code, d.Committed, action)
						}
					}
					did := env.committedBetween(since, 0)
					for a, n := range did {
						if n > ramReference[step][a] || strings.HasSuffix(action, ":"+a) {
							t.Errorf("the failed step committed %d %s; a clean life commits %d there (%v)", n, a, ramReference[step][a], did)
						}
					}
					// A plan-time check of a HaVip stops the whole plan; one of
					// a member or EIP runs when Terraform plans it again during
					// the apply, once its HaVip exists.
					if atPlan && contains(types, "havip") && len(did) > 0 {
						t.Errorf("refused at plan time, yet the step committed %v", did)
					}
					if err := env.setPolicy(full); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(recovery),
				Check:  func(*terraform.State) error { return env.checkTopology(t, recovery) },
			})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps:                    steps,
				CheckDestroy: func(*terraform.State) error {
					if hs := env.owner.HaVips(t); len(hs) != 0 {
						return fmt.Errorf("%d HaVips left", len(hs))
					}
					return nil
				},
			})
		})
	}
}

// An explicit Deny wins over the documented policy's Allow: destroy stops
// at the HaVip the Deny names, saying so, and leaves it in place.
func TestAccRAM_denyOverridesAllow(t *testing.T) {
	var doc map[string]any
	full := provider.RAMPolicy(lifeTypes)
	if err := json.Unmarshal([]byte(full), &doc); err != nil {
		t.Fatal(err)
	}
	doc["Statement"] = append(doc["Statement"].([]any), map[string]any{"Effect": "Deny", "Action": "vpc:DeleteHaVip", "Resource": "acs:vpc:*:*:havip/*"})
	withDeny, _ := json.Marshal(doc)
	env := newRAMEnv(t, string(withDeny))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.config(1)},
			{Config: env.config(1), Destroy: true, ExpectError: regexp.MustCompile(`(?s)Error deleting HaVip havip-.*?` +
				words("access denied to vpc:DeleteHaVip on acs:vpc:") + `.*?` + words("a Deny statement of the credentials' RAM policy refuses it") +
				`.*?` + words("an Allow cannot override it"))},
			{
				PreConfig: func() {
					if hs := env.owner.HaVips(t); len(hs) != 3 {
						t.Errorf("the Deny let %d of 3 HaVips go", 3-len(hs))
					}
					if err := env.setPolicy(full); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.config(1),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if hs := env.owner.HaVips(t); len(hs) != 0 {
				return fmt.Errorf("%d HaVips left", len(hs))
			}
			return nil
		},
	})
}

// The data source's own permissions, proven alone: with instance_id it
// needs exactly ecs:DescribeInstances (ECS nodes) and
// ecs:DescribeNetworkInterfaces (ENI nodes), and each one refused stops
// the read on the data source, naming the action; without instance_id it
// needs no permission at all.
func TestAccRAM_keepalivedConfigInstances(t *testing.T) {
	acctest.PreCheck(t)
	const self = "havip_keepalived_config"
	withIDs := kaCluster(kaNode("ecs1", "192.168.0.25", fmt.Sprintf("%q", acctest.SeedECS1)) +
		kaNode("eni", "192.168.0.40", `"eni-bp1ramtest0000000001"`))
	// called lists what the data source asked for: the provider's
	// sign-in also lists HaVips once to check the region, and goes on
	// when that is refused.
	called := func(env *ramEnv) []string {
		_, c, _ := env.calls(0)
		var out []string
		for a := range c {
			if a != "vpc:DescribeHaVips" {
				out = append(out, a)
			}
		}
		sort.Strings(out)
		return out
	}
	documented := func() []string {
		var out []string
		for _, p := range provider.RAMTable() {
			if p.Type == self {
				for _, u := range p.Uses {
					out = append(out, u.Action)
				}
			}
		}
		sort.Strings(out)
		return out
	}()
	t.Run("documented policy", func(t *testing.T) {
		env := newRAMEnv(t, provider.RAMPolicy([]string{self}))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.block + withIDs,
				Check: func(*terraform.State) error {
					if got := called(env); strings.Join(got, " ") != strings.Join(documented, " ") {
						return fmt.Errorf("the data source called %v; its documented actions are %v", got, documented)
					}
					return nil
				},
			}},
		})
	})
	for _, action := range documented {
		t.Run("without "+action, func(t *testing.T) {
			env := newRAMEnv(t, provider.RAMPolicy([]string{self}, action))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: env.block + withIDs,
					ExpectError: regexp.MustCompile(`(?s)Error: Cannot read [^\n]+\s+with data\.` + self + `\.x,.*?` +
						words("access denied to "+action) + `.*?` + words("Grant "+action) + `.*?guides/ram-policy`),
				}},
			})
		})
	}
	t.Run("no instance_id, no permission", func(t *testing.T) {
		// A RAM policy needs a statement: this one allows only the
		// sign-in's region check.
		env := newRAMEnv(t, `{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["vpc:DescribeHaVips"], "Resource": ["*"]}]}`)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config: env.block + kaCluster(kaNode("ecs1", "192.168.0.25", "")+kaNode("ecs2", "192.168.0.26", "")),
				Check: func(*terraform.State) error {
					if got := called(env); len(got) != 0 {
						return fmt.Errorf("without instance_id the data source called %v", got)
					}
					return nil
				},
			}},
		})
	})
}
