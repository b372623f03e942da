package mockcloud

import (
	"strings"
)

func (c *call) havip(id string) (*havipRec, *APIError) {
	h := c.a.havips[id]
	if h == nil || h.Region != c.region {
		return nil, notFound("InvalidHaVipId.NotFound", "The specified HaVip %q does not exist in region %s.", id, c.region)
	}
	return h, nil
}

func parseTags(items []listItem, param string) ([]tagKV, *APIError) {
	if len(items) > 20 {
		return nil, badRequest("InvalidParameter", "At most 20 tags are allowed; %d were given.", len(items))
	}
	var out []tagKV
	seen := map[string]bool{}
	for _, it := range items {
		k, v := it.fields["Key"], it.fields["Value"]
		if k == "" {
			return nil, badRequest("InvalidTagKey.Malformed", "%s.%d.Key must not be empty.", param, it.index)
		}
		lk := strings.ToLower(k)
		if len([]rune(k)) > 128 || strings.HasPrefix(lk, "aliyun") || strings.HasPrefix(lk, "acs:") || strings.Contains(lk, "http://") || strings.Contains(lk, "https://") {
			return nil, badRequest("InvalidTagKey.Malformed", "The tag key %q is malformed: at most 128 characters, not starting with aliyun or acs:, no http:// or https://.", k)
		}
		if len([]rune(v)) > 128 || strings.Contains(strings.ToLower(v), "http://") || strings.Contains(strings.ToLower(v), "https://") {
			return nil, badRequest("InvalidTagValue.Malformed", "The tag value for %q is malformed: at most 128 characters, no http:// or https://.", k)
		}
		if seen[k] {
			return nil, badRequest("InvalidParameter", "The tag key %q is given twice.", k)
		}
		seen[k] = true
		out = append(out, tagKV{Key: k, Value: v})
	}
	return out, nil
}

