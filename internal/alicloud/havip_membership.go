package alicloud

import (
	"context"
	"fmt"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

func memberType(op, id, typ string) (string, error) {
	if typ == "" {
		typ = rulebook.MemberTypeOf(id)
	}
	switch typ {
	case MemberECS, MemberENI:
		return typ, nil
	case "":
		return "", invalid(op, "cannot tell the member type of %q: expected an ECS instance (i-...) or an ENI (eni-...)", id)
	}
	return "", invalid(op, "member type %q is not %s or %s", typ, MemberECS, MemberENI)
}

// AssociateHaVip adds a member under the HaVip's lock and waits until the
// HaVip is InUse with the member listed.
func (c *Client) AssociateHaVip(ctx context.Context, havipID, instanceID, instanceType string) (*HaVip, error) {
	const op = "AssociateHaVip"
	typ, err := memberType(op, instanceID, instanceType)
	if err != nil {
		return nil, err
	}
	if havipID == "" {
		return nil, invalid(op, "a HaVip ID is required")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	unlock, err := c.locks.lock(ctx, op, havipID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	token := newClientToken()
	changed := c.changing([]string{havipID}, nil)
	ctx, sent := withSendRecord(ctx)
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		if e.Code == rulebook.CodeAlreadyAssociated {
			// "Already associated" is this operation's own work only when
			// an earlier request of it may have acted unseen (and the
			// service did not answer the retry from its token record), and
			// only once the HaVip lists the member. Otherwise another
			// operation made the association, and adopting it would let
			// two resources claim one member.
			if !sent.mayHaveActed() {
				return fail, alreadyMember(e, havipID, instanceID)
			}
			if h, err := c.FreshHaVip(ctx, havipID); err == nil && h.HasMember(instanceID) {
				return settled, nil
			}
			return fail, e
		}
		return defaultJudge(ctx, e)
	}
	err = c.settleVPC(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateAssociateHaVipRequest()
		req.ClientToken = token
		req.HaVipId = havipID
		req.InstanceId = instanceID
		req.InstanceType = typ
		return answered(cli, req, vpc.CreateAssociateHaVipResponse)
	}, judge)
	changed()
	if err != nil {
		return nil, err
	}
	// The waiter's last describe is the settled HaVip: callers need not
	// describe it again.
	return c.waitHaVipMemberAssociated(ctx, op, havipID, instanceID)
}

// UnassociateHaVip removes a member under the HaVip's lock and waits until
// the member is gone from the HaVip; a member already gone is success.
func (c *Client) UnassociateHaVip(ctx context.Context, havipID, instanceID, instanceType string, force bool) error {
	const op = "UnassociateHaVip"
	typ, err := memberType(op, instanceID, instanceType)
	if err != nil {
		return err
	}
	if havipID == "" {
		return invalid(op, "a HaVip ID is required")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	unlock, err := c.locks.lock(ctx, op, havipID)
	if err != nil {
		return err
	}
	defer unlock()
	token := newClientToken()
	changed := c.changing([]string{havipID}, nil)
	forceStr := "False" // a string in this API, not a Boolean
	if force {
		forceStr = "True"
	}
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		if e.Code == rulebook.CodeNotAssociated {
			return settled, nil
		}
		if e.Class != ClassConflict && e.Class != ClassNotFound {
			return fail, e
		}
		h, err := c.FreshHaVip(ctx, havipID)
		switch {
		case IsNotFound(err):
			return settled, nil // the HaVip is gone, and its members with it
		case err == nil && !h.HasMember(instanceID):
			return settled, nil
		case e.Class == ClassConflict:
			return retry, nil
		}
		return fail, e
	}
	err = c.settleVPC(ctx, op, func(cli *vpc.Client) (string, error) {
		req := vpc.CreateUnassociateHaVipRequest()
		req.ClientToken = token
		req.HaVipId = havipID
		req.InstanceId = instanceID
		req.InstanceType = typ
		req.Force = forceStr
		return answered(cli, req, vpc.CreateUnassociateHaVipResponse)
	}, judge)
	changed()
	if err != nil {
		return err
	}
	return c.waitHaVipMemberGone(ctx, op, havipID, instanceID)
}

// alreadyMember is the answer for an association someone else made.
func alreadyMember(e *Error, havipID, instanceID string) *Error {
	out := *e
	out.Message = fmt.Sprintf("%s is already a member of HaVip %s, associated by another operation, not by this one", instanceID, havipID)
	return &out
}
