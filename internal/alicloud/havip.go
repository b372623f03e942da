package alicloud

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// HaVip statuses as the API spells them.
const (
	statusCreating      = "Creating"
	statusAvailable     = "Available"
	statusInUse         = "InUse"
	statusAssociating   = "Associating"
	statusUnassociating = "Unassociating"
	statusDeleting      = "Deleting"
	statusReleasing     = "Releasing"
)

func inTransition(status string) bool {
	switch status {
	case statusCreating, statusAssociating, statusUnassociating, statusDeleting, statusReleasing:
		return true
	}
	return false
}

// maxNotFoundPolls is how long a freshly created HaVip may stay invisible
// to DescribeHaVips (eventual consistency) before the wait gives up.
const maxNotFoundPolls = 10

// maxStablePolls is how long an association may stay missing while the
// HaVip (or EIP) looks settled before the wait stops pretending it will
// appear: a refused association must not wait out the whole timeout.
const maxStablePolls = 10

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

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
	for _, k := range sortedKeys(in.Tags) {
		tags = append(tags, vpc.CreateHaVipTag{Key: k, Value: in.Tags[k]})
	}
	var id string
	err := c.untilSettled(ctx, op, func(ctx context.Context) error {
		return c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
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
			resp, err := cli.CreateHaVip(req)
			if err != nil {
				return "", err
			}
			id = resp.HaVipId
			return resp.RequestId, nil
		})
	}, nil)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, &Error{Op: op, Class: ClassUnknown, Message: "the answer carried no HaVipId"}
	}
	h := &HaVip{ID: id}
	notFound := 0
	err = c.waitFor(ctx, op, "HaVip "+id+" to become Available", func(ctx context.Context) (bool, string, error) {
		got, err := c.DescribeHaVip(ctx, id)
		if IsNotFound(err) && notFound < maxNotFoundPolls {
			notFound++
			return false, "not listed yet", nil
		}
		if err != nil {
			return false, "", err
		}
		h = got
		return got.Status == statusAvailable, got.Status, nil
	})
	if err != nil {
		return h, err
	}
	return h, nil
}

func haVipFilter(key string, values ...string) vpc.DescribeHaVipsFilter {
	v := append([]string(nil), values...)
	return vpc.DescribeHaVipsFilter{Key: key, Value: &v}
}

func fromSDKHaVip(s vpc.HaVip) HaVip {
	h := HaVip{
		ID: s.HaVipId, RegionID: s.RegionId, VpcID: s.VpcId, VSwitchID: s.VSwitchId, IPAddress: s.IpAddress,
		Status: s.Status, MasterInstanceID: s.MasterInstanceId, AssociatedInstanceType: s.AssociatedInstanceType,
		AssociatedInstances:    append([]string{}, s.AssociatedInstances.AssociatedInstance...),
		AssociatedEIPAddresses: append([]string{}, s.AssociatedEipAddresses.AssociatedEipAddresse...),
		Name:                   s.Name, Description: s.Description, CreateTime: s.CreateTime, ResourceGroupID: s.ResourceGroupId,
		Tags: map[string]string{},
	}
	for _, t := range s.Tags.Tag {
		h.Tags[t.Key] = t.Value
	}
	return h
}

// describeHaVips is one DescribeHaVips page.
func (c *Client) describeHaVips(ctx context.Context, filters []vpc.DescribeHaVipsFilter, page, size int) (*vpc.DescribeHaVipsResponse, error) {
	var out *vpc.DescribeHaVipsResponse
	err := c.vpcCall(ctx, "DescribeHaVips", func(cli *vpc.Client) (string, error) {
		req := vpc.CreateDescribeHaVipsRequest()
		if len(filters) > 0 {
			f := append([]vpc.DescribeHaVipsFilter(nil), filters...)
			req.Filter = &f
		}
		req.PageNumber = requestsInt(page)
		req.PageSize = requestsInt(size)
		resp, err := cli.DescribeHaVips(req)
		if err != nil {
			return "", err
		}
		out = resp
		return resp.RequestId, nil
	})
	return out, err
}

// DescribeHaVip reads one HaVip, filtering DescribeHaVips by its ID; a
// HaVip that is gone is a ClassNotFound error.
func (c *Client) DescribeHaVip(ctx context.Context, id string) (*HaVip, error) {
	const op = "DescribeHaVips"
	if id == "" {
		return nil, invalid(op, "a HaVip ID is required")
	}
	resp, err := c.describeHaVips(ctx, []vpc.DescribeHaVipsFilter{haVipFilter("HaVipId", id)}, 1, 10)
	if err != nil {
		return nil, err
	}
	for _, s := range resp.HaVips.HaVip {
		if s.HaVipId == id {
			h := fromSDKHaVip(s)
			return &h, nil
		}
	}
	return nil, &Error{Op: op, Class: ClassNotFound, Code: "InvalidHaVipId.NotFound", RequestID: resp.RequestId,
		Message: fmt.Sprintf("HaVip %s does not exist in region %s", id, c.cfg.Region)}
}

