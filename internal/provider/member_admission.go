package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/havip-oss/terraform-provider-havip/internal/alicloud"
	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// Admission to a HaVip. havip_members, havip_attachment and
// havip_eip_association ask the cloud the same questions before a plan may
// associate a member or bind an EIP: does the HaVip exist, can this member
// join it, how many HaVips would the instance be on, can this EIP be bound,
// is the member leaving the master, is a member gone for good. Each question
// is answered here once, in the words every resource shows; the rules
// themselves are the rulebook's. A resource only says where its answer goes
// (member_ids[i], instance_id, allocation_id, …).

// refusal is an answer that refuses: what it is about, and the summary
// and detail of the error diagnostic.
type refusal struct {
	about           subject
	summary, detail string
}

// subject is what a refusal is about. Each resource names the attribute
// that holds it (attributes), so one refusal lands on the same attribute
// in every resource that can be refused for it.
type subject int

const (
	aboutMember subject = iota // the instance or ENI
	aboutHaVip                 // the HaVip
	aboutEIP                   // the EIP
)

// attributes are where a resource shows a refusal about each subject.
type attributes struct{ member, havip, eip path.Path }

// refusalOf words a rulebook violation about a subject, with a hint on
// what to do; nil when there is none.
func refusalOf(about subject, v *rulebook.Violation, hint string) *refusal {
	if v == nil {
		return nil
	}
	detail := v.Message
	if hint != "" {
		detail += " " + hint
	}
	return &refusal{about: about, summary: v.Title, detail: detail}
}

// addError adds the refusal as an error on the resource's attribute for
// its subject.
func (r *refusal) addError(diags *diag.Diagnostics, at attributes) {
	where := map[subject]path.Path{aboutMember: at.member, aboutHaVip: at.havip, aboutEIP: at.eip}[r.about]
	diags.AddAttributeError(where, r.summary, r.detail)
}

// Hints that follow a count, so that a refusal counting what the plan adds
// says so.
const (
	hintPlannedMembers      = "(Counting the members this plan adds.)"
	hintPlannedAssociations = "(Counting the associations this plan adds.)"
	hintPlannedEIPs         = "(Counting the EIPs bound and those this plan binds.) Unbind that one first."
)

// admissionChecks says what havip_attachment or havip_eip_association
// checks of a new association at plan time, and what checks it instead
// while the HaVip is not created yet.
type admissionChecks struct {
	resource string // the resource type
	checks   string // what is checked, for the warning that it waits for apply
	instead  string // what checks it at plan instead
	skipped  string // what cannot be checked without API access
}

// admissionReady says whether the checks can run now: it warns that they
// wait for apply while the HaVip's ID is unknown, and that they were
// skipped without API access (then false).
func (d *providerData) admissionReady(diags *diag.Diagnostics, havipUnknown bool, c admissionChecks) bool {
	if havipUnknown {
		checkedOnlyAtApply(diags, c.resource, c.checks, c.instead)
	}
	if d.client == nil {
		d.skippedChecks(diags, c.skipped)
		return false
	}
	return true
}

// planHaVip reads the HaVip a plan names, for the checks that need it. A
// HaVip that does not exist is refused on havip_id; nil means the plan can
// go no further (diags says why).
func (d *providerData) planHaVip(ctx context.Context, havipID string, diags *diag.Diagnostics) *alicloud.HaVip {
	h, err := d.client.ReadHaVip(ctx, havipID)
	switch {
	case alicloud.IsNotFound(err):
		diags.AddAttributeError(path.Root("havip_id"), "HaVip not found",
			fmt.Sprintf("HaVip %s does not exist in region %s.", havipID, d.client.Region()))
		return nil
	case err != nil:
		diags.AddError("Cannot check HaVip "+havipID, apiErrorDetail(err))
		return nil
	}
	return h
}

// memberRefusal says why member m cannot join HaVip havipID ("" while the
// HaVip is not created yet) in vSwitch vswitch ("" while it is unknown):
// it does not exist, is not in a state to join, or is in another vSwitch.
// nil when it can.
func (d *providerData) memberRefusal(ctx context.Context, m, havipID, vswitch string) *refusal {
	what, inVSwitch, state, err := d.describeMember(ctx, m)
	switch {
	case alicloud.IsNotFound(err):
		return &refusal{aboutMember, what + " not found", fmt.Sprintf("%s %s does not exist in region %s.", what, m, d.client.Region())}
	case err != nil:
		return &refusal{aboutMember, "Cannot check " + what + " " + m, apiErrorDetail(err)}
	case state != nil:
		return state
	case vswitch == "":
		return nil
	}
	return refusalOf(aboutMember, rulebook.CheckSameVSwitch(m, inVSwitch, havipID, vswitch), "")
}

// describeMember reads member m: what it is ("ECS instance" or "ENI"), its
// vSwitch, and the refusal of a member not in a state to join (an ECS
// instance neither Running nor Stopped, an ENI not attached).
func (d *providerData) describeMember(ctx context.Context, m string) (what, vswitch string, state *refusal, err error) {
	if rulebook.MemberTypeOf(m) == alicloud.MemberENI {
		eni, err := d.client.ReadENI(ctx, m)
		if err != nil {
			return "ENI", "", nil, err
		}
		return "ENI", eni.VSwitchID, refusalOf(aboutMember, rulebook.CheckENIAttached(m, eni.InstanceID), "Attach it first."), nil
	}
	in, err := d.client.ReadInstance(ctx, m)
	if err != nil {
		return "ECS instance", "", nil, err
	}
	return "ECS instance", in.VSwitchID, refusalOf(aboutMember, rulebook.CheckInstanceStatus(m, in.Status), ""), nil
}

