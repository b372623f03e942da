package mockcloud

import (
	"strconv"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

func allocateEip(c *call) (any, *APIError) {
	bw := c.p.str("Bandwidth")
	if bw == "" {
		bw = "5"
	}
	if n, err := strconv.Atoi(bw); err != nil || n < 1 || n > 500 {
		return nil, invalidParam("Bandwidth", "It must be a whole number of Mbit/s from 1 to 500.")
	}
	ict := c.p.str("InternetChargeType")
	switch ict {
	case "":
		ict = "PayByBandwidth"
	case "PayByBandwidth", "PayByTraffic":
	default:
		return nil, invalidParam("InternetChargeType", "Use PayByBandwidth or PayByTraffic.")
	}
	switch c.p.str("InstanceChargeType") {
	case "", "PostPaid":
	default:
		return nil, badRequest(rulebook.CodeInvalidParameter, "InstanceChargeType %q is not supported by this mock; only PostPaid.", c.p.str("InstanceChargeType"))
	}
	if c.p.has("Name") {
		if v := rulebook.CheckName(c.p.str("Name"), rulebook.CodeInvalidParameter); v != nil {
			return nil, invalidParam("Name", "%s", v.Message)
		}
	}
	if c.p.has("Description") {
		if v := rulebook.CheckText(c.p.str("Description"), 2, 256, rulebook.CodeInvalidParameter, "Description"); v != nil {
			return nil, invalidParam("Description", "%s", v.Message)
		}
	}
	isp := c.p.str("ISP")
	if isp == "" {
		isp = "BGP"
	}
	ip := c.a.nextEIPAddress()
	if ip == "" {
		return nil, badRequest("QuotaExceeded.Eip", "The EIP pool %s of this mock is exhausted.", c.a.eipPool)
	}
	rg := c.p.str("ResourceGroupId")
	if rg == "" {
		rg = defaultResourceGroup(c.a)
	}
	e := &eipRec{ID: c.a.newID("eip-"), Region: c.region, IP: ip, Name: c.p.str("Name"), Description: c.p.str("Description"),
		Bandwidth: bw, ISP: isp, ChargeType: "PostPaid", InternetChargeType: ict, ResourceGroupID: rg,
		Status: rulebook.StatusAvailable, Created: c.now}
	c.a.eips[e.ID] = e
	c.a.eipSeq[e.ID] = c.a.nextSeq()
	return allocateEipResp{RequestId: c.req.requestID, AllocationId: e.ID, EipAddress: ip, OrderId: 0, ResourceGroupId: rg}, nil
}

var eipInstanceTypes = map[string]bool{"EcsInstance": true, "SlbInstance": true, "Nat": true, "HaVip": true, "NetworkInterface": true, "IpAddress": true}

func describeEips(c *call) (any, *APIError) {
	number, size, err := c.page(10, 100)
	if err != nil {
		return nil, err
	}
	ids, ips := csv(c.p.str("AllocationId")), csv(c.p.str("EipAddress"))
	if len(ids) > 50 || len(ips) > 50 {
		return nil, badRequest(rulebook.CodeInvalidParameter, "AllocationId and EipAddress take at most 50 comma-separated values.")
	}
	if t := c.p.str("AssociatedInstanceType"); t != "" && !eipInstanceTypes[t] {
		return nil, invalidParam("AssociatedInstanceType", "Use EcsInstance, SlbInstance, Nat, HaVip, NetworkInterface or IpAddress.")
	}
	idSet, ipSet := set(ids), set(ips)
	var match []*eipRec
	for _, e := range c.a.sortedEIPs() {
		if e.Region != c.region ||
			listFiltersOut(idSet, e.ID) ||
			listFiltersOut(ipSet, e.IP) ||
			c.p.filtersOut(map[string]string{"Status": e.shownStatus(), "AssociatedInstanceType": e.InstanceType,
				"AssociatedInstanceId": e.InstanceID, "EipName": e.Name, "ISP": e.ISP}) {
			continue
		}
		match = append(match, e)
	}
	out := describeEipsResp{RequestId: c.req.requestID, TotalCount: len(match), PageNumber: number, PageSize: size}
	out.EipAddresses.EipAddress = []wireEip{}
	start, end := pageBounds(len(match), number, size)
	for _, e := range match[start:end] {
		out.EipAddresses.EipAddress = append(out.EipAddresses.EipAddress, c.wireEip(e))
	}
	for _, e := range match[start:end] {
		c.a.describedEIP(e)
	}
	return out, nil
}

func (c *call) wireEip(e *eipRec) wireEip {
	w := wireEip{AllocationId: e.ID, IpAddress: e.IP, Status: e.shownStatus(), InstanceId: e.InstanceID, InstanceType: e.InstanceType,
		RegionId: e.Region, AllocationTime: e.Created.UTC().Format(timeFmt), Name: e.Name, Description: e.Description,
		Descritpion: e.Description, Mode: "NAT", ResourceGroupId: e.ResourceGroupID, BusinessStatus: "Normal",
		Bandwidth: e.Bandwidth, EipBandwidth: e.Bandwidth, ISP: e.ISP, Netmode: "public", ChargeType: e.ChargeType,
		InternetChargeType: e.InternetChargeType, Tags: wireTagList(nil)}
	w.OperationLocks.LockReason = []struct {
		LockReason string `json:"LockReason"`
	}{}
	// For an EIP bound to a HaVip, PrivateIpAddress and VpcId stay empty.
	// Inferred, not documented: Alibaba's own Terraform provider copies
	// both into attributes of alicloud_eip_association that force a
	// replacement, and is widely used with HaVip bindings without that
	// replacement being planned over and over, so the service cannot be
	// filling them in for a HaVip. (Pointed at a mock that filled them in
	// with the HaVip's address and VPC, its second plan was never empty.)
	if h := c.a.havips[e.InstanceID]; h != nil {
		w.InstanceRegionId = h.Region
	}
	return w
}

func (c *call) eip(id string) (*eipRec, *APIError) {
	return lookup(c, c.a.eips, id, rulebook.CodeAllocationNotFound, "EIP")
}

func associateEip(c *call) (any, *APIError) {
	typ := c.p.str("InstanceType")
	if typ == "" {
		typ = "EcsInstance"
	}
	if !eipInstanceTypes[typ] {
		return nil, badRequest(rulebook.CodeMemberTypeUnsupported, "InstanceType %q is not valid.", typ)
	}
	if typ != "HaVip" {
		return nil, badRequest(rulebook.CodeMemberTypeUnsupported, "Associating an EIP with InstanceType %s is not supported by this mock; only HaVip.", typ)
	}
	e := c.a.eips[c.p.str("AllocationId")]
	if e == nil {
		return nil, notFound(rulebook.CodeAllocationNotFound, "The specified EIP %q does not exist.", c.p.str("AllocationId"))
	}
	h, err := lookup(c, c.a.havips, c.p.str("InstanceId"), "InvalidInstanId.NotFound", "HaVip")
	if err != nil {
		return nil, err
	}
	if e.Region != h.Region {
		return nil, badRequest("InvalidParameter.Mismatch", "EIP %s is in region %s and HaVip %s in %s; they must be in the same region.", e.ID, e.Region, h.ID, h.Region)
	}
	if e.InstanceID == h.ID {
		return nil, badRequest(rulebook.CodeEIPDuplicated, "EIP %s is already associated with HaVip %s.", e.ID, h.ID)
	}
	if e.Pending != nil || e.Status != rulebook.StatusAvailable {
		return nil, badRequest(rulebook.CodeIncorrectEIPStatus, "EIP %s is %s; it must be Available.", e.ID, e.shownStatus())
	}
	if h.Pending != nil || (h.Status != rulebook.StatusAvailable && h.Status != rulebook.StatusInUse) {
		return nil, badRequest(rulebook.CodeIncorrectHaVipStatus, "The HaVip %s is %s; an EIP can be associated only when it is Available or InUse.", h.ID, h.shownStatus())
	}
	if v := c.a.limits().CheckEIPCount(h.ID, h.EIPs); v != nil {
		return nil, refuse(v)
	}
	e.InstanceID, e.InstanceType, e.Status = h.ID, "HaVip", rulebook.StatusInUse
	e.Pending = c.a.begin(TransitionEIPAssociate, c.now, rulebook.StatusAssociating, rulebook.StatusInUse, false)
	h.EIPs = append(h.EIPs, e.ID)
	return requestOnly{c.req.requestID}, nil
}

func unassociateEip(c *call) (any, *APIError) {
	e, err := c.eip(c.p.str("AllocationId"))
	if err != nil {
		return nil, err
	}
	if t := c.p.str("InstanceType"); t != "" && t != "HaVip" && t != e.InstanceType {
		return nil, badRequest(rulebook.CodeMemberTypeUnsupported, "EIP %s is not associated with an instance of type %s.", e.ID, t)
	}
	if e.Pending != nil {
		return nil, badRequest(rulebook.CodeIncorrectEIPStatus, "EIP %s is %s; retry when the operation in progress has finished.", e.ID, e.shownStatus())
	}
	if e.InstanceID == "" {
		return nil, badRequest(rulebook.CodeIncorrectEIPStatus, "EIP %s is not associated with any instance.", e.ID)
	}
	if id := c.p.str("InstanceId"); id != "" && id != e.InstanceID {
		return nil, badRequest(rulebook.CodeInstanceNotFound, "EIP %s is not associated with %s.", e.ID, id)
	}
	h := c.a.havips[e.InstanceID]
	if h != nil && h.Pending != nil {
		return nil, badRequest(rulebook.CodeIncorrectHaVipStatus, "The HaVip %s is %s; retry when the operation in progress has finished.", h.ID, h.shownStatus())
	}
	if h != nil {
		h.EIPs = remove(h.EIPs, e.ID)
	}
	e.InstanceID, e.InstanceType, e.Status = "", "", rulebook.StatusAvailable
	e.Pending = c.a.begin(TransitionEIPUnassociate, c.now, rulebook.StatusUnassociating, rulebook.StatusAvailable, false)
	return requestOnly{c.req.requestID}, nil
}

func releaseEip(c *call) (any, *APIError) {
	e, err := c.eip(c.p.str("AllocationId"))
	if err != nil {
		return nil, err
	}
	if e.Pending != nil || e.Status != rulebook.StatusAvailable {
		return nil, badRequest(rulebook.CodeIncorrectEIPStatus, "EIP %s is %s; it can be released only when it is Available.", e.ID, e.shownStatus())
	}
	delete(c.a.eips, e.ID)
	delete(c.a.eipSeq, e.ID)
	return requestOnly{c.req.requestID}, nil
}