const (
	pageSize = 50 // DescribeHaVips' maximum
	// maxPages stops a paging loop that a misbehaving answer (a total
	// that never drops, pages that never shorten) would keep going.
	maxPages = 1000
	// idsPerFilter keeps the HaVipId filter, whose limit is undocumented,
	// to a modest number of values per request.
	idsPerFilter = 20
)

// ListHaVips pages through every HaVip matching f.
func (c *Client) ListHaVips(ctx context.Context, f HaVipFilter) ([]HaVip, error) {
	var base []vpc.DescribeHaVipsFilter
	if f.VpcID != "" {
		base = append(base, haVipFilter("VpcId", f.VpcID))
	}
	if f.VSwitchID != "" {
		base = append(base, haVipFilter("VSwitchId", f.VSwitchID))
	}
	if f.IPAddress != "" {
		base = append(base, haVipFilter("HaVipAddress", f.IPAddress))
	}
	queries := [][]vpc.DescribeHaVipsFilter{base}
	if len(f.IDs) > 0 {
		queries = nil
		for i := 0; i < len(f.IDs); i += idsPerFilter {
			chunk := f.IDs[i:min(i+idsPerFilter, len(f.IDs))]
			q := append(append([]vpc.DescribeHaVipsFilter(nil), base...), haVipFilter("HaVipId", chunk...))
			queries = append(queries, q)
		}
	}
	out := []HaVip{}
	seen := map[string]bool{}
	for _, filters := range queries {
		read := 0
		for page := 1; page <= maxPages; page++ {
			resp, err := c.describeHaVips(ctx, filters, page, pageSize)
			if err != nil {
				return nil, err
			}
			items := resp.HaVips.HaVip
			read += len(items)
			for _, s := range items {
				// A HaVip created or deleted while paging shifts the pages;
				// never report one twice.
				if !seen[s.HaVipId] {
					seen[s.HaVipId] = true
					out = append(out, fromSDKHaVip(s))
				}
			}
			if len(items) < pageSize || read >= resp.TotalCount {
				break
			}
		}
	}
	return out, nil
}

// CountHaVips counts the HaVips of the account in the region and of one VPC.
func (c *Client) CountHaVips(ctx context.Context, vpcID string) (account, vpcCount int, err error) {
	resp, err := c.describeHaVips(ctx, nil, 1, 1)
	if err != nil {
		return 0, 0, err
	}
	account = resp.TotalCount
	if vpcID == "" {
		return account, 0, nil
	}
	resp, err = c.describeHaVips(ctx, []vpc.DescribeHaVipsFilter{haVipFilter("VpcId", vpcID)}, 1, 1)
	if err != nil {
		return 0, 0, err
	}
	return account, resp.TotalCount, nil
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
	return c.untilSettled(ctx, op, func(ctx context.Context) error {
		return c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateModifyHaVipAttributeRequest()
			req.ClientToken = token
			req.HaVipId = id
			if name != nil {
				req.Name = *name
			}
			if description != nil {
				req.Description = *description
			}
			resp, err := cli.ModifyHaVipAttribute(req)
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		})
	}, nil)
}

// maxTagsPerCall is the API's limit of tags per TagResources call.
const maxTagsPerCall = 20

