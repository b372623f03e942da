package mockcloud

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

func (c *call) routeTable(id string) (*routeTableRec, *APIError) {
	return lookup(c, c.a.routeTables, id, "InvalidRouteTableId.NotFound", "route table")
}

// checkRouteText: names take 1 to 128 characters, descriptions 1 to 256,
// neither starting with http:// or https://.
func (c *call) checkRouteText() *APIError {
	if c.p.has("RouteEntryName") {
		if v := rulebook.CheckName(c.p.str("RouteEntryName"), "InvalidRouteEntryName.Malformed"); v != nil {
			return refuse(v)
		}
	}
	if c.p.has("Description") {
		if v := rulebook.CheckRouteDescription(c.p.str("Description")); v != nil {
			return refuse(v)
		}
	}
	return nil
}

func createRouteEntry(c *call) (any, *APIError) {
	t, err := c.routeTable(c.p.str("RouteTableId"))
	if err != nil {
		return nil, err
	}
	if len(c.p.list("NextHopList")) > 0 {
		return nil, badRequest(rulebook.CodeInvalidParameter, "NextHopList (ECMP routes) is not served by this mock; give NextHopType=HaVip and NextHopId.")
	}
	switch typ := c.p.str("NextHopType"); typ {
	case NextHopHaVip:
	case "":
		return nil, missingParam("NextHopType")
	default:
		return nil, badRequest("InvalidNextHopType.ValueNotSupported", "NextHopType %q is not served by this mock; it serves HaVip next hops only.", typ)
	}
	if c.p.str("NextHopId") == "" {
		return nil, missingParam("NextHopId")
	}
	if err := c.checkRouteText(); err != nil {
		return nil, err
	}
	dest := c.p.str("DestinationCidrBlock")
	prefix, ok := parseDestination(dest)
	if !ok {
		return nil, badRequest("InvalidDestinationCidrBlock.Malformed", "The destination %q is not an IPv4 CIDR block in canonical form (such as 10.0.0.0/8).", dest)
	}
	h, err := c.havip(c.p.str("NextHopId"))
	if err != nil {
		return nil, err
	}
	if h.VpcID != t.VpcID {
		return nil, badRequest("InvalidNextHop.VpcMismatch", "HaVip %s is in VPC %s, but route table %s belongs to VPC %s.", h.ID, h.VpcID, t.ID, t.VpcID)
	}
	if h.Pending != nil || (h.Status != rulebook.StatusAvailable && h.Status != rulebook.StatusInUse) {
		return nil, badRequest(rulebook.CodeIncorrectHaVipStatus, "The HaVip %s is %s; a route can point at it only when it is Available or InUse.", h.ID, h.shownStatus())
	}
	for _, e := range c.a.tableEntries(t) {
		if e.Dest == prefix.String() {
			return nil, badRequest("InvalidCIDRBlock.Duplicate", "The destination %s is already routed in route table %s by %s.", dest, t.ID, e.ID)
		}
	}
	if busy := c.a.tableBusy(t.ID); busy != nil {
		return nil, badRequest("TaskConflict", "Route table %s is changing (route entry %s is %s); retry when the change has finished.", t.ID, busy.ID, busy.shownStatus())
	}
	if v := c.a.limits().CheckHaVipRouteEntries(t.ID, c.a.routedHaVipEntries(t.ID)); v != nil {
		return nil, refuse(v)
	}
	e := &routeEntryRec{ID: c.a.newID("rte-"), TableID: t.ID, Region: t.Region, Dest: prefix.String(), NextHopType: NextHopHaVip,
		NextHopID: h.ID, Name: c.p.str("RouteEntryName"), Description: c.p.str("Description"), Status: rulebook.StatusAvailable, Created: c.now}
	e.Pending = c.a.begin("route_entry", c.now, rulebook.StatusPending, rulebook.StatusAvailable, false)
	c.a.routeEntries[e.ID] = e
	c.a.routeSeq[e.ID] = c.a.nextSeq()
	return createRouteEntryResp{RequestId: c.req.requestID, RouteEntryId: e.ID}, nil
}

