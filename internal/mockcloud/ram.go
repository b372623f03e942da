package mockcloud

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// ramResources says, per action, which resources RAM authorises the call
// on: ARN templates filled from the request. Adding an action to the mock
// means adding one line here (TestRAMResources_everyActionHasAnEntry
// fails otherwise). In a template:
//
//	{region}, {account}  the request's region and the caller's account
//	{Param}              a request parameter; "*" when the request omits it
//	{Param.N}            one ARN per item of a repeat list (ResourceId.N)
//	{lower:Param}        the parameter in lower case (ResourceType HAVIP → havip)
//
// "*" alone is the resource of an action that acts on no resource
// (Describe*, List*): RAM grants those only through Resource "*". Where
// Alibaba's authorisation table names more than one resource (CreateHaVip
// on the HaVip and on its vSwitch) the call needs all of them.
var ramResources = map[string][]string{
	// HaVip
	"CreateHaVip":          {"acs:vpc:{region}:{account}:havip/*", "acs:vpc:{region}:{account}:vswitch/{VSwitchId}"},
	"DeleteHaVip":          {"acs:vpc:{region}:{account}:havip/{HaVipId}"},
	"ModifyHaVipAttribute": {"acs:vpc:{region}:{account}:havip/{HaVipId}"},
	"AssociateHaVip":       {"acs:vpc:{region}:{account}:havip/{HaVipId}"},
	"UnassociateHaVip":     {"acs:vpc:{region}:{account}:havip/{HaVipId}"},
	"DescribeHaVips":       {"*"},
	// EIP
	"AllocateEipAddress":    {"acs:vpc:{region}:{account}:eip/*"},
	"AssociateEipAddress":   {"acs:vpc:{region}:{account}:eip/{AllocationId}"},
	"UnassociateEipAddress": {"acs:vpc:{region}:{account}:eip/{AllocationId}"},
	"ReleaseEipAddress":     {"acs:vpc:{region}:{account}:eip/{AllocationId}"},
	"DescribeEipAddresses":  {"*"},
	// Network
	"DescribeVpcs":              {"*"},
	"DescribeVSwitches":         {"*"},
	"DescribeVSwitchAttributes": {"acs:vpc:{region}:{account}:vswitch/{VSwitchId}"},
	"DescribeRouteTableList":    {"*"},
	"DescribeRouteEntryList":    {"*"},
	"CreateRouteEntry":          {"acs:vpc:{region}:{account}:routetable/{RouteTableId}"},
	"DeleteRouteEntry":          {"acs:vpc:{region}:{account}:routetable/{RouteTableId}"},
	// Tags and resource groups
	"TagResources":      {"acs:vpc:{region}:{account}:{lower:ResourceType}/{ResourceId.N}"},
	"UnTagResources":    {"acs:vpc:{region}:{account}:{lower:ResourceType}/{ResourceId.N}"},
	"ListTagResources":  {"*"},
	"MoveResourceGroup": {"acs:vpc:{region}:{account}:{lower:ResourceType}/{ResourceId}"},
	// ECS
	"DescribeInstances":         {"*"},
	"DescribeNetworkInterfaces": {"*"},
}

// ramAction is the action as a policy names it: product:ApiName.
func ramAction(meta *actionMeta) string {
	return strings.ToLower(meta.Product) + ":" + meta.Name
}

// ramResourcesOf fills the action's templates from a parsed request.
func ramResourcesOf(action string, p *params, region, account string) []string {
	var out []string
	for _, tmpl := range ramResources[action] {
		out = append(out, expandARN(tmpl, p, region, account)...)
	}
	if len(out) == 0 {
		out = []string{"*"}
	}
	return out
}

func expandARN(tmpl string, p *params, region, account string) []string {
	arns := []string{""}
	for rest := tmpl; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			arns = appendAll(arns, rest)
			break
		}
		close := strings.IndexByte(rest[open:], '}')
		if close < 0 {
			arns = appendAll(arns, rest)
			break
		}
		end := open + close
		arns = appendAll(arns, rest[:open])
		name := rest[open+1 : end]
		rest = rest[end+1:]
		switch {
		case name == "region":
			arns = appendAll(arns, orStar(region))
		case name == "account":
			arns = appendAll(arns, orStar(account))
		case strings.HasPrefix(name, "lower:"):
			arns = appendAll(arns, strings.ToLower(orStar(p.str(strings.TrimPrefix(name, "lower:")))))
		case strings.HasSuffix(name, ".N"):
			items := p.lists[strings.TrimSuffix(name, ".N")]
			if len(items) == 0 {
				arns = appendAll(arns, "*")
				continue
			}
			var grown []string
			for _, a := range arns {
				for _, it := range items {
					grown = append(grown, a+orStar(it.value))
				}
			}
			arns = grown
		default:
			arns = appendAll(arns, orStar(p.str(name)))
		}
	}
	return arns
}

