package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
)

// Steps at which Terraform makes API calls, as the permission tables and
// the diagnostic of a refused call name them.
const (
	StepPlan   = "plan"   // plan-time checks of a new resource
	StepCreate = "create" // apply: create, and the wait that follows
	StepRead   = "read"   // refresh: every plan and apply of an existing resource
	StepUpdate = "update" // apply: in-place change
	StepDelete = "delete" // destroy, and the plan-time check before it
	StepImport = "import" // terraform import
)

// StepOrder is the order in which a resource's life goes through the steps.
var StepOrder = []string{StepPlan, StepCreate, StepUpdate, StepRead, StepImport, StepDelete}

// RAMUse is one API action that a resource or data source calls.
type RAMUse struct {
	Action    string   // product:ApiName, as a RAM policy names it
	Resources []string // the ARNs RAM authorises the call on; "*" for actions on no resource
	Steps     []string // when Terraform makes the call
	Only      string   // set when only some configurations make the call
}

// RAMPermissions is one resource's or data source's entry.
type RAMPermissions struct {
	Type string // havip, havip_attachment, ... as in a configuration
	Kind string // "resource" or "data source"
	Uses []RAMUse
	// Unproven marks an entry read from the code that the RAM acceptance
	// life (ram_acc_test.go) does not run yet; the docs say so.
	Unproven bool
}

// ARNs of the resources the provider acts on, in every region and account
// the credentials reach. Narrow {region} and {account} in your own copy.
const (
	arnAny     = "*"
	arnHaVip   = "acs:vpc:*:*:havip/*"
	arnVSwitch = "acs:vpc:*:*:vswitch/*"
	arnEIP     = "acs:vpc:*:*:eip/*"

	arnRouteTable = "acs:vpc:*:*:routetable/*"
)

// ramPermissions is the source of the permission docs (the RAM guide and
// each resource's page), of the policy the acceptance tests run under,
// and of the hint in a denial diagnostic. The acceptance tests prove it
// against the mock's journal: every action listed is called at the step
// listed, and a run without any one of them fails there, so a change of
// code path that calls a new action fails the tests until it is added
// here (and make docs is run).
//
// Adding a resource means one entry; adding an action, one line.
var ramPermissions = []RAMPermissions{
	{Type: "havip", Kind: "resource", Uses: []RAMUse{
		{Action: "vpc:DescribeVSwitchAttributes", Resources: []string{arnVSwitch}, Steps: []string{StepPlan}},
		{Action: "vpc:DescribeHaVips", Resources: []string{arnAny}, Steps: []string{StepPlan, StepCreate, StepUpdate, StepRead, StepImport, StepDelete}},
		{Action: "ecs:DescribeNetworkInterfaces", Resources: []string{arnAny}, Steps: []string{StepPlan}, Only: "when ip_address is set"},
		{Action: "vpc:CreateHaVip", Resources: []string{arnHaVip, arnVSwitch}, Steps: []string{StepCreate}},
		{Action: "vpc:MoveResourceGroup", Resources: []string{arnHaVip}, Steps: []string{StepUpdate}, Only: "when resource_group_id changes"},
		{Action: "vpc:ModifyHaVipAttribute", Resources: []string{arnHaVip}, Steps: []string{StepUpdate}, Only: "when name or description change"},
		{Action: "vpc:TagResources", Resources: []string{arnHaVip}, Steps: []string{StepUpdate}, Only: "when tags are added or changed after creation"},
		{Action: "vpc:UnTagResources", Resources: []string{arnHaVip}, Steps: []string{StepUpdate}, Only: "when tags are removed"},
		{Action: "vpc:DeleteHaVip", Resources: []string{arnHaVip}, Steps: []string{StepDelete}},
	}},
	{Type: "havip_attachment", Kind: "resource", Uses: []RAMUse{
		{Action: "vpc:DescribeHaVips", Resources: []string{arnAny}, Steps: []string{StepPlan, StepCreate, StepRead, StepImport, StepDelete}},
		{Action: "ecs:DescribeInstances", Resources: []string{arnAny}, Steps: []string{StepPlan}, Only: "for ECS instance members"},
		{Action: "ecs:DescribeNetworkInterfaces", Resources: []string{arnAny}, Steps: []string{StepPlan}, Only: "for ENI members"},
		{Action: "vpc:AssociateHaVip", Resources: []string{arnHaVip}, Steps: []string{StepCreate}},
		{Action: "vpc:UnassociateHaVip", Resources: []string{arnHaVip}, Steps: []string{StepDelete}},
	}},
	{Type: "havip_eip_association", Kind: "resource", Uses: []RAMUse{
		{Action: "vpc:DescribeEipAddresses", Resources: []string{arnAny}, Steps: []string{StepPlan, StepCreate, StepRead, StepImport, StepDelete}},
		{Action: "vpc:DescribeHaVips", Resources: []string{arnAny}, Steps: []string{StepPlan}},
		{Action: "vpc:AssociateEipAddress", Resources: []string{arnEIP}, Steps: []string{StepCreate}},
		{Action: "vpc:UnassociateEipAddress", Resources: []string{arnEIP}, Steps: []string{StepDelete}},
	}},
	{Type: "havip_members", Kind: "resource", Uses: []RAMUse{
		{Action: "vpc:DescribeHaVips", Resources: []string{arnAny}, Steps: []string{StepPlan, StepCreate, StepUpdate, StepRead, StepImport, StepDelete}},
		{Action: "ecs:DescribeInstances", Resources: []string{arnAny}, Steps: []string{StepPlan, StepUpdate}, Only: "for ECS instance members"},
		{Action: "ecs:DescribeNetworkInterfaces", Resources: []string{arnAny}, Steps: []string{StepPlan, StepUpdate}, Only: "for ENI members"},
		{Action: "vpc:DescribeEipAddresses", Resources: []string{arnAny}, Steps: []string{StepPlan, StepCreate, StepRead}, Only: "with eip_allocation_id"},
		{Action: "vpc:AssociateHaVip", Resources: []string{arnHaVip}, Steps: []string{StepCreate, StepUpdate}},
		{Action: "vpc:UnassociateHaVip", Resources: []string{arnHaVip}, Steps: []string{StepUpdate, StepDelete}},
		{Action: "vpc:AssociateEipAddress", Resources: []string{arnEIP}, Steps: []string{StepCreate, StepUpdate}, Only: "with eip_allocation_id"},
		{Action: "vpc:UnassociateEipAddress", Resources: []string{arnEIP}, Steps: []string{StepUpdate, StepDelete}, Only: "with eip_allocation_id"},
	}},
	{Type: "havip_route_entry", Kind: "resource", Uses: []RAMUse{
		{Action: "vpc:DescribeRouteTableList", Resources: []string{arnAny}, Steps: []string{StepPlan}},
		{Action: "vpc:DescribeHaVips", Resources: []string{arnAny}, Steps: []string{StepPlan}},
		{Action: "vpc:DescribeRouteEntryList", Resources: []string{arnAny}, Steps: []string{StepPlan, StepCreate, StepRead, StepImport, StepDelete}},
		{Action: "vpc:CreateRouteEntry", Resources: []string{arnRouteTable}, Steps: []string{StepCreate}},
		{Action: "vpc:DeleteRouteEntry", Resources: []string{arnRouteTable}, Steps: []string{StepDelete}},
	}},
	{Type: "havip_keepalived_config", Kind: "data source", Uses: []RAMUse{
		{Action: "ecs:DescribeInstances", Resources: []string{arnAny}, Steps: []string{StepRead}, Only: "for nodes whose instance_id is an ECS instance"},
		{Action: "ecs:DescribeNetworkInterfaces", Resources: []string{arnAny}, Steps: []string{StepRead}, Only: "for nodes whose instance_id is an ENI"},
	}},
	{Type: "havip_havips", Kind: "data source", Uses: []RAMUse{
		{Action: "vpc:DescribeHaVips", Resources: []string{arnAny}, Steps: []string{StepRead}},
	}},
}

