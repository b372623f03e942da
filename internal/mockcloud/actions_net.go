package mockcloud

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

func describeVpcs(c *call) (any, *APIError) {
	number, size, err := c.page(10, 50)
	if err != nil {
		return nil, err
	}
	ids := set(csv(c.p.str("VpcId")))
	if len(ids) > 20 {
		return nil, invalidParam("VpcId", "At most 20 comma-separated VPC IDs are allowed.")
	}
	var match []*vpcRec
	for _, id := range slices.Sorted(maps.Keys(c.a.vpcs)) {
		v := c.a.vpcs[id]
		if v.Region != c.region || listFiltersOut(ids, id) ||
			c.p.filtersOut(map[string]string{"VpcName": v.Name, "ResourceGroupId": defaultResourceGroup(c.a)}) ||
			(c.p.has("IsDefault") && c.p.boolOr("IsDefault", false)) {
			continue
		}
		match = append(match, v)
	}
	out := describeVpcsResp{RequestId: c.req.requestID, TotalCount: len(match), PageNumber: number, PageSize: size}
	out.Vpcs.Vpc = []wireVpc{}
	start, end := pageBounds(len(match), number, size)
	for _, v := range match[start:end] {
		w := wireVpc{VpcId: v.ID, RegionId: v.Region, Status: rulebook.StatusAvailable, VpcName: v.Name, CidrBlock: v.CIDR,
			CreationTime: v.Created.UTC().Format(timeFmt), OwnerId: c.ownerID(), Tags: wireTagList(nil)}
		w.VSwitchIds.VSwitchId = []string{}
		for _, sid := range slices.Sorted(maps.Keys(c.a.vswitches)) {
			if c.a.vswitches[sid].VpcID == v.ID {
				w.VSwitchIds.VSwitchId = append(w.VSwitchIds.VSwitchId, sid)
			}
		}
		w.VRouterId, w.ResourceGroupId = routerID(v.ID), defaultResourceGroup(c.a)
		w.RouterTableIds.RouterTableIds = []string{}
		for _, t := range c.a.sortedTables() {
			if t.VpcID == v.ID {
				w.RouterTableIds.RouterTableIds = append(w.RouterTableIds.RouterTableIds, t.ID)
			}
		}
		out.Vpcs.Vpc = append(out.Vpcs.Vpc, w)
	}
	return out, nil
}

func (c *call) wireVSwitch(s *vswitchRec) wireVSwitch {
	used := 0
	for _, in := range c.a.instances {
		if in.VSwitchID == s.ID {
			used++
		}
	}
	for _, e := range c.a.enis {
		if e.VSwitchID == s.ID && e.Type != "Primary" {
			used++
		}
	}
	for _, h := range c.a.havips {
		if h.VSwitchID == s.ID {
			used++
		}
	}
	avail := int64(1<<(32-s.prefix.Bits())) - 4 - int64(used)
	w := wireVSwitch{VSwitchId: s.ID, VpcId: s.VpcID, Status: rulebook.StatusAvailable, CidrBlock: s.CIDR, ZoneId: s.Zone,
		AvailableIpAddressCount: avail, VSwitchName: s.Name, CreationTime: s.Created.UTC().Format(timeFmt),
		OwnerId: c.ownerID(), ResourceGroupId: defaultResourceGroup(c.a), Tags: wireTagList(nil)}
	if t := c.a.tableOfVSwitch(s); t != nil {
		w.RouteTable.RouteTableId, w.RouteTable.RouteTableType = t.ID, t.Type
	}
	return w
}

func describeVSwitches(c *call) (any, *APIError) {
	number, size, err := c.page(10, 50)
	if err != nil {
		return nil, err
	}
	var match []*vswitchRec
	for _, id := range slices.Sorted(maps.Keys(c.a.vswitches)) {
		s := c.a.vswitches[id]
		if s.Region != c.region ||
			c.p.filtersOut(map[string]string{"VpcId": s.VpcID, "VSwitchId": s.ID, "ZoneId": s.Zone, "VSwitchName": s.Name}) {
			continue
		}
		match = append(match, s)
	}
	out := describeVSwitchesResp{RequestId: c.req.requestID, TotalCount: len(match), PageNumber: number, PageSize: size}
	out.VSwitches.VSwitch = []wireVSwitch{}
	start, end := pageBounds(len(match), number, size)
	for _, s := range match[start:end] {
		out.VSwitches.VSwitch = append(out.VSwitches.VSwitch, c.wireVSwitch(s))
	}
	return out, nil
}