func createHaVip(c *call) (any, *APIError) {
	vsw := c.a.vswitches[c.p.str("VSwitchId")]
	if vsw == nil || vsw.Region != c.region {
		return nil, badRequest("InvalidVSwitch.NotFound", "The specified vSwitch %q does not exist in region %s.", c.p.str("VSwitchId"), c.region)
	}
	if c.p.has("Name") && !checkText(c.p.str("Name"), 1, 128) {
		return nil, badRequest("InvalidName.Malformed", "The name must be 1 to 128 characters long and must not start with http:// or https://.")
	}
	if c.p.has("Description") && !checkText(c.p.str("Description"), 1, 255) {
		return nil, badRequest("InvalidDescription.Malformed", "The description must be 1 to 255 characters long and must not start with http:// or https://.")
	}
	tags, err := parseTags(c.p.list("Tag"), "Tag")
	if err != nil {
		return nil, err
	}
	ip := c.p.str("IpAddress")
	if ip != "" {
		addr, ok := parseIPv4(ip)
		if !ok {
			if strings.Contains(ip, ":") {
				return nil, badRequest("InvalidIPAddress.Malformed", "The IP address %q is malformed: HaVip supports IPv4 only.", ip)
			}
			return nil, badRequest("InvalidIPAddress.Malformed", "The IP address %q is malformed.", ip)
		}
		if !vsw.prefix.Contains(addr) {
			return nil, badRequest("InvalidIPAddress.OutOfRange", "The IP address %s is out of VSwitch CIDR %s.", ip, vsw.CIDR)
		}
		if reserved(vsw.prefix, addr) {
			return nil, badRequest("InvalidIPAddress.NotAvailable", "The IP address %s is reserved by the system in %s.", ip, vsw.CIDR)
		}
		if owner := c.a.ipOwner(vsw, addr); owner != "" {
			return nil, badRequest("InvalidIPAddress.AlreadyUsed", "The IP address %s is already used by %s.", ip, owner)
		}
	}
	nAcct, nVpc := c.a.havipCount(vsw.VpcID)
	if q := c.a.quotas[QuotaHaVipsPerAccount]; nAcct >= q {
		return nil, badRequest("QuotaExceeded.HaVip", "The account already has %d HaVips, the quota of HaVips per account is %d.", nAcct, q)
	}
	if q := c.a.quotas[QuotaHaVipsPerVPC]; nVpc >= q {
		return nil, badRequest("QuotaExceeded.HaVip", "VPC %s already has %d HaVips, the quota of HaVips per VPC is %d.", vsw.VpcID, nVpc, q)
	}
	if ip == "" {
		if ip = c.a.freeIP(vsw); ip == "" {
			return nil, badRequest("InvalidVSwitch.IpNotEnough", "The vSwitch %s has no free IP address.", vsw.ID)
		}
	}
	rg := c.p.str("ResourceGroupId")
	if rg == "" {
		rg = defaultResourceGroup(c.a)
	}
	h := &havipRec{ID: c.a.newID("havip-"), Region: vsw.Region, VpcID: vsw.VpcID, VSwitchID: vsw.ID, IP: ip,
		Name: c.p.str("Name"), Description: c.p.str("Description"), ResourceGroupID: rg, Tags: tags,
		Status: StatusAvailable, Created: c.now}
	h.Pending = c.a.begin(TransitionHaVipCreate, c.now, StatusCreating, StatusAvailable, false)
	c.a.havips[h.ID] = h
	c.a.havipSeq[h.ID] = c.a.nextSeq()
	return createHaVipResp{RequestId: c.req.requestID, HaVipId: h.ID, IpAddress: ip}, nil
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
		return nil, badRequest("InvalidParameter", "At most 5 filters are allowed; %d were given.", len(filters))
	}
	want := map[string]map[string]bool{}
	for _, f := range filters {
		k := f.fields["Key"]
		if !havipFilterKeys[k] {
			return nil, badRequest("InvalidFilterKey.ValueNotSupported", "The filter key %q is not supported; use VpcId, VSwitchId, Status, HaVipId or HaVipAddress.", k)
		}
		vals := f.lists["Value"]
		if len(vals) == 0 {
			return nil, badRequest("InvalidParameter", "Filter.%d.Value.1 is required for filter key %s.", f.index, k)
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
	rg := c.p.str("ResourceGroupId")
	var match []*havipRec
	for _, h := range c.a.sortedHaVips() {
		if h.Region != c.region || (rg != "" && h.ResourceGroupID != rg) {
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
	if c.p.has("Name") && !checkText(c.p.str("Name"), 1, 128) {
		return nil, badRequest("Abs.Vpc.InvalidName.Malformed", "The name must be 1 to 128 characters long and must not start with http:// or https://.")
	}
	if c.p.has("Description") && !checkText(c.p.str("Description"), 1, 255) {
		return nil, badRequest("InvalidDescription.Malformed", "The description must be 1 to 255 characters long and must not start with http:// or https://.")
	}
	if h.Pending != nil {
		return nil, badRequest("IncorrectStatus", "The HaVip %s is %s; it can be modified only when it is Available or InUse.", h.ID, h.shownStatus())
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
		return "", badRequest("InvalidInstanceType.ValueNotSupported", "InstanceType %q is not supported; use EcsInstance or NetworkInterface.", t)
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
	if h.Pending != nil || (h.Status != StatusAvailable && h.Status != StatusInUse) {
		return nil, badRequest("IncorrectHaVipStatus", "The HaVip %s is %s; members can be associated only when it is Available or InUse.", h.ID, h.shownStatus())
	}
	id := c.p.str("InstanceId")
	var vswID string
	switch typ {
	case InstanceTypeEcs:
		in := c.a.instances[id]
		if in == nil || in.Region != c.region {
			return nil, notFound("InvalidInstanceId.NotFound", "The specified ECS instance %q does not exist.", id)
		}
		if in.Status != "Running" && in.Status != "Stopped" {
			return nil, badRequest("IncorrectInstanceStatus", "The instance %s is %s; it must be Running or Stopped.", id, in.Status)
		}
		vswID = in.VSwitchID
	case InstanceTypeEni:
		e := c.a.enis[id]
		if e == nil || e.Region != c.region {
			return nil, notFound("InvalidInstanceId.NotFound", "The specified network interface %q does not exist.", id)
		}
		if e.InstanceID == "" {
			return nil, badRequest("IncorrectInstanceStatus", "The network interface %s is not attached to an ECS instance; attach it first.", id)
		}
		vswID = e.VSwitchID
	}
	if contains(h.Members, id) {
		return nil, badRequest("OperationFailed.InstanceAlreadyAssociated", "%s is already associated with HaVip %s.", id, h.ID)
	}
	if vswID != h.VSwitchID {
		return nil, badRequest("InvalidVSwitchId.Mismatch", "%s is in vSwitch %s, but HaVip %s is in vSwitch %s; members must share the HaVip's vSwitch.", id, vswID, h.ID, h.VSwitchID)
	}
	if h.MemberType != "" && h.MemberType != typ {
		return nil, badRequest("InvalidInstanceType.Mismatch", "HaVip %s already has %s members; it cannot also have %s members. Disassociate them first.", h.ID, h.MemberType, typ)
	}
	if q := c.a.quotas[QuotaMembersPerHaVip]; len(h.Members) >= q {
		return nil, badRequest("CountLimitExceeded.HaVipOnECSInstance", "HaVip %s already has %d members, the maximum is %d.", h.ID, len(h.Members), q)
	}
	if q := c.a.quotas[QuotaHaVipsPerInstance]; c.a.havipsOnInstance(id) >= q {
		return nil, badRequest("CountLimitExceed.HaVipOnInstance", "%s is already associated with %d HaVips, the maximum is %d.", id, c.a.havipsOnInstance(id), q)
	}
	h.Members = append(h.Members, id)
	h.MemberType = typ
	h.Status = StatusInUse
	h.Pending = c.a.begin(TransitionHaVipAssociate, c.now, StatusAssociating, StatusInUse, false)
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
	if h.Pending != nil || h.Status != StatusInUse {
		return nil, badRequest("IncorrectHaVipStatus", "The HaVip %s is %s; members can be disassociated only when it is InUse.", h.ID, h.shownStatus())
	}
	id := c.p.str("InstanceId")
	if !contains(h.Members, id) {
		return nil, badRequest("ResourceNotAssociated", "%s is not associated with HaVip %s.", id, h.ID)
	}
	if h.MemberType != typ {
		return nil, badRequest("InvalidInstanceType.Mismatch", "%s is a %s member; set InstanceType=%s.", id, h.MemberType, h.MemberType)
	}
	if h.Master == id && !force {
		return nil, badRequest("Forbidden.UnassociateMaster", "%s is the master of HaVip %s; set Force=True to disassociate it.", id, h.ID)
	}
	c.a.dropMember(h, id)
	h.Pending = c.a.begin(TransitionHaVipUnassociate, c.now, StatusUnassociating, h.Status, false)
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
		h.Status = StatusAvailable
	}
}

func deleteHaVip(c *call) (any, *APIError) {
	h, err := c.havip(c.p.str("HaVipId"))
	if err != nil {
		return nil, err
	}
	if h.Pending != nil {
		return nil, badRequest("IncorrectHaVipStatus", "The HaVip %s is %s; retry when the operation in progress has finished.", h.ID, h.shownStatus())
	}
	if len(h.EIPs) > 0 {
		return nil, badRequest("DependencyViolation.HaVipAssociatedWithEIP", "The HaVip %s is associated with EIP %s; disassociate it first.", h.ID, strings.Join(h.EIPs, ", "))
	}
	if h.Status != StatusAvailable {
		return nil, badRequest("IncorrectStatus", "The HaVip %s is %s with %d members; it can be deleted only when it is Available.", h.ID, h.Status, len(h.Members))
	}
	if routes := c.a.routesTo(h.ID); len(routes) > 0 {
		return nil, badRequest("DependencyViolation.HaVipReferedByRouteEntry", "The HaVip %s is the next hop of route entry %s; delete the route entries first.", h.ID, strings.Join(routes, ", "))
	}
	if p := c.a.begin(TransitionHaVipDelete, c.now, StatusDeleting, "", true); p != nil {
		h.Pending = p
	} else {
		delete(c.a.havips, h.ID)
		delete(c.a.havipSeq, h.ID)
	}
	return requestOnly{c.req.requestID}, nil
}