// RAMTable returns the permission table, for docs and tests.
func RAMTable() []RAMPermissions { return ramPermissions }

// ramStatement is one statement of a generated policy.
type ramStatement struct {
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource"`
}

type ramPolicy struct {
	Version   string         `json:"Version"`
	Statement []ramStatement `json:"Statement"`
}

// RAMPolicy is the provider's minimal policy, for the types given (all
// when none), without the actions in omit: one statement per set of
// resources, actions sorted, so the document is stable.
func RAMPolicy(types []string, omit ...string) string {
	want := map[string]bool{}
	for _, t := range types {
		want[t] = true
	}
	skip := map[string]bool{}
	for _, a := range omit {
		skip[a] = true
	}
	byResources := map[string]map[string]bool{}
	for _, p := range ramPermissions {
		if len(want) > 0 && !want[p.Type] {
			continue
		}
		for _, u := range p.Uses {
			if skip[u.Action] {
				continue
			}
			key := strings.Join(u.Resources, "\n")
			if byResources[key] == nil {
				byResources[key] = map[string]bool{}
			}
			byResources[key][u.Action] = true
		}
	}
	doc := ramPolicy{Version: "1", Statement: []ramStatement{}}
	// "*" (the describes) first, then the ARNs in order.
	for _, key := range slices.Sorted(maps.Keys(byResources)) {
		doc.Statement = append(doc.Statement, ramStatement{Effect: "Allow", Action: slices.Sorted(maps.Keys(byResources[key])), Resource: strings.Split(key, "\n")})
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // a struct of strings always encodes
	}
	return string(b)
}

// RAMPolicyDocs is where the documented policy lives.
const RAMPolicyDocs = "https://registry.terraform.io/providers/havip-oss/havip/latest/docs/guides/ram-policy"

// deniedAdvice is what a diagnostic says about a RAM refusal: what to
// grant, who needs it, and where the whole policy is.
func deniedAdvice(e *alicloud.Error) string {
	if e == nil {
		return ""
	}
	var b strings.Builder
	if e.ExplicitDeny {
		fmt.Fprintf(&b, "A Deny statement in a RAM policy of these credentials refuses %s; an Allow cannot override it. Remove or narrow the Deny.", e.Action)
	} else {
		fmt.Fprintf(&b, "Grant %s to the RAM user or role of these credentials", e.Action)
		if e.Resource != "" {
			fmt.Fprintf(&b, " on %s", e.Resource)
		}
		b.WriteString(".")
	}
	if h := ramHint(e.Action); h != "" {
		b.WriteString(" " + h)
	}
	fmt.Fprintf(&b, " The minimal policy for the whole provider and the actions of each resource: %s", RAMPolicyDocs)
	return b.String()
}

// ramHint says who needs a refused action, for the diagnostic.
func ramHint(action string) string {
	var users []string
	for _, p := range ramPermissions {
		for _, u := range p.Uses {
			if strings.EqualFold(u.Action, action) {
				s := fmt.Sprintf("%s %s (%s)", p.Kind, p.Type, strings.Join(u.Steps, ", "))
				if u.Only != "" {
					s += " " + u.Only
				}
				users = append(users, s)
			}
		}
	}
	sort.Strings(users)
	if len(users) == 0 {
		return ""
	}
	return fmt.Sprintf("The provider calls %s in: %s.", action, strings.Join(users, "; "))
}