func describeVSwitchAttributes(c *call) (any, *APIError) {
	s, err := lookup(c, c.a.vswitches, c.p.str("VSwitchId"), rulebook.CodeVSwitchIDNotFound, "vSwitch")
	if err != nil {
		return nil, err
	}
	w := c.wireVSwitch(s)
	w.RequestId = c.req.requestID
	return w, nil
}

func checkResourceType(p *params) *APIError {
	if t := p.str("ResourceType"); t != "HAVIP" {
		return badRequest("InvalidResourceType.NotSupported", "ResourceType %q is not supported by this mock; only HAVIP.", t)
	}
	return nil
}

func (c *call) tagTargets() ([]*havipRec, *APIError) {
	ids := c.p.strList("ResourceId")
	if len(ids) > 20 {
		return nil, badRequest(rulebook.CodeInvalidParameter, "At most 20 ResourceId values are allowed; %d were given.", len(ids))
	}
	var out []*havipRec
	for _, id := range ids {
		h, err := c.havip(id)
		if err != nil {
			return nil, notFound("InvalidResourceId.NotFound", "The specified resource %q does not exist.", id)
		}
		out = append(out, h)
	}
	return out, nil
}

func tagResources(c *call) (any, *APIError) {
	if err := checkResourceType(c.p); err != nil {
		return nil, err
	}
	targets, err := c.tagTargets()
	if err != nil {
		return nil, err
	}
	tags, err := parseTags(c.p.list("Tag"), "Tag")
	if err != nil {
		return nil, err
	}
	for _, h := range targets {
		merged := append([]tagKV(nil), h.Tags...)
		for _, t := range tags {
			found := false
			for i := range merged {
				if merged[i].Key == t.Key {
					merged[i].Value, found = t.Value, true
				}
			}
			if !found {
				merged = append(merged, t)
			}
		}
		if len(merged) > rulebook.MaxTags {
			return nil, badRequest("QuotaExceeded.TagNum", "A resource takes at most %d tags; %s would have %d.", rulebook.MaxTags, h.ID, len(merged))
		}
	}
	for _, h := range targets {
		for _, t := range tags {
			replaced := false
			for i := range h.Tags {
				if h.Tags[i].Key == t.Key {
					h.Tags[i].Value, replaced = t.Value, true
				}
			}
			if !replaced {
				h.Tags = append(h.Tags, t)
			}
		}
	}
	return requestOnly{c.req.requestID}, nil
}

func untagResources(c *call) (any, *APIError) {
	if err := checkResourceType(c.p); err != nil {
		return nil, err
	}
	targets, err := c.tagTargets()
	if err != nil {
		return nil, err
	}
	keys := c.p.strList("TagKey")
	all := c.p.boolOr("All", false)
	if len(keys) == 0 && !all {
		return nil, missingParam("TagKey")
	}
	drop := set(keys)
	for _, h := range targets {
		kept := h.Tags[:0:0]
		for _, t := range h.Tags {
			if !all && !drop[t.Key] {
				kept = append(kept, t)
			}
		}
		h.Tags = kept
	}
	return requestOnly{c.req.requestID}, nil
}

