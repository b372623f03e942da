package alicloud

import (
	"context"
	"errors"
)

// Client is safe for concurrent use.
type Client struct {
	cfg Config
}

var errTODO = errors.New("alicloud: not implemented yet")

// New validates cfg and builds the SDK clients. It makes no API call.
func New(ctx context.Context, cfg Config) (*Client, error) { return &Client{cfg: cfg}, nil }

// Region is the configured region.
func (c *Client) Region() string { return c.cfg.Region }

// CreateHaVip creates a HaVip with one ClientToken reused across every
// retry, then waits until it is Available and returns it as described.
func (c *Client) CreateHaVip(ctx context.Context, in CreateHaVipInput) (*HaVip, error) {
	return nil, errTODO
}

// DescribeHaVip reads one HaVip, filtering DescribeHaVips by its ID; a
// HaVip that is gone is a ClassNotFound error.
func (c *Client) DescribeHaVip(ctx context.Context, id string) (*HaVip, error) { return nil, errTODO }

// ListHaVips pages through every HaVip matching f.
func (c *Client) ListHaVips(ctx context.Context, f HaVipFilter) ([]HaVip, error) { return nil, errTODO }

// CountHaVips counts the HaVips of the account in the region and of one VPC.
func (c *Client) CountHaVips(ctx context.Context, vpcID string) (account, vpc int, err error) {
	return 0, 0, errTODO
}

// ModifyHaVip changes name and/or description (nil leaves one unchanged).
func (c *Client) ModifyHaVip(ctx context.Context, id string, name, description *string) error {
	return errTODO
}

// SetHaVipTags adds or changes tags and removes keys.
func (c *Client) SetHaVipTags(ctx context.Context, id string, set map[string]string, remove []string) error {
	return errTODO
}

// DeleteHaVip deletes and waits until the HaVip is gone; a HaVip already
// gone is success.
func (c *Client) DeleteHaVip(ctx context.Context, id string) error { return errTODO }

// AssociateHaVip adds a member under the HaVip's lock and waits until the
// HaVip is InUse with the member listed.
func (c *Client) AssociateHaVip(ctx context.Context, havipID, instanceID, instanceType string) error {
	return errTODO
}

// UnassociateHaVip removes a member under the HaVip's lock and waits until
// the member is gone from the HaVip; a member already gone is success.
func (c *Client) UnassociateHaVip(ctx context.Context, havipID, instanceID, instanceType string, force bool) error {
	return errTODO
}

// AssociateEIP binds an EIP to a HaVip and waits until it is InUse there.
func (c *Client) AssociateEIP(ctx context.Context, havipID, allocationID string) error { return errTODO }

// UnassociateEIP unbinds and waits until the EIP is Available; an EIP
// already unbound from this HaVip is success.
func (c *Client) UnassociateEIP(ctx context.Context, havipID, allocationID string) error {
	return errTODO
}

func (c *Client) DescribeEIP(ctx context.Context, allocationID string) (*EIP, error) {
	return nil, errTODO
}
func (c *Client) DescribeVSwitch(ctx context.Context, id string) (*VSwitch, error) {
	return nil, errTODO
}
func (c *Client) DescribeInstance(ctx context.Context, id string) (*Instance, error) {
	return nil, errTODO
}
func (c *Client) DescribeENI(ctx context.Context, id string) (*ENI, error) { return nil, errTODO }
