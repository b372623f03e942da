package alicloud

import (
	"context"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// routeEntryPage is DescribeRouteEntryList's largest MaxResult.
const routeEntryPage = 100

// RouteEntryFilter narrows ListRouteEntries; TableID is required, empty
// fields match everything.
type RouteEntryFilter struct {
	TableID     string
	ID          string
	Destination string
	Type        string // Custom or System
	NextHopType string
	NextHopID   string
}

func fromSDKRouteEntry(s vpc.RouteEntry) RouteEntry {
	e := RouteEntry{ID: s.RouteEntryId, TableID: s.RouteTableId, Destination: s.DestinationCidrBlock, Type: s.Type,
		Status: s.Status, Name: s.RouteEntryName, Description: s.Description, NextHopType: s.NextHopType, NextHopID: s.InstanceId}
	if hops := s.NextHops.NextHop; len(hops) > 0 {
		e.NextHopType, e.NextHopID = hops[0].NextHopType, hops[0].NextHopId
	}
	return e
}

// ListRouteEntries reads every page (NextToken) of a table's entries.
func (c *Client) ListRouteEntries(ctx context.Context, f RouteEntryFilter) ([]RouteEntry, error) {
	const op = "DescribeRouteEntryList"
	if f.TableID == "" {
		return nil, invalid(op, "a route table ID is required")
	}
	out := []RouteEntry{}
	seen := map[string]bool{}
	token := ""
	for page := 1; page <= maxPages; page++ {
		var resp *vpc.DescribeRouteEntryListResponse
		err := c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateDescribeRouteEntryListRequest()
			req.RegionId = c.cfg.Region
			req.RouteTableId = f.TableID
			req.RouteEntryId = f.ID
			req.DestinationCidrBlock = f.Destination
			req.RouteEntryType = f.Type
			req.NextHopType = f.NextHopType
			req.NextHopId = f.NextHopID
			req.MaxResult = requestsInt(routeEntryPage)
			req.NextToken = token
			r, err := send(cli, req, vpc.CreateDescribeRouteEntryListResponse)
			if err != nil {
				return "", err
			}
			resp = r
			return r.RequestId, nil
		})
		if err != nil {
			return nil, err
		}
		for _, s := range resp.RouteEntrys.RouteEntry {
			if !seen[s.RouteEntryId] {
				seen[s.RouteEntryId] = true
				out = append(out, fromSDKRouteEntry(s))
			}
		}
		if token = resp.NextToken; token == "" {
			break
		}
	}
	return out, nil
}

// DescribeRouteEntry finds one entry of a table by ID; an entry that is
// gone is a ClassNotFound error.
func (c *Client) DescribeRouteEntry(ctx context.Context, tableID, id string) (*RouteEntry, error) {
	const op = "DescribeRouteEntryList"
	if id == "" {
		return nil, invalid(op, "a route entry ID is required")
	}
	entries, err := c.ListRouteEntries(ctx, RouteEntryFilter{TableID: tableID, ID: id})
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.ID == id {
			return &e, nil
		}
	}
	return nil, c.notListed(op, "InvalidRouteEntryId.NotFound", "route entry", id, "")
}

// ListRouteTables reads every route table of a VPC ("" = of the region).
func (c *Client) ListRouteTables(ctx context.Context, vpcID string) ([]RouteTable, error) {
	return c.listRouteTables(ctx, vpcID, "")
}

// DescribeRouteTable finds one route table; a table that does not exist
// is a ClassNotFound error.
func (c *Client) DescribeRouteTable(ctx context.Context, id string) (*RouteTable, error) {
	const op = "DescribeRouteTableList"
	if id == "" {
		return nil, invalid(op, "a route table ID is required")
	}
	tables, err := c.listRouteTables(ctx, "", id)
	if IsNotFound(err) {
		return nil, c.notListed(op, "InvalidRouteTableId.NotFound", "route table", id, "")
	}
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if t.ID == id {
			return &t, nil
		}
	}
	return nil, c.notListed(op, "InvalidRouteTableId.NotFound", "route table", id, "")
}

func (c *Client) listRouteTables(ctx context.Context, vpcID, tableID string) ([]RouteTable, error) {
	const op = "DescribeRouteTableList"
	out := []RouteTable{}
	read := 0
	for page := 1; page <= maxPages; page++ {
		var resp *vpc.DescribeRouteTableListResponse
		err := c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateDescribeRouteTableListRequest()
			req.RegionId = c.cfg.Region
			req.VpcId = vpcID
			req.RouteTableId = tableID
			req.PageNumber = requestsInt(page)
			req.PageSize = requestsInt(pageSize)
			r, err := send(cli, req, vpc.CreateDescribeRouteTableListResponse)
			if err != nil {
				return "", err
			}
			resp = r
			return r.RequestId, nil
		})
		if err != nil {
			return nil, err
		}
		items := resp.RouterTableList.RouterTableListType
		read += len(items)
		for _, t := range items {
			out = append(out, RouteTable{ID: t.RouteTableId, VpcID: t.VpcId, Type: t.RouteTableType, RouterID: t.RouterId,
				VSwitchIDs: append([]string{}, t.VSwitchIds.VSwitchId...)})
		}
		if len(items) < pageSize || read >= resp.TotalCount {
			break
		}
	}
	return out, nil
}

// waitRouteEntry polls until the entry shows want, or is gone when want
// is "". A fresh entry may be missing from the list for a few polls
// (eventual consistency) before the wait gives up on it.
func (c *Client) waitRouteEntry(ctx context.Context, op, tableID, id, want string) (*RouteEntry, error) {
	var last *RouteEntry
	notFound := 0
	what := "route entry " + id + " to become " + want
	if want == "" {
		what = "route entry " + id + " to be deleted"
	}
	err := c.waitFor(ctx, op, what, func(ctx context.Context) (bool, string, error) {
		got, err := c.DescribeRouteEntry(ctx, tableID, id)
		if IsNotFound(err) {
			if want == "" {
				return true, "gone", nil
			}
			if notFound < maxNotFoundPolls {
				notFound++
				return false, "not listed yet", nil
			}
		}
		if err != nil {
			return false, "", err
		}
		last = got
		return want != "" && got.Status == want, got.Status, nil
	})
	return last, err
}