func listTagResources(c *call) (any, *APIError) {
	if err := checkResourceType(c.p); err != nil {
		return nil, err
	}
	max, err := c.p.intIn("MaxResults", 50, 1, 50)
	if err != nil {
		return nil, err
	}
	offset, perr := decodeToken(c.p.str("NextToken"))
	if perr != nil {
		return nil, perr
	}
	ids := c.p.strList("ResourceId")
	tags, err := parseTags(c.p.list("Tag"), "Tag")
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 && len(tags) == 0 {
		return nil, badRequest("MissingParameter", "Either ResourceId.N or Tag.N is required.")
	}
	idSet := set(ids)
	var rows []wireTagResource
	for _, h := range c.a.sortedHaVips() {
		if h.Region != c.region || listFiltersOut(idSet, h.ID) {
			continue
		}
		ok := true
		for _, t := range tags {
			if !hasTag(h.Tags, t) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		for _, t := range h.Tags {
			rows = append(rows, wireTagResource{ResourceId: h.ID, ResourceType: "HAVIP", TagKey: t.Key, TagValue: t.Value})
		}
	}
	out := listTagResourcesResp{RequestId: c.req.requestID}
	out.TagResources.TagResource = []wireTagResource{}
	start := min(offset, len(rows))
	end := min(start+max, len(rows))
	if end < len(rows) {
		out.NextToken = encodeToken(end)
	}
	out.TagResources.TagResource = append(out.TagResources.TagResource, rows[start:end]...)
	return out, nil
}

func encodeToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeToken(tok string) (int, *APIError) {
	if tok == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), "offset:") {
		return 0, badRequest("InvalidNextToken", "The NextToken %q is not valid.", tok)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
	if err != nil || n < 0 {
		return 0, badRequest("InvalidNextToken", "The NextToken %q is not valid.", tok)
	}
	return n, nil
}

// jsonIDList reads the ECS-style JSON array parameters (InstanceIds=["i-1"]).
func jsonIDList(p *params, name string, max int) ([]string, *APIError) {
	raw := p.str(name)
	if raw == "" {
		return nil, nil
	}
	var ids []string
	if err := json.Unmarshal([]byte(raw), &ids); err != nil {
		return nil, badRequest("Invalid"+name+".Malformed", "%s must be a JSON array of strings, like [\"a\",\"b\"].", name)
	}
	if len(ids) > max {
		return nil, badRequest("Invalid"+name+".Malformed", "%s takes at most %d values.", name, max)
	}
	return ids, nil
}

// ecsPage supports both paging styles of the ECS describe APIs:
// PageNumber/PageSize or NextToken/MaxResults.
func (c *call) ecsPage(total, maxPage int) (start, end, number, size int, next string, err *APIError) {
	if c.p.has("NextToken") || c.p.has("MaxResults") {
		size, err = c.p.intIn("MaxResults", 10, 1, 1<<20)
		if err != nil {
			return
		}
		// Values below 10 or above the cap are clamped, as the metadata says.
		if size < 10 {
			size = 10
		}
		if size > maxPage {
			size = maxPage
		}
		var off int
		off, err = decodeToken(c.p.str("NextToken"))
		if err != nil {
			return
		}
		start = min(off, total)
		end = min(start+size, total)
		if end < total {
			next = encodeToken(end)
		}
		return start, end, 0, size, next, nil
	}
	number, size, err = c.page(10, maxPage)
	if err != nil {
		return
	}
	start, end = pageBounds(total, number, size)
	return
}

func describeInstances(c *call) (any, *APIError) {
	ids, err := jsonIDList(c.p, "InstanceIds", 100)
	if err != nil {
		return nil, err
	}
	ips, err := jsonIDList(c.p, "PrivateIpAddresses", 100)
	if err != nil {
		return nil, err
	}
	idSet, ipSet := set(ids), set(ips)
	var match []*instanceRec
	for _, id := range slices.Sorted(maps.Keys(c.a.instances)) {
		in := c.a.instances[id]
		if in.Region != c.region ||
			listFiltersOut(idSet, id) ||
			listFiltersOut(ipSet, in.PrivateIP) ||
			c.p.filtersOut(map[string]string{"VpcId": in.VpcID, "VSwitchId": in.VSwitchID, "ZoneId": in.Zone,
				"Status": in.Status, "InstanceName": in.Name}) {
			continue
		}
		match = append(match, in)
	}
	start, end, number, size, next, err := c.ecsPage(len(match), 100)
	if err != nil {
		return nil, err
	}
	out := describeInstancesResp{RequestId: c.req.requestID, TotalCount: len(match), PageNumber: number, PageSize: size, NextToken: next}
	out.Instances.Instance = []wireInstance{}
	for _, in := range match[start:end] {
		out.Instances.Instance = append(out.Instances.Instance, c.wireInstance(in))
	}
	return out, nil
}

