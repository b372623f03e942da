package alicloud

import (
	"context"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// NextHopHaVip is the NextHopType of a route entry whose next hop is a HaVip.
const NextHopHaVip = "HaVip"

// RouteEntry as DescribeRouteEntryList returns it, with its first next hop.
type RouteEntry struct {
	ID          string
	TableID     string
	Destination string
	Type        string // Custom or System
	Status      string
	Name        string
	Description string
	NextHopType string
	NextHopID   string
}

// RouteTable as DescribeRouteTableList returns it.
type RouteTable struct {
	ID         string
	VpcID      string
	Type       string // System or Custom
	RouterID   string
	VSwitchIDs []string
}

type CreateRouteEntryInput struct {
	TableID     string
	Destination string // canonical IPv4 CIDR
	HaVipID     string
	Name        string
	Description string
}

// CreateRouteEntry routes Destination through a HaVip with one ClientToken
// across every retry, then waits until the entry is Available. Changes of
// one route table are serialised: the table takes one change at a time
// (TaskConflict), so parallel entries queue instead of spinning on
// refusals. If the entry was created but the wait fails, the returned
// entry carries at least its ID.
func (c *Client) CreateRouteEntry(ctx context.Context, in CreateRouteEntryInput) (*RouteEntry, error) {
	const op = "CreateRouteEntry"
	if in.TableID == "" || in.Destination == "" || in.HaVipID == "" {
		return nil, invalid(op, "a route table ID, a destination CIDR block and a HaVip ID are required")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	unlock, err := c.locks.lock(ctx, op, in.TableID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// The service refuses the entry while its HaVip is changing state
	// (IncorrectHaVipStatus), so the call also queues behind this
	// process's association changes of that HaVip, which hold its lock
	// until they have settled. Only the call: the entry's own wait does
	// not hold the HaVip back. (Lock order: table, then HaVip; nothing
	// takes them the other way round.)
	unlockHaVip, err := c.locks.lock(ctx, op, in.HaVipID)
	if err != nil {
		return nil, err
	}
	token := newClientToken()
	var id string
	err = c.settleVPC(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateCreateRouteEntryRequest()
		req.ClientToken = token
		req.RouteTableId = in.TableID
		req.DestinationCidrBlock = in.Destination
		req.NextHopType = NextHopHaVip
		req.NextHopId = in.HaVipID
		req.RouteEntryName = in.Name
		req.Description = in.Description
		resp, err := send(cli, req, vpc.CreateCreateRouteEntryResponse)
		if err != nil {
			return "", err
		}
		id = resp.RouteEntryId
		return resp.RequestId, nil
	}, nil)
	unlockHaVip()
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, &Error{Op: op, Class: ClassUnknown, Message: "the answer carried no RouteEntryId"}
	}
	e, err := c.waitRouteEntry(ctx, op, in.TableID, id, rulebook.StatusAvailable)
	if e == nil {
		e = &RouteEntry{ID: id, TableID: in.TableID, Destination: in.Destination, NextHopType: NextHopHaVip, NextHopID: in.HaVipID}
	}
	return e, err
}

// DeleteRouteEntry deletes an entry and waits until it is gone; an entry
// already gone is success. DeleteRouteEntry takes no ClientToken, so a
// retry after a lost answer meets the first attempt's outcome: NotFound
// (gone) or IncorrectRouteEntryStatus while it is Deleting, both of which
// mean the deletion is under way.
func (c *Client) DeleteRouteEntry(ctx context.Context, tableID, id string) error {
	const op = "DeleteRouteEntry"
	if tableID == "" || id == "" {
		return invalid(op, "a route table ID and a route entry ID are required")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	unlock, err := c.locks.lock(ctx, op, tableID)
	if err != nil {
		return err
	}
	defer unlock()
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		if e.Class == ClassNotFound {
			return settled, nil
		}
		if e.Class != ClassConflict {
			return fail, e
		}
		got, err := c.FreshRouteEntry(ctx, tableID, id)
		switch {
		case IsNotFound(err):
			return settled, nil
		case err == nil && got.Status == rulebook.StatusDeleting:
			return settled, nil
		}
		return retry, nil
	}
	err = c.settleVPC(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateDeleteRouteEntryRequest()
		req.RouteTableId = tableID
		req.RouteEntryId = id
		return answered(cli, req, vpc.CreateDeleteRouteEntryResponse)
	}, judge)
	if err != nil {
		return err
	}
	_, err = c.waitRouteEntry(ctx, op, tableID, id, "")
	return err
}

// ListRoutesToHaVip lists the Custom route entries of every route table of the
// VPC whose next hop is the HaVip.
func (c *Client) ListRoutesToHaVip(ctx context.Context, vpcID, havipID string) ([]RouteEntry, error) {
	if vpcID == "" || havipID == "" {
		return nil, invalid("DescribeRouteEntryList", "a VPC ID and a HaVip ID are required")
	}
	tables, err := c.ListRouteTables(ctx, vpcID)
	if err != nil {
		return nil, err
	}
	var out []RouteEntry
	for _, t := range tables {
		entries, err := c.ListRouteEntries(ctx, RouteEntryFilter{TableID: t.ID, NextHopType: NextHopHaVip, NextHopID: havipID})
		if err != nil {
			return nil, err
		}
		out = append(out, entries...)
	}
	return out, nil
}

func (e *RouteEntry) String() string {
	return fmt.Sprintf("%s (%s → %s %s in %s)", e.ID, e.Destination, e.NextHopType, e.NextHopID, e.TableID)
}