// planHaVips lists the account's HaVips for the counts; ok is false, with
// the error in diags, when the listing failed.
func (d *providerData) planHaVips(ctx context.Context, diags *diag.Diagnostics) (all []alicloud.HaVip, ok bool) {
	all, err := d.allHaVips(ctx)
	if err != nil {
		diags.AddError("Cannot list HaVips", apiErrorDetail(err))
		return nil, false
	}
	return all, true
}

// haVipsOnInstanceRefusal counts the HaVips member m would be on after
// joining target: those of all that list it now (less the associations
// planned replacements remove first), those this plan adds it to
// (planned), and target itself.
func (d *providerData) haVipsOnInstanceRefusal(all []alicloud.HaVip, m, target string, planned []string) *refusal {
	on := map[string]bool{target: true}
	for _, o := range all {
		if o.HasMember(m) && !d.planned.memberReplaced(o.ID, m) {
			on[o.ID] = true
		}
	}
	for _, o := range planned {
		on[o] = true
	}
	return refusalOf(aboutMember, d.limits.CheckHaVipsOnInstance(m, slices.Sorted(maps.Keys(on))), hintPlannedAssociations)
}

// eipAdmission is the answer to "can EIP e be bound to HaVip h".
type eipAdmission struct {
	refusal *refusal // nil when it can
	gone    bool     // the refusal is that the EIP does not exist
	here    bool     // already bound to h: there is nothing to bind
	failed  bool     // the API could not tell; diags says why
}

// admitEIP applies AssociateEipAddress's rules to binding allocationID to
// h (nil while the HaVip is not created yet): the EIP exists in the
// provider's region and is Available, or is bound where a planned
// replacement unbinds it first, or is being unbound (the bind waits for
// that rather than the plan refusing it).
func (d *providerData) admitEIP(ctx context.Context, allocationID string, h *alicloud.HaVip, diags *diag.Diagnostics) eipAdmission {
	e, err := d.client.ReadEIP(ctx, allocationID)
	switch {
	case alicloud.IsNotFound(err):
		return eipAdmission{gone: true, refusal: &refusal{aboutEIP, "EIP not found",
			fmt.Sprintf("EIP %s does not exist in region %s. The EIP must be in the HaVip's region, which is the provider's.", allocationID, d.client.Region())}}
	case err != nil:
		diags.AddError("Cannot check EIP "+allocationID, apiErrorDetail(err))
		return eipAdmission{failed: true}
	case h != nil && e.InstanceID == h.ID:
		return eipAdmission{here: true}
	}
	freed := e.InstanceID != "" && d.planned.eipReplaced(e.InstanceID, allocationID)
	if freed || e.Unbinding() || (e.Status == rulebook.StatusAvailable && e.InstanceID == "") {
		return eipAdmission{}
	}
	bound := ""
	if e.InstanceID != "" {
		bound = fmt.Sprintf(", bound to %s %s", e.InstanceType, e.InstanceID)
	}
	return eipAdmission{refusal: &refusal{aboutEIP, "EIP not available",
		fmt.Sprintf("EIP %s (%s) is %s%s; only an Available EIP can be bound to a HaVip.", allocationID, e.IPAddress, e.Status, bound)}}
}

// eipCountRefusal reserves allocationID for the HaVip of registry key key
// (h, nil while the HaVip is not created yet) and counts the EIPs it would
// have: those bound now, less the one this resource replaces (ownAddress)
// and those planned replacements unbind first, and those this plan binds.
func (d *providerData) eipCountRefusal(res *reservation, key string, h *alicloud.HaVip, allocationID, ownAddress string) *refusal {
	var bound []string // public addresses, as DescribeHaVips lists them
	if h != nil {
		for _, ip := range h.AssociatedEIPAddresses {
			if ip != ownAddress && !d.planned.eipAddressReplaced(h.ID, ip) {
				bound = append(bound, ip)
			}
		}
	}
	others := res.eip(key, allocationID)
	return refusalOf(aboutHaVip, d.limits.CheckEIPCount(key, append(bound, others...)), hintPlannedEIPs)
}

// masterLeaves reports whether the HaVip's master is among the members
// leaving it.
func masterLeaves(h *alicloud.HaVip, leaving []string) bool {
	return h.MasterInstanceID != "" && slices.Contains(leaving, h.MasterInstanceID)
}

// How each resource lets its master go: the rest of the master guard's
// detail.
const (
	forceMasterAttachment = "set force = true on this havip_attachment and apply that before removing it."
	forceMasterMembers    = "set force = true on this havip_members along with removing it from member_ids. " +
		"Destroying the whole havip_members needs no force."
)

// refuseMasterDetach refuses to detach master from havipID without force,
// on the force attribute: the detach drops the service IP, and the
// service refuses it (Forbidden.UnassociateMaster) anyway. ip is the
// address it holds ("" when not known), when says since when it is the
// master if that was after the plan, apiErr is the service's refusal if
// it came to that.
func refuseMasterDetach(diags *diag.Diagnostics, havipID, master, ip, when, howToForce string, apiErr error) {
	holds := "it holds the HaVip's address"
	if ip != "" {
		holds = "it holds " + ip
	}
	detail := fmt.Sprintf("%s is the current master of HaVip %s%s: %s, and detaching it drops the service IP until another member takes over. "+
		"Fail over first, or %s", master, havipID, when, holds, howToForce)
	if apiErr != nil {
		detail += "\n\n" + apiErrorDetail(apiErr)
	}
	diags.AddAttributeError(path.Root("force"), "Refusing to detach the HaVip's master", detail)
}

// memberGone reports whether the instance or ENI is gone for good (an API
// error is not taken for that).
func (d *providerData) memberGone(ctx context.Context, id string) bool {
	_, _, _, err := d.describeMember(ctx, id)
	return alicloud.IsNotFound(err)
}