// deleteRouteEntry takes RouteEntryId, or RouteTableId with
// DestinationCidrBlock (and optionally NextHopId).
func deleteRouteEntry(c *call) (any, *APIError) {
	if len(c.p.list("NextHopList")) > 0 {
		return nil, badRequest(rulebook.CodeInvalidParameter, "NextHopList (ECMP routes) is not served by this mock.")
	}
	var e *routeEntryRec
	if id := c.p.str("RouteEntryId"); id != "" {
		e = c.a.routeEntries[id]
		if e == nil && strings.HasPrefix(id, "rte-sys") {
			e = c.a.systemEntry(id)
		}
		if e == nil || e.Region != c.region {
			return nil, notFound("InvalidRouteEntryId.NotFound", "The specified route entry %q does not exist in region %s.", id, c.region)
		}
		if tid := c.p.str("RouteTableId"); tid != "" && tid != e.TableID {
			return nil, notFound("InvalidRouteEntryId.NotFound", "The route entry %s is not in route table %s.", id, tid)
		}
	} else {
		tid, dest := c.p.str("RouteTableId"), c.p.str("DestinationCidrBlock")
		if tid == "" || dest == "" {
			return nil, badRequest("MissingParameter", "Give RouteEntryId, or RouteTableId and DestinationCidrBlock.")
		}
		t, err := c.routeTable(tid)
		if err != nil {
			return nil, err
		}
		for _, x := range c.a.tableEntries(t) {
			if x.Dest == dest && (c.p.str("NextHopId") == "" || x.NextHopID == c.p.str("NextHopId")) {
				e = x
				break
			}
		}
		if e == nil {
			return nil, notFound("InvalidRouteEntry.NotFound", "Route table %s has no route entry for %s.", tid, dest)
		}
	}
	if c.a.routeEntries[e.ID] == nil {
		return nil, badRequest("OperationDenied.SystemRouteEntry", "The route entry %s for %s is a System entry; it cannot be deleted.", e.ID, e.Dest)
	}
	if e.Pending != nil {
		return nil, badRequest("IncorrectRouteEntryStatus", "The route entry %s is %s; it can be deleted only when it is Available.", e.ID, e.shownStatus())
	}
	if busy := c.a.tableBusy(e.TableID); busy != nil {
		return nil, badRequest("TaskConflict", "Route table %s is changing (route entry %s is %s); retry when the change has finished.", e.TableID, busy.ID, busy.shownStatus())
	}
	if p := c.a.begin("route_entry", c.now, rulebook.StatusDeleting, "", true); p != nil {
		e.Pending = p
	} else {
		delete(c.a.routeEntries, e.ID)
		delete(c.a.routeSeq, e.ID)
	}
	return requestOnly{c.req.requestID}, nil
}

func (c *call) wireRoute(e *routeEntryRec) wireRouteEntry {
	w := wireRouteEntry{RouteEntryId: e.ID, RouteTableId: e.TableID, RouteEntryName: e.Name, Description: e.Description,
		DestinationCidrBlock: e.Dest, Type: RouteEntryCustom, Status: e.shownStatus(), IpVersion: "ipv4", Origin: "Custom",
		GmtModified: e.Created.UTC().Format(timeFmt)}
	if e.NextHopType == nextHopLocal {
		w.Type, w.Origin = RouteEntrySystem, "System"
	}
	w.NextHops.NextHop = []wireNextHop{{NextHopType: e.NextHopType, NextHopId: e.NextHopID, Enabled: 1, Weight: 100}}
	return w
}