func (c *call) wireInstance(in *instanceRec) wireInstance {
	w := wireInstance{InstanceId: in.ID, InstanceName: in.Name, HostName: in.Name, Status: in.Status, RegionId: in.Region,
		ZoneId: in.Zone, InstanceType: "ecs.e-c1m1.large", InstanceNetworkType: "vpc", CreationTime: in.Created.UTC().Format(timeFmtEcs),
		Tags: wireTagList(nil)}
	w.VpcAttributes.VpcId, w.VpcAttributes.VSwitchId = in.VpcID, in.VSwitchID
	w.VpcAttributes.PrivateIpAddress.IpAddress = []string{in.PrivateIP}
	w.PublicIpAddress.IpAddress = []string{}
	w.InnerIpAddress.IpAddress = []string{}
	w.SecurityGroupIds.SecurityGroupId = []string{}
	w.OperationLocks.LockReason = []struct {
		LockReason string `json:"LockReason"`
	}{}
	w.NetworkInterfaces.NetworkInterface = []wireInstanceNIC{}
	for _, id := range slices.Sorted(maps.Keys(c.a.enis)) {
		e := c.a.enis[id]
		if e.InstanceID != in.ID {
			continue
		}
		nic := wireInstanceNIC{NetworkInterfaceId: e.ID, Type: e.Type, PrimaryIpAddress: e.PrivateIP, MacAddress: e.Mac}
		nic.PrivateIpSets.PrivateIpSet = []wirePrivateIP{{PrivateIpAddress: e.PrivateIP, Primary: true}}
		if e.Type == "Primary" {
			w.NetworkInterfaces.NetworkInterface = append([]wireInstanceNIC{nic}, w.NetworkInterfaces.NetworkInterface...)
		} else {
			w.NetworkInterfaces.NetworkInterface = append(w.NetworkInterfaces.NetworkInterface, nic)
		}
	}
	return w
}

func describeENIs(c *call) (any, *APIError) {
	ids := c.p.strList("NetworkInterfaceId")
	if len(ids) > 100 {
		return nil, badRequest(rulebook.CodeInvalidParameter, "At most 100 NetworkInterfaceId values are allowed.")
	}
	ips := set(c.p.strList("PrivateIpAddress"))
	idSet := set(ids)
	var match []*eniRec
	keys := slices.Sorted(maps.Keys(c.a.enis))
	for _, id := range keys {
		e := c.a.enis[id]
		if e.Region != c.region ||
			listFiltersOut(idSet, id) ||
			listFiltersOut(ips, e.PrivateIP) ||
			c.p.filtersOut(map[string]string{"InstanceId": e.InstanceID, "VpcId": e.VpcID, "VSwitchId": e.VSwitchID,
				"PrimaryIpAddress": e.PrivateIP, "Type": e.Type, "Status": eniStatus(e), "NetworkInterfaceName": e.Name}) {
			continue
		}
		match = append(match, e)
	}
	start, end, number, size, next, err := c.ecsPage(len(match), 500)
	if err != nil {
		return nil, err
	}
	out := describeENIsResp{RequestId: c.req.requestID, TotalCount: len(match), PageNumber: number, PageSize: size, NextToken: next}
	out.NetworkInterfaceSets.NetworkInterfaceSet = []wireENI{}
	for _, e := range match[start:end] {
		w := wireENI{NetworkInterfaceId: e.ID, NetworkInterfaceName: e.Name, InstanceId: e.InstanceID, Type: e.Type,
			Status: eniStatus(e), VpcId: e.VpcID, VSwitchId: e.VSwitchID, ZoneId: e.Zone, PrivateIpAddress: e.PrivateIP,
			MacAddress: e.Mac, OwnerId: c.a.ID, CreationTime: e.Created.UTC().Format(timeFmt), ResourceGroupId: defaultResourceGroup(c.a)}
		w.PrivateIpSets.PrivateIpSet = []wirePrivateIP{{PrivateIpAddress: e.PrivateIP, Primary: true}}
		w.SecurityGroupIds.SecurityGroupId = []string{}
		w.Tags.Tag = []struct {
			TagKey   string `json:"TagKey"`
			TagValue string `json:"TagValue"`
		}{}
		out.NetworkInterfaceSets.NetworkInterfaceSet = append(out.NetworkInterfaceSets.NetworkInterfaceSet, w)
	}
	return out, nil
}

func eniStatus(e *eniRec) string {
	if e.InstanceID != "" {
		return rulebook.StatusInUse
	}
	return rulebook.StatusAvailable
}