// SetHaVipTags adds or changes tags and removes keys.
func (c *Client) SetHaVipTags(ctx context.Context, id string, set map[string]string, remove []string) error {
	if id == "" {
		return invalid("TagResources", "a HaVip ID is required")
	}
	ctx, cancel := opContext(ctx)
	defer cancel()
	var drop []string
	for _, k := range remove {
		if _, overwritten := set[k]; !overwritten && k != "" {
			drop = append(drop, k)
		}
	}
	sort.Strings(drop)
	for i := 0; i < len(drop); i += maxTagsPerCall {
		keys := drop[i:min(i+maxTagsPerCall, len(drop))]
		err := c.untilSettled(ctx, "UnTagResources", func(ctx context.Context) error {
			return c.vpcCall(ctx, "UnTagResources", func(cli *vpc.Client) (string, error) {
				req := vpc.CreateUnTagResourcesRequest()
				req.ResourceType = "HAVIP"
				req.ResourceId = &[]string{id}
				k := append([]string(nil), keys...)
				req.TagKey = &k
				resp, err := cli.UnTagResources(req)
				if err != nil {
					return "", err
				}
				return resp.RequestId, nil
			})
		}, nil)
		if err != nil {
			return err
		}
	}
	keys := sortedKeys(set)
	for _, k := range keys {
		if k == "" {
			return invalid("TagResources", "tag keys must not be empty")
		}
	}
	for i := 0; i < len(keys); i += maxTagsPerCall {
		var tags []vpc.TagResourcesTag
		for _, k := range keys[i:min(i+maxTagsPerCall, len(keys))] {
			tags = append(tags, vpc.TagResourcesTag{Key: k, Value: set[k]})
		}
		err := c.untilSettled(ctx, "TagResources", func(ctx context.Context) error {
			return c.vpcCall(ctx, "TagResources", func(cli *vpc.Client) (string, error) {
				req := vpc.CreateTagResourcesRequest()
				req.ResourceType = "HAVIP"
				req.ResourceId = &[]string{id}
				t := append([]vpc.TagResourcesTag(nil), tags...)
				req.Tag = &t
				resp, err := cli.TagResources(req)
				if err != nil {
					return "", err
				}
				return resp.RequestId, nil
			})
		}, nil)
		if err != nil {
			return err
		}
	}
	return nil
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
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		if e.Class == ClassNotFound {
			return settled, nil
		}
		if e.Class != ClassConflict {
			return fail, e
		}
		if e.Code != "IncorrectStatus" && e.Code != "IncorrectHaVipStatus" {
			return retry, nil
		}
		h, err := c.DescribeHaVip(ctx, id)
		switch {
		case IsNotFound(err):
			return settled, nil
		case err != nil:
			return retry, nil
		case h.Status == statusDeleting:
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
	err = c.untilSettled(ctx, op, func(ctx context.Context) error {
		return c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateDeleteHaVipRequest()
			req.ClientToken = token
			req.HaVipId = id
			resp, err := cli.DeleteHaVip(req)
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		})
	}, judge)
	if err != nil {
		return err
	}
	return c.waitFor(ctx, op, "HaVip "+id+" to be deleted", func(ctx context.Context) (bool, string, error) {
		h, err := c.DescribeHaVip(ctx, id)
		if IsNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, "", err
		}
		return false, h.Status, nil
	})
}

// lasting turns a conflict answer that waiting will not resolve into an
// invalid-request error, keeping the service's code and RequestId.
func lasting(e *Error, why string) *Error {
	out := *e
	out.Class = ClassInvalid
	out.Message = e.Message + ": " + why
	return &out
}