// describeRouteEntryList pages with MaxResult (20 to 100, default 50)
// and an opaque NextToken, as the API does.
func describeRouteEntryList(c *call) (any, *APIError) {
	t, err := c.routeTable(c.p.str("RouteTableId"))
	if err != nil {
		return nil, err
	}
	size, err := c.p.intIn("MaxResult", 50, 20, 100)
	if err != nil {
		return nil, err
	}
	switch v := strings.ToLower(c.p.str("IpVersion")); v {
	case "", "ipv4":
	default:
		return nil, invalidParam("IpVersion", "%q is not served by this mock; it serves IPv4 routes only.", c.p.str("IpVersion"))
	}
	switch c.p.str("RouteEntryType") {
	case "", RouteEntryCustom, RouteEntrySystem:
	default:
		return nil, invalidParam("RouteEntryType", "use Custom or System.")
	}
	start := 0
	if tok := c.p.str("NextToken"); tok != "" {
		n, perr := strconv.Atoi(strings.TrimPrefix(tok, "rte-page-"))
		if perr != nil || !strings.HasPrefix(tok, "rte-page-") || n < 0 {
			return nil, badRequest("InvalidNextToken.Malformed", "The NextToken %q was not issued by this API.", tok)
		}
		start = n
	}
	dests := set(c.p.strList("DestCidrBlockList"))
	var match []*routeEntryRec
	for _, e := range c.a.tableEntries(t) {
		typ := RouteEntryCustom
		if e.NextHopType == nextHopLocal {
			typ = RouteEntrySystem
		}
		if listFiltersOut(dests, e.Dest) ||
			c.p.filtersOut(map[string]string{"RouteEntryId": e.ID, "DestinationCidrBlock": e.Dest, "RouteEntryName": e.Name,
				"RouteEntryType": typ, "NextHopType": e.NextHopType, "NextHopId": e.NextHopID}) {
			continue
		}
		match = append(match, e)
	}
	if start > len(match) {
		start = len(match)
	}
	end := min(start+size, len(match))
	out := describeRouteEntryListResp{RequestId: c.req.requestID}
	out.RouteEntrys.RouteEntry = []wireRouteEntry{}
	for _, e := range match[start:end] {
		out.RouteEntrys.RouteEntry = append(out.RouteEntrys.RouteEntry, c.wireRoute(e))
	}
	if end < len(match) {
		out.NextToken = "rte-page-" + strconv.Itoa(end)
	}
	for _, e := range match[start:end] {
		if c.a.routeEntries[e.ID] != nil {
			c.a.describedRoute(e)
		}
	}
	return out, nil
}

func describeRouteTableList(c *call) (any, *APIError) {
	number, size, err := c.page(10, 50)
	if err != nil {
		return nil, err
	}
	switch c.p.str("RouteTableType") {
	case "", RouteTableSystem, RouteTableCustom:
	default:
		return nil, invalidParam("RouteTableType", "use System or Custom.")
	}
	switch c.p.str("RouterType") {
	case "", "VRouter":
	default:
		return nil, invalidParam("RouterType", "this mock serves VRouter route tables only.")
	}
	tags, terr := parseTags(c.p.list("Tag"), "Tag")
	if terr != nil {
		return nil, terr
	}
	rg := defaultResourceGroup(c.a)
	var match []*routeTableRec
	for _, t := range c.a.sortedTables() {
		if t.Region != c.region ||
			c.p.filtersOut(map[string]string{"VpcId": t.VpcID, "RouteTableId": t.ID, "RouteTableName": t.Name,
				"RouteTableType": t.Type, "RouterId": t.RouterID, "ResourceGroupId": rg}) ||
			len(tags) > 0 { // route tables carry no tags in this mock
			continue
		}
		match = append(match, t)
	}
	out := describeRouteTableListResp{RequestId: c.req.requestID, Success: true, Code: "200", Message: "successful",
		TotalCount: len(match), PageNumber: number, PageSize: size}
	out.RouterTableList.RouterTableListType = []wireRouteTable{}
	start, end := pageBounds(len(match), number, size)
	for _, t := range match[start:end] {
		w := wireRouteTable{RouteTableId: t.ID, RouteTableName: t.Name, RouteTableType: t.Type, RouterId: t.RouterID,
			RouterType: "VRouter", VpcId: t.VpcID, Status: rulebook.StatusAvailable, AssociateType: "VSwitch", Description: t.Description,
			CreationTime: t.Created.UTC().Format(timeFmt), OwnerId: c.ownerID(), ResourceGroupId: rg, Tags: wireTagList(nil)}
		w.VSwitchIds.VSwitchId = []string{}
		for _, sid := range slices.Sorted(maps.Keys(c.a.vswitches)) {
			if s := c.a.vswitches[sid]; s.VpcID == t.VpcID && c.a.tableOfVSwitch(s) == t {
				w.VSwitchIds.VSwitchId = append(w.VSwitchIds.VSwitchId, sid)
			}
		}
		out.RouterTableList.RouterTableListType = append(out.RouterTableList.RouterTableListType, w)
	}
	return out, nil
}
