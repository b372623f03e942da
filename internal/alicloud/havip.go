package alicloud

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// CreateHaVip creates a HaVip with one ClientToken reused across every
// retry, then waits until it is Available and returns it as described.
// If the HaVip was created but the wait fails, the returned HaVip is
// non-nil and carries at least the ID, so the caller can record it.
func (c *Client) CreateHaVip(ctx context.Context, in CreateHaVipInput) (*HaVip, error) {
	const op = "CreateHaVip"
	if in.VSwitchID == "" {
		return nil, invalid(op, "a vSwitch ID is required")
	}
	for k := range in.Tags {
		if k == "" {
			return nil, invalid(op, "tag keys must not be empty")
		}
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	token := newClientToken()
	var tags []vpc.CreateHaVipTag
	for _, k := range slices.Sorted(maps.Keys(in.Tags)) {
		tags = append(tags, vpc.CreateHaVipTag{Key: k, Value: in.Tags[k]})
	}
	var id string
	changed := c.changing(nil, nil)
	c.listing.startCreate()
	err := c.settleVPC(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateCreateHaVipRequest()
		req.ClientToken = token
		req.VSwitchId = in.VSwitchID
		req.IpAddress = in.IPAddress
		req.Name = in.Name
		req.Description = in.Description
		req.ResourceGroupId = in.ResourceGroupID
		if len(tags) > 0 {
			req.Tag = &tags
		}
		resp, err := send(cli, req, vpc.CreateCreateHaVipResponse)
		if err != nil {
			return "", err
		}
		id = resp.HaVipId
		return resp.RequestId, nil
	}, nil)
	c.listing.endCreate(id, err, c.haVipEpoch.Load())
	changed()
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, &Error{Op: op, Class: ClassUnknown, Message: "the answer carried no HaVipId"}
	}
	if in.Created != nil {
		in.Created(id)
	}
	return c.waitHaVipAvailable(ctx, op, id)
}

// ModifyHaVip changes name and/or description (nil leaves one unchanged).
// The API takes 1–255 characters and the SDK drops empty strings, so an
// empty value cannot be sent: it is refused rather than silently ignored.
func (c *Client) ModifyHaVip(ctx context.Context, id string, name, description *string) error {
	const op = "ModifyHaVipAttribute"
	if name == nil && description == nil {
		return nil
	}
	if (name != nil && *name == "") || (description != nil && *description == "") {
		return invalid(op, "the API cannot set an empty name or description (it takes 1 to 255 characters)")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	unlock, err := c.locks.lock(ctx, op, id)
	if err != nil {
		return err
	}
	defer unlock()
	token := newClientToken()
	defer c.changing([]string{id}, nil)()
	return c.settleVPC(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateModifyHaVipAttributeRequest()
		req.ClientToken = token
		req.HaVipId = id
		if name != nil {
			req.Name = *name
		}
		if description != nil {
			req.Description = *description
		}
		return answered(cli, req, vpc.CreateModifyHaVipAttributeResponse)
	}, nil)
}

// DeleteHaVip deletes and waits until the HaVip is gone; a HaVip already
// gone is success.
//
// IncorrectStatus from DeleteHaVip means either "busy right now" or "still
// has members" (the API accepts a delete only when Available). The two are
// told apart by describing the HaVip: in transition ⇒ retry; members or an
// EIP still attached ⇒ a ClassInvalid error at once, since waiting will
// not remove them; Deleting ⇒ an earlier attempt got through, just wait.
func (c *Client) DeleteHaVip(ctx context.Context, id string) error {
	const op = "DeleteHaVip"
	if id == "" {
		return invalid(op, "a HaVip ID is required")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	unlock, err := c.locks.lock(ctx, op, id)
	if err != nil {
		return err
	}
	defer unlock()
	token := newClientToken()
	changed := c.changing([]string{id}, nil)
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		if e.Class == ClassNotFound {
			return settled, nil
		}
		if e.Class != ClassConflict {
			return fail, e
		}
		if e.Code != rulebook.CodeIncorrectStatus && e.Code != rulebook.CodeIncorrectHaVipStatus {
			return retry, nil
		}
		h, err := c.FreshHaVip(ctx, id)
		switch {
		case IsNotFound(err):
			return settled, nil
		case err != nil:
			return retry, nil
		case h.Status == rulebook.StatusDeleting:
			return settled, nil
		case inTransition(h.Status):
			return retry, nil
		case len(h.AssociatedInstances) > 0:
			return fail, lasting(e, fmt.Sprintf("HaVip %s still has members %s; disassociate them first",
				id, strings.Join(h.AssociatedInstances, ", ")))
		case len(h.AssociatedEIPAddresses) > 0:
			return fail, lasting(e, fmt.Sprintf("HaVip %s is still bound to EIP %s; disassociate it first",
				id, strings.Join(h.AssociatedEIPAddresses, ", ")))
		}
		return retry, nil
	}
	err = c.settleVPC(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateDeleteHaVipRequest()
		req.ClientToken = token
		req.HaVipId = id
		return answered(cli, req, vpc.CreateDeleteHaVipResponse)
	}, judge)
	changed()
	if err != nil {
		return err
	}
	return c.waitHaVipDeleted(ctx, op, id)
}

// lasting turns a conflict answer that waiting will not resolve into an
// invalid-request error, keeping the service's code and RequestId.
func lasting(e *Error, why string) *Error {
	out := *e
	out.Class = ClassInvalid
	out.Message = e.Message + ": " + why
	return &out
}

// MoveHaVipResourceGroup moves a HaVip to another resource group in place:
// its ID, address and members stay. MoveResourceGroup takes no
// ClientToken: a move whose answer was lost is sent again only if the
// HaVip is not in the group yet (sendUnlessApplied), since a resent move
// that arrives after a later one would undo it.
func (c *Client) MoveHaVipResourceGroup(ctx context.Context, id, group string) error {
	const op = "MoveResourceGroup"
	if id == "" || group == "" {
		return invalid(op, "a HaVip ID and a resource group ID are required")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	unlock, err := c.locks.lock(ctx, op, id)
	if err != nil {
		return err
	}
	defer unlock()
	defer c.changing([]string{id}, nil)()
	return c.sendUnlessApplied(ctx, op, id, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateMoveResourceGroupRequest()
		req.ResourceType = "HaVip"
		req.ResourceId = id
		req.NewResourceGroupId = group
		return answered(cli, req, vpc.CreateMoveResourceGroupResponse)
	}, func(h *HaVip) bool { return h.ResourceGroupID == group })
}