func memberType(op, id, typ string) (string, error) {
	if typ == "" {
		typ = MemberTypeOf(id)
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
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		if e.Code == "OperationFailed.InstanceAlreadyAssociated" {
			// Only trust "already associated" once the HaVip lists the
			// member: the code alone could refer to something else.
			if h, err := c.DescribeHaVip(ctx, havipID); err == nil && h.HasMember(instanceID) {
				return settled, nil
			}
			return fail, e
		}
		return defaultJudge(ctx, e)
	}
	err = c.untilSettled(ctx, op, func(ctx context.Context) error {
		return c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateAssociateHaVipRequest()
			req.ClientToken = token
			req.HaVipId = havipID
			req.InstanceId = instanceID
			req.InstanceType = typ
			resp, err := cli.AssociateHaVip(req)
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		})
	}, judge)
	if err != nil {
		return nil, err
	}
	stable := 0
	var settledHaVip *HaVip
	err = c.waitFor(ctx, op, fmt.Sprintf("%s to be associated with HaVip %s", instanceID, havipID), func(ctx context.Context) (bool, string, error) {
		h, err := c.DescribeHaVip(ctx, havipID)
		if err != nil {
			return false, "", err
		}
		member := h.HasMember(instanceID)
		if member && h.Status == statusInUse {
			settledHaVip = h
			return true, "", nil
		}
		if !member && !inTransition(h.Status) {
			if stable++; stable >= maxStablePolls {
				return false, "", &Error{Op: op, Class: ClassConflict, Message: fmt.Sprintf(
					"the association did not take effect: HaVip %s is %s without member %s", havipID, h.Status, instanceID)}
			}
		}
		return false, fmt.Sprintf("%s, member listed: %t", h.Status, member), nil
	})
	// The waiter's last describe is the settled HaVip: callers need not
	// describe it again.
	return settledHaVip, err
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
	forceStr := "False" // a string in this API, not a Boolean
	if force {
		forceStr = "True"
	}
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		if e.Code == "ResourceNotAssociated" {
			return settled, nil
		}
		if e.Class != ClassConflict && e.Class != ClassNotFound {
			return fail, e
		}
		h, err := c.DescribeHaVip(ctx, havipID)
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
	err = c.untilSettled(ctx, op, func(ctx context.Context) error {
		return c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateUnassociateHaVipRequest()
			req.ClientToken = token
			req.HaVipId = havipID
			req.InstanceId = instanceID
			req.InstanceType = typ
			req.Force = forceStr
			resp, err := cli.UnassociateHaVip(req)
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		})
	}, judge)
	if err != nil {
		return err
	}
	return c.waitFor(ctx, op, fmt.Sprintf("%s to leave HaVip %s", instanceID, havipID), func(ctx context.Context) (bool, string, error) {
		h, err := c.DescribeHaVip(ctx, havipID)
		if IsNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, "", err
		}
		member := h.HasMember(instanceID)
		return !member && h.Status != statusUnassociating, fmt.Sprintf("%s, member listed: %t", h.Status, member), nil
	})
}

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
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		switch e.Code {
		case "InvalidAssociation.Duplicated", "IncorrectEipStatus":
			eip, err := c.DescribeEIP(ctx, allocationID)
			switch {
			case err != nil && e.Class == ClassConflict:
				return retry, nil
			case err != nil:
				return fail, e
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
	err = c.untilSettled(ctx, op, func(ctx context.Context) error {
		return c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateAssociateEipAddressRequest()
			req.ClientToken = token
			req.AllocationId = allocationID
			req.InstanceId = havipID
			req.InstanceType = "HaVip"
			resp, err := cli.AssociateEipAddress(req)
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		})
	}, judge)
	if err != nil {
		return nil, err
	}
	stable := 0
	var boundEIP *EIP
	err = c.waitFor(ctx, op, fmt.Sprintf("EIP %s to be bound to HaVip %s", allocationID, havipID), func(ctx context.Context) (bool, string, error) {
		eip, err := c.DescribeEIP(ctx, allocationID)
		if err != nil {
			return false, "", err
		}
		bound := eip.InstanceID == havipID
		if bound && eip.Status == statusInUse {
			boundEIP = eip
			return true, "", nil
		}
		if !bound && !inTransition(eip.Status) {
			if stable++; stable >= maxStablePolls {
				return false, "", &Error{Op: op, Class: ClassConflict, Message: fmt.Sprintf(
					"the association did not take effect: EIP %s is %s, bound to %q", allocationID, eip.Status, eip.InstanceID)}
			}
		}
		return false, fmt.Sprintf("%s, bound to %q", eip.Status, eip.InstanceID), nil
	})
	return boundEIP, err
}

// UnassociateEIP unbinds and waits until the EIP is Available; an EIP
// already unbound from this HaVip is success.
func (c *Client) UnassociateEIP(ctx context.Context, havipID, allocationID string) error {
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
	judge := func(ctx context.Context, e *Error) (verdict, error) {
		if e.Code == "InvalidAllocationId.NotFound" {
			return settled, nil
		}
		if e.Class != ClassConflict && e.Class != ClassNotFound && e.Code != "InvalidBindingStatus" {
			return fail, e
		}
		eip, err := c.DescribeEIP(ctx, allocationID)
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
	err = c.untilSettled(ctx, op, func(ctx context.Context) error {
		return c.vpcCall(ctx, op, func(cli *vpc.Client) (string, error) {
			req := vpc.CreateUnassociateEipAddressRequest()
			req.ClientToken = token
			req.AllocationId = allocationID
			req.InstanceId = havipID
			req.InstanceType = "HaVip"
			resp, err := cli.UnassociateEipAddress(req)
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		})
	}, judge)
	if err != nil {
		return err
	}
	return c.waitFor(ctx, op, fmt.Sprintf("EIP %s to leave HaVip %s", allocationID, havipID), func(ctx context.Context) (bool, string, error) {
		eip, err := c.DescribeEIP(ctx, allocationID)
		if IsNotFound(err) {
			return true, "", nil
		}
		if err != nil {
			return false, "", err
		}
		if eip.Status == statusAvailable {
			return true, "", nil
		}
		// Bound elsewhere by now (another configuration took it): it has
		// left this HaVip, which is all this operation promised.
		if eip.InstanceID != "" && eip.InstanceID != havipID && !inTransition(eip.Status) {
			return true, "", nil
		}
		return false, fmt.Sprintf("%s, bound to %q", eip.Status, eip.InstanceID), nil
	})
}