func appendAll(arns []string, s string) []string {
	for i := range arns {
		arns[i] += s
	}
	return arns
}

func orStar(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

// Alibaba's gateways answer a RAM refusal in one of two shapes: VPC and
// ECS document 403 Forbidden.RAM ("User not authorized to operate on the
// specified resource, or this API doesn't support RAM."), newer gateways
// 403 NoPermission; both may carry an AccessDeniedDetail object naming the
// action. The mock answers Forbidden.RAM, the code the VPC and ECS error
// tables list for these very actions, and adds the action and resource to
// the message and the AccessDeniedDetail object, as newer responses do, so
// a client can name what is missing. The provider reads either code.
const (
	codeRAMDenied    = "Forbidden.RAM"
	messageRAMDenied = "User not authorized to operate on the specified resource, or this API doesn't support RAM."
)

// AccessDeniedDetail is the object a RAM refusal carries. Every field is a
// string: the SDK reads the object as a map of strings.
type AccessDeniedDetail struct {
	AuthAction               string `json:"AuthAction"`
	AuthPrincipalType        string `json:"AuthPrincipalType"`
	AuthPrincipalOwnerId     string `json:"AuthPrincipalOwnerId"`
	AuthPrincipalDisplayName string `json:"AuthPrincipalDisplayName"`
	NoPermissionType         string `json:"NoPermissionType"`
	PolicyType               string `json:"PolicyType"`
	EncodedDiagnosticMessage string `json:"EncodedDiagnosticMessage"`
}

// authorize evaluates the caller's policy, if it has one, for the parsed
// request. A key without a policy may do everything, as before RAM existed
// in the mock (an account's own AccessKey).
func authorize(cred Credential, meta *actionMeta, p *params, region string) *APIError {
	if cred.policy == nil || (meta.Product == stsProduct && stsAuthorizesItself[meta.Name]) {
		return nil
	}
	return authorizeOn(cred, ramAction(meta), ramResourcesOf(meta.Name, p, region, cred.AccountID))
}

// authorizeOn decides one action on resources for a caller: its own policy
// and, for a role session, the session policy it was issued with (both
// must allow, as STS documents for the Policy parameter).
func authorizeOn(cred Credential, action string, resources []string) *APIError {
	if cred.policy == nil {
		return nil
	}
	d := cred.policy.Evaluate(action, resources)
	policyType := "AccountLevelIdentityBasedPolicy"
	if d.Allowed && cred.sessionPolicy != nil {
		d = cred.sessionPolicy.Evaluate(action, resources)
		policyType = "SessionPolicy"
	}
	if d.Allowed {
		return nil
	}
	detail := &AccessDeniedDetail{
		AuthAction: action, AuthPrincipalType: "SubUser", AuthPrincipalOwnerId: cred.AccountID,
		AuthPrincipalDisplayName: cred.AccessKeyID, NoPermissionType: "ImplicitDeny", PolicyType: policyType,
	}
	if cred.SecurityToken != "" {
		detail.AuthPrincipalType = "AssumedRoleUser"
	}
	if d.ExplicitDeny {
		detail.NoPermissionType = "ExplicitDeny"
	}
	diag, _ := json.Marshal(map[string]string{"Action": action, "Resource": d.Resource, "NoPermissionType": detail.NoPermissionType})
	detail.EncodedDiagnosticMessage = base64.StdEncoding.EncodeToString(diag)
	return &APIError{Status: http.StatusForbidden, Code: codeRAMDenied,
		Message:      fmt.Sprintf("%s Action: %s, Resource: %s, NoPermissionType: %s", messageRAMDenied, action, d.Resource, detail.NoPermissionType),
		AccessDenied: detail}
}
