package mockcloud

import (
	"strings"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

func (c *call) havip(id string) (*havipRec, *APIError) {
	return lookup(c, c.a.havips, id, rulebook.CodeHaVipNotFound, "HaVip")
}

func parseTags(items []listItem, param string) ([]tagKV, *APIError) {
	if v := rulebook.CheckTagCount(len(items)); v != nil {
		return nil, refuse(v)
	}
	var out []tagKV
	seen := map[string]bool{}
	for _, it := range items {
		k, v := it.fields["Key"], it.fields["Value"]
		if bad := rulebook.CheckTag(k, v); len(bad) > 0 {
			return nil, badRequest(bad[0].Code, "%s.%d: %s", param, it.index, bad[0].Message)
		}
		if seen[k] {
			return nil, badRequest(rulebook.CodeInvalidParameter, "The tag key %q is given twice.", k)
		}
		seen[k] = true
		out = append(out, tagKV{Key: k, Value: v})
	}
	return out, nil
}

func createHaVip(c *call) (any, *APIError) {
	vsw, ok := inRegion(c, c.a.vswitches, c.p.str("VSwitchId"))
	if !ok {
		return nil, badRequest(rulebook.CodeVSwitchNotFound, "The specified vSwitch %q does not exist in region %s.", c.p.str("VSwitchId"), c.region)
	}
	if e := c.checkHaVipText(rulebook.CodeNameMalformed); e != nil {
		return nil, e
	}
	tags, err := parseTags(c.p.list("Tag"), "Tag")
	if err != nil {
		return nil, err
	}
	ip := c.p.str("IpAddress")
	if ip != "" {
		addr, v := rulebook.ParseIPv4(ip)
		if v == nil {
			v = rulebook.CheckHaVipAddress(vsw.ID, vsw.prefix, addr)
		}
		if v == nil {
			v = rulebook.CheckAddressFree(addr, vsw.ID, c.a.ipOwner(vsw, addr))
		}
		if v != nil {
			return nil, refuse(v)
		}
	}
	nAcct, nVpc := c.a.havipCount(vsw.Region, vsw.VpcID)
	if v := c.a.limits().CheckHaVipQuota(nAcct, nVpc, vsw.VpcID); v != nil {
		return nil, refuse(v)
	}
	if ip == "" {
		if ip = c.a.freeIP(vsw); ip == "" {
			return nil, badRequest(rulebook.CodeVSwitchIPNotEnough, "The vSwitch %s has no free IP address.", vsw.ID)
		}
	}
	rg := c.p.str("ResourceGroupId")
	if rg == "" {
		rg = defaultResourceGroup(c.a)
	}
	h := &havipRec{ID: c.a.newID("havip-"), Region: vsw.Region, VpcID: vsw.VpcID, VSwitchID: vsw.ID, IP: ip,
		Name: c.p.str("Name"), Description: c.p.str("Description"), ResourceGroupID: rg, Tags: tags,
		Status: rulebook.StatusAvailable, Created: c.now}
	h.Pending = c.a.begin(TransitionHaVipCreate, c.now, rulebook.StatusCreating, rulebook.StatusAvailable, false)
	c.a.havips[h.ID] = h
	c.a.havipSeq[h.ID] = c.a.nextSeq()
	return createHaVipResp{RequestId: c.req.requestID, HaVipId: h.ID, IpAddress: ip}, nil
}

// checkHaVipText applies the name and description rules; nameCode is the
// action's spelling of a bad name.
func (c *call) checkHaVipText(nameCode string) *APIError {
	if c.p.has("Name") {
		if v := rulebook.CheckName(c.p.str("Name"), nameCode); v != nil {
			return refuse(v)
		}
	}
	if c.p.has("Description") {
		if v := rulebook.CheckDescription(c.p.str("Description")); v != nil {
			return refuse(v)
		}
	}
	return nil
}

func defaultResourceGroup(a *account) string {
	return "rg-acfm" + a.ID[len(a.ID)-12:]
}

var havipFilterKeys = map[string]bool{"VpcId": true, "VSwitchId": true, "Status": true, "HaVipId": true, "HaVipAddress": true}

func describeHaVips(c *call) (any, *APIError) {
	number, size, err := c.page(10, 50)
	if err != nil {
		return nil, err
	}
	filters := c.p.list("Filter")
	if len(filters) > 5 {
		return nil, badRequest(rulebook.CodeInvalidParameter, "At most 5 filters are allowed; %d were given.", len(filters))
	}
	want := map[string]map[string]bool{}
	for _, f := range filters {
		k := f.fields["Key"]
		if !havipFilterKeys[k] {
			return nil, badRequest("InvalidFilterKey.ValueNotSupported", "The filter key %q is not supported; use VpcId, VSwitchId, Status, HaVipId or HaVipAddress.", k)
		}
		vals := f.lists["Value"]
		if len(vals) == 0 {
			return nil, badRequest(rulebook.CodeInvalidParameter, "Filter.%d.Value.1 is required for filter key %s.", f.index, k)
		}
		if want[k] == nil {
			want[k] = map[string]bool{}
		}
		for _, v := range vals {
			want[k][v] = true
		}
	}
	tags, terr := parseTags(c.p.list("Tags"), "Tags")
	if terr != nil {
		return nil, terr
	}
	var match []*havipRec
	for _, h := range c.a.sortedHaVips() {
		if h.Region != c.region || c.p.filtersOut(map[string]string{"ResourceGroupId": h.ResourceGroupID}) {
			continue
		}
		fields := map[string]string{"VpcId": h.VpcID, "VSwitchId": h.VSwitchID, "Status": h.shownStatus(), "HaVipId": h.ID, "HaVipAddress": h.IP}
		ok := true
		for k, vals := range want {
			if !vals[fields[k]] {
				ok = false
				break
			}
		}
		for _, t := range tags {
			if !hasTag(h.Tags, t) {
				ok = false
			}
		}
		if ok {
			match = append(match, h)
		}
	}
	out := describeHaVipsResp{RequestId: c.req.requestID, TotalCount: len(match), PageNumber: number, PageSize: size}
	out.HaVips.HaVip = []wireHaVip{}
	start, end := pageBounds(len(match), number, size)
	for _, h := range match[start:end] {
		out.HaVips.HaVip = append(out.HaVips.HaVip, c.wireHaVip(h))
	}
	// Counting a describe against "describes"-mode transitions only after
	// rendering keeps this answer consistent with the statuses it filtered on.
	for _, h := range match[start:end] {
		c.a.described(h)
	}
	return out, nil
}

func hasTag(tags []tagKV, t tagKV) bool {
	for _, x := range tags {
		if x.Key == t.Key && (t.Value == "" || x.Value == t.Value) {
			return true
		}
	}
	return false
}

func wireTagList(tags []tagKV) wireTags {
	w := wireTags{Tag: []wireTag{}}
	for _, t := range tags {
		w.Tag = append(w.Tag, wireTag{Key: t.Key, Value: t.Value})
	}
	return w
}

func (c *call) wireHaVip(h *havipRec) wireHaVip {
	w := wireHaVip{HaVipId: h.ID, RegionId: h.Region, VpcId: h.VpcID, VSwitchId: h.VSwitchID, IpAddress: h.IP,
		Status: h.shownStatus(), MasterInstanceId: h.Master, AssociatedInstanceType: h.MemberType, Name: h.Name,
		Description: h.Description, CreateTime: h.Created.UTC().Format(timeFmt), ResourceGroupId: h.ResourceGroupID,
		Tags: wireTagList(h.Tags)}
	w.AssociatedInstances.AssociatedInstance = append([]string{}, h.Members...)
	w.AssociatedEipAddresses.AssociatedEipAddresse = []string{}
	for _, id := range h.EIPs {
		if e := c.a.eips[id]; e != nil {
			w.AssociatedEipAddresses.AssociatedEipAddresse = append(w.AssociatedEipAddresses.AssociatedEipAddresse, e.IP)
		}
	}
	return w
}

func modifyHaVip(c *call) (any, *APIError) {
	h, err := c.havip(c.p.str("HaVipId"))
	if err != nil {
		return nil, err
	}
	if e := c.checkHaVipText(rulebook.CodeModifyNameMalformed); e != nil {
		return nil, e
	}
	if h.Pending != nil {
		return nil, badRequest(rulebook.CodeIncorrectStatus, "The HaVip %s is %s; it can be modified only when it is Available or InUse.", h.ID, h.shownStatus())
	}
	if c.p.has("Name") {
		h.Name = c.p.str("Name")
	}
	if c.p.has("Description") {
		h.Description = c.p.str("Description")
	}
	return requestOnly{c.req.requestID}, nil
}

func memberType(p *params) (string, *APIError) {
	switch t := p.str("InstanceType"); t {
	case "":
		return InstanceTypeEcs, nil
	case InstanceTypeEcs, InstanceTypeEni:
		return t, nil
	default:
		return "", badRequest(rulebook.CodeMemberTypeUnsupported, "InstanceType %q is not supported; use EcsInstance or NetworkInterface.", t)
	}
}

func associateHaVip(c *call) (any, *APIError) {
	h, err := c.havip(c.p.str("HaVipId"))
	if err != nil {
		return nil, err
	}
	typ, err := memberType(c.p)
	if err != nil {
		return nil, err
	}
	if h.Pending != nil || (h.Status != rulebook.StatusAvailable && h.Status != rulebook.StatusInUse) {
		return nil, badRequest(rulebook.CodeIncorrectHaVipStatus, "The HaVip %s is %s; members can be associated only when it is Available or InUse.", h.ID, h.shownStatus())
	}
	id := c.p.str("InstanceId")
	var vswID string
	var unfit *rulebook.Violation // what keeps this instance or interface itself from joining
	switch typ {
	case InstanceTypeEcs:
		in, ok := inRegion(c, c.a.instances, id)
		if !ok {
			return nil, notFound(rulebook.CodeInstanceNotFound, "The specified ECS instance %q does not exist.", id)
		}
		vswID, unfit = in.VSwitchID, rulebook.CheckInstanceStatus(id, in.Status)
	case InstanceTypeEni:
		e, ok := inRegion(c, c.a.enis, id)
		if !ok {
			return nil, notFound(rulebook.CodeInstanceNotFound, "The specified network interface %q does not exist.", id)
		}
		vswID, unfit = e.VSwitchID, rulebook.CheckENIAttached(id, e.InstanceID)
	}
	if unfit != nil {
		return nil, refuse(unfit)
	}
	if contains(h.Members, id) {
		return nil, refuse(rulebook.AlreadyAssociated(id, h.ID))
	}
	limits := c.a.limits()
	existing := ""
	if len(h.Members) > 0 {
		existing = h.Members[0]
	}
	for _, v := range []*rulebook.Violation{
		rulebook.CheckSameVSwitch(id, vswID, h.ID, h.VSwitchID),
		rulebook.CheckMemberType(h.ID, existing, h.MemberType, id, typ),
		limits.CheckMemberCount(h.ID, id, h.Members),
		limits.CheckHaVipsOnInstance(id, append(c.a.havipsOf(id), h.ID)),
	} {
		if v != nil {
			return nil, refuse(v)
		}
	}
	h.Members = append(h.Members, id)
	h.MemberType = typ
	h.Status = rulebook.StatusInUse
	h.Pending = c.a.begin(TransitionHaVipAssociate, c.now, rulebook.StatusAssociating, rulebook.StatusInUse, false)
	if c.a.autoMaster && h.Master == "" {
		h.Master = id
	}
	return requestOnly{c.req.requestID}, nil
}

func unassociateHaVip(c *call) (any, *APIError) {
	h, err := c.havip(c.p.str("HaVipId"))
	if err != nil {
		return nil, err
	}
	typ, err := memberType(c.p)
	if err != nil {
		return nil, err
	}
	force := false
	switch f := c.p.str("Force"); strings.ToLower(f) {
	case "", "false":
	case "true":
		force = true
	default:
		return nil, invalidParam("Force", "%q is not True or False.", f)
	}
	if h.Pending != nil || h.Status != rulebook.StatusInUse {
		return nil, badRequest(rulebook.CodeIncorrectHaVipStatus, "The HaVip %s is %s; members can be disassociated only when it is InUse.", h.ID, h.shownStatus())
	}
	id := c.p.str("InstanceId")
	if !contains(h.Members, id) {
		return nil, badRequest(rulebook.CodeNotAssociated, "%s is not associated with HaVip %s.", id, h.ID)
	}
	if h.MemberType != typ {
		return nil, badRequest(rulebook.CodeMemberTypeMismatch, "%s is a %s member; set InstanceType=%s.", id, h.MemberType, h.MemberType)
	}
	if h.Master == id && !force {
		return nil, badRequest(rulebook.CodeUnassociateMaster, "%s is the master of HaVip %s; set Force=True to disassociate it.", id, h.ID)
	}
	c.a.dropMember(h, id)
	h.Pending = c.a.begin(TransitionHaVipUnassociate, c.now, rulebook.StatusUnassociating, h.Status, false)
	return requestOnly{c.req.requestID}, nil
}

// dropMember removes a member and recomputes what depends on it.
func (a *account) dropMember(h *havipRec, id string) {
	h.Members = remove(h.Members, id)
	if h.Master == id {
		h.Master = ""
	}
	if len(h.Members) == 0 {
		h.MemberType = ""
		h.Status = rulebook.StatusAvailable
	}
}

func deleteHaVip(c *call) (any, *APIError) {
	h, err := c.havip(c.p.str("HaVipId"))
	if err != nil {
		return nil, err
	}
	if h.Pending != nil {
		return nil, badRequest(rulebook.CodeIncorrectHaVipStatus, "The HaVip %s is %s; retry when the operation in progress has finished.", h.ID, h.shownStatus())
	}
	if len(h.EIPs) > 0 {
		return nil, badRequest(rulebook.CodeDeleteWithEIP, "The HaVip %s is associated with EIP %s; disassociate it first.", h.ID, strings.Join(h.EIPs, ", "))
	}
	if h.Status != rulebook.StatusAvailable {
		return nil, badRequest(rulebook.CodeIncorrectStatus, "The HaVip %s is %s with %d members; it can be deleted only when it is Available.", h.ID, h.Status, len(h.Members))
	}
	if routes := c.a.routesTo(h.ID); len(routes) > 0 {
		return nil, badRequest(rulebook.CodeDeleteWithRouteEntry, "The HaVip %s is the next hop of route entry %s; delete the route entries first.", h.ID, strings.Join(routes, ", "))
	}
	if p := c.a.begin(TransitionHaVipDelete, c.now, rulebook.StatusDeleting, "", true); p != nil {
		h.Pending = p
	} else {
		delete(c.a.havips, h.ID)
		delete(c.a.havipSeq, h.ID)
	}
	return requestOnly{c.req.requestID}, nil
}
