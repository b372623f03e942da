package provider_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest"
	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// admissionStarting is an ECS instance that is neither Running nor Stopped.
const admissionStarting = "i-bp1admstarting000000001"

// membersConfig is a havip_members of a HaVip given by ID.
func membersConfig(havipID string, members []string, eip string) string {
	body := fmt.Sprintf("  havip_id   = %q\n  member_ids = %s\n", havipID, hclStrings(members))
	if eip != "" {
		body += fmt.Sprintf("  eip_allocation_id = %q\n", eip)
	}
	return "\nresource \"havip_members\" \"x\" {\n" + body + "}\n"
}

// Where each resource shows a refusal about each subject: the attribute
// that names the member, the HaVip or the EIP.
var admissionAttributes = map[string]map[string]string{
	"havip_members":         {"member": "member_ids", "havip": "havip_id", "eip": "eip_allocation_id"},
	"havip_attachment":      {"member": "instance_id", "havip": "havip_id"},
	"havip_eip_association": {"havip": "havip_id", "eip": "allocation_id"},
}

// Every rule a member or an EIP must pass to join a HaVip is refused by
// every resource it applies to with the same summary and detail, on the
// attribute that names the same subject: havip_members, havip_attachment
// and havip_eip_association answer from one admission path, so a rule
// cannot drift in one of them. Each plan fails without a mutating call.
func TestAccAdmission_sameRefusalFromEveryResource(t *testing.T) {
	fx := badInputFixtures()
	fx.Instances = append(fx.Instances, mockcloud.FixtureInstance{ID: admissionStarting, VSwitchID: acctest.SeedVSwitch,
		PrivateIP: "192.168.0.150", Status: "Starting"})
	env := acctest.NewEnv(t, mockcloud.Options{Fixtures: fx})
	free, withEIP, nowhere := accHaVip(1), accHaVip(8), "havip-bp1doesnotexist0000001"
	member := func(rule, detail, id string) admissionCase {
		return admissionCase{rule: rule, detail: detail, about: "member", bodies: map[string]string{
			"havip_members":    membersConfig(free, []string{id}, ""),
			"havip_attachment": attachmentConfig("x", free, id, ""),
		}}
	}
	eip := func(rule, detail, about, havipID, allocationID string) admissionCase {
		return admissionCase{rule: rule, detail: detail, about: about, bodies: map[string]string{
			"havip_members":         membersConfig(havipID, []string{acctest.SeedECS1}, allocationID),
			"havip_eip_association": eipAssociationConfig("x", havipID, allocationID),
		}}
	}
	cases := []admissionCase{
		{rule: "HaVip not found", detail: "HaVip " + nowhere + " does not exist in region cn-hangzhou.", about: "havip", bodies: map[string]string{
			"havip_members":         membersConfig(nowhere, []string{acctest.SeedECS1}, ""),
			"havip_attachment":      attachmentConfig("x", nowhere, acctest.SeedECS1, ""),
			"havip_eip_association": eipAssociationConfig("x", nowhere, acctest.SeedEIP),
		}},
		member("ECS instance not found", "ECS instance i-bp1doesnotexist000000001 does not exist in region cn-hangzhou.", "i-bp1doesnotexist000000001"),
		member("ENI not found", "ENI eni-bp1doesnotexist00000001 does not exist in region cn-hangzhou.", "eni-bp1doesnotexist00000001"),
		member("ECS instance not ready", "ECS instance "+admissionStarting+" is Starting; a HaVip takes members that are Running or Stopped.", admissionStarting),
		member("ENI not attached", "ENI "+badUnattached+" is not attached to an ECS instance; a HaVip takes only attached ENIs. Attach it first.", badUnattached),
		member("Member in another vSwitch", accECS3+" is in vSwitch "+accVSwitch2+", but HaVip "+free+" is in vSwitch "+acctest.SeedVSwitch, accECS3),
		member("Too many HaVips on the instance", accENI(12)+" would be a member of 6 HaVips ("+
			strings.Join([]string{free, accHaVip(3), accHaVip(4), accHaVip(5), accHaVip(6), accHaVip(7)}, ", ")+
			"); an instance takes at most 5 HaVips. (Counting the associations this plan adds.)", accENI(12)),
		eip("EIP not found", "EIP eip-bp1doesnotexist0000001 does not exist in region cn-hangzhou.", "eip", free, "eip-bp1doesnotexist0000001"),
		eip("EIP not found", "EIP "+badShanghaiEIP+" does not exist in region cn-hangzhou.", "eip", free, badShanghaiEIP),
		eip("EIP not available", "EIP "+accEIP2+" (", "eip", free, accEIP2),
		eip("HaVip already has an EIP", "HaVip "+withEIP+" already has EIP ", "havip", withEIP, acctest.SeedEIP),
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%02d %s", i, c.rule), func(t *testing.T) {
			t.Parallel()
			c.check(t, env)
		})
	}
}

// admissionCase is one rule's violation, as each resource it applies to
// is configured to commit it.
type admissionCase struct {
	rule   string            // the summary every resource shows
	detail string            // part of the detail every resource shows
	about  string            // member, havip or eip: what the refusal is about
	bodies map[string]string // resource type → configuration
}

// check plans every body and wants one error from each, with the rule's
// summary, one detail for all, on the attribute of the case's subject.
func (c admissionCase) check(t *testing.T, env *acctest.Env) {
	t.Helper()
	details := map[string]string{} // resource type → detail
	for _, typ := range slices.Sorted(maps.Keys(c.bodies)) {
		since := env.Server.JournalSeq()
		diags, failed, out := acctest.NewCLI(t, env.Config(c.bodies[typ])).Plan()
		var errs []acctest.Diagnostic
		for _, d := range diags {
			if d.Severity == "error" {
				errs = append(errs, d)
			}
		}
		attr := admissionAttributes[typ][c.about]
		switch {
		case !failed || len(errs) != 1:
			t.Errorf("%s: want one error %q, got %d:\n%s", typ, c.rule, len(errs), out)
			continue
		case errs[0].Summary != c.rule:
			t.Errorf("%s: summary %q, want %q", typ, errs[0].Summary, c.rule)
		case errs[0].Address != typ+".x":
			t.Errorf("%s: the error is on %q", typ, errs[0].Address)
		case firstWord(errs[0].Line()) != attr:
			t.Errorf("%s: the error is on the line %q, want attribute %s", typ, errs[0].Line(), attr)
		case !strings.Contains(errs[0].Detail, c.detail):
			t.Errorf("%s: detail %q does not say %q", typ, errs[0].Detail, c.detail)
		}
		expectNoMutations(t, env, since)
		details[typ] = errs[0].Detail
	}
	for typ, d := range details {
		for other, o := range details {
			if typ < other && d != o {
				t.Errorf("%s and %s word %q differently:\n%s\n%s", typ, other, c.rule, d, o)
			}
		}
	}
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
