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

// ListRouteEntries reads every page of a table's entries, each once.
func (c *Client) ListRouteEntries(ctx context.Context, f RouteEntryFilter) ([]RouteEntry, error) {
	const op = "DescribeRouteEntryList"
	if f.TableID == "" {
		return nil, invalid(op, "a route table ID is required")
	}
	return listAll(ctx, routeEntryPage, func(e RouteEntry) string { return e.ID }, func(ctx context.Context, at cursor) (page[RouteEntry], error) {
		var pg page[RouteEntry]
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
			req.NextToken = at.token
			r, err := send(cli, req, vpc.CreateDescribeRouteEntryListResponse)
			if err != nil {
				return "", err
			}
			pg = page[RouteEntry]{next: r.NextToken}
			for _, s := range r.RouteEntrys.RouteEntry {
				pg.items = append(pg.items, fromSDKRouteEntry(s))
			}
			return r.RequestId, nil
		})
		return pg, err
	})
}

// FreshRouteEntry describes one entry of a table now; an entry that is
// gone is a ClassNotFound error.
func (c *Client) FreshRouteEntry(ctx context.Context, tableID, id string) (*RouteEntry, error) {
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

// ListRouteTables reads every route table of a VPC ("" = of the region),
// each once.
func (c *Client) ListRouteTables(ctx context.Context, vpcID string) ([]RouteTable, error) {
	return c.listRouteTables(ctx, vpcID, "")
}

// FreshRouteTable describes one route table now; a table that does not
// exist is a ClassNotFound error.
func (c *Client) FreshRouteTable(ctx context.Context, id string) (*RouteTable, error) {
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
	return listAll(ctx, pageSize, func(t RouteTable) string { return t.ID }, func(ctx context.Context, at cursor) (page[RouteTable], error) {
		var pg page[RouteTable]
		err := c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateDescribeRouteTableListRequest()
			req.RegionId = c.cfg.Region
			req.VpcId = vpcID
			req.RouteTableId = tableID
			req.PageNumber = requestsInt(at.number)
			req.PageSize = requestsInt(pageSize)
			r, err := send(cli, req, vpc.CreateDescribeRouteTableListResponse)
			if err != nil {
				return "", err
			}
			pg = page[RouteTable]{total: r.TotalCount}
			for _, t := range r.RouterTableList.RouterTableListType {
				pg.items = append(pg.items, RouteTable{ID: t.RouteTableId, VpcID: t.VpcId, Type: t.RouteTableType, RouterID: t.RouterId,
					VSwitchIDs: append([]string{}, t.VSwitchIds.VSwitchId...)})
			}
			return r.RequestId, nil
		})
		return pg, err
	})
}
