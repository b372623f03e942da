package alicloud

import (
	"context"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

func inTransition(status string) bool {
	switch status {
	case rulebook.StatusCreating, rulebook.StatusAssociating, rulebook.StatusUnassociating, rulebook.StatusDeleting, rulebook.StatusReleasing:
		return true
	}
	return false
}

// statusFunc reads one object for a waiter: the object and its status, or
// (nil, "", nil) when it does not exist, so that each waiter decides what
// "gone" means for it (not created yet, or deleted).
type statusFunc[T any] func(ctx context.Context) (*T, string, error)

func (c *Client) statusHaVip(id string) statusFunc[HaVip] {
	return func(ctx context.Context) (*HaVip, string, error) {
		h, err := c.FreshHaVip(ctx, id)
		if IsNotFound(err) {
			return nil, "", nil
		}
		if err != nil {
			return nil, "", err
		}
		return h, h.Status, nil
	}
}

func (c *Client) statusEIP(allocationID string) statusFunc[EIP] {
	return func(ctx context.Context) (*EIP, string, error) {
		e, err := c.FreshEIP(ctx, allocationID)
		if IsNotFound(err) {
			return nil, "", nil
		}
		if err != nil {
			return nil, "", err
		}
		return e, e.Status, nil
	}
}
