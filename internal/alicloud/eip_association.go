package alicloud

import (
	"context"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// AssociateEIP binds an EIP to a HaVip, waits until it is InUse there
// and returns it as the waiter last saw it.
func (c *Client) AssociateEIP(ctx context.Context, havipID, allocationID string) (*EIP, error) {
	const op = "AssociateEipAddress"
	if havipID == "" || allocationID == "" {
		return nil, invalid(op, "a HaVip ID and an EIP allocation ID are required")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	unlock, err := c.locks.lock(ctx, op, havipID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	token := newClientToken()
	changed := c.changing([]string{havipID}, []string{allocationID})
	ctx, sent := withSendRecord(ctx)
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		switch e.Code {
		case rulebook.CodeEIPDuplicated, rulebook.CodeIncorrectEIPStatus:
			eip, err := c.FreshEIP(ctx, allocationID)
			switch {
			case err != nil && e.Class == ClassConflict:
				return retry, nil
			case err != nil:
				return fail, e
			case eip.InstanceID == havipID && !sent.mayHaveActed():
				// Bound here, but not by a request of this operation.
				out := *e
				out.Message = fmt.Sprintf("EIP %s is already bound to HaVip %s, by another operation, not by this one", allocationID, havipID)
				return fail, &out
			case eip.InstanceID == havipID:
				return settled, nil
			case e.Class == ClassConflict && inTransition(eip.Status):
				return retry, nil
			case e.Class == ClassConflict:
				return fail, lasting(e, fmt.Sprintf("EIP %s is %s, bound to %q", allocationID, eip.Status, eip.InstanceID))
			}
			return fail, e
		}
		return defaultJudge(ctx, e)
	}
	err = c.settleVPC(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateAssociateEipAddressRequest()
		req.ClientToken = token
		req.AllocationId = allocationID
		req.InstanceId = havipID
		req.InstanceType = "HaVip"
		return answered(cli, req, vpc.CreateAssociateEipAddressResponse)
	}, judge)
	changed()
	if err != nil {
		return nil, err
	}
	return c.waitEIPBound(ctx, op, allocationID, havipID)
}

// UnassociateEIP unbinds and waits until the EIP is Available; an EIP
// already unbound from this HaVip is success. force sends Force=true.
func (c *Client) UnassociateEIP(ctx context.Context, havipID, allocationID string, force bool) error {
	const op = "UnassociateEipAddress"
	if havipID == "" || allocationID == "" {
		return invalid(op, "a HaVip ID and an EIP allocation ID are required")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	unlock, err := c.locks.lock(ctx, op, havipID)
	if err != nil {
		return err
	}
	defer unlock()
	token := newClientToken()
	changed := c.changing([]string{havipID}, []string{allocationID})
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		if e.Code == rulebook.CodeAllocationNotFound {
			return settled, nil
		}
		if e.Class != ClassConflict && e.Class != ClassNotFound && e.Code != "InvalidBindingStatus" {
			return fail, e
		}
		eip, err := c.FreshEIP(ctx, allocationID)
		switch {
		case IsNotFound(err):
			return settled, nil
		case err == nil && eip.InstanceID != havipID:
			return settled, nil // not (or no longer) ours; the wait sees it settle
		case e.Class == ClassConflict:
			return retry, nil
		}
		return fail, e
	}
	err = c.settleVPC(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateUnassociateEipAddressRequest()
		req.ClientToken = token
		req.AllocationId = allocationID
		req.InstanceId = havipID
		req.InstanceType = "HaVip"
		if force {
			req.Force = requests.NewBoolean(true)
		}
		return answered(cli, req, vpc.CreateUnassociateEipAddressResponse)
	}, judge)
	changed()
	if err != nil {
		return err
	}
	return c.waitEIPLeftHaVip(ctx, op, allocationID, havipID)
}
