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
	return statusOf(id, c.FreshHaVip, func(h *HaVip) string { return h.Status })
}

func (c *Client) statusEIP(allocationID string) statusFunc[EIP] {
	return statusOf(allocationID, c.FreshEIP, func(e *EIP) string { return e.Status })
}

// statusOf makes a waiter's read of one object from a fresh read and the
// object's status field; a NotFoundError is "does not exist".
func statusOf[T any](id string, read func(context.Context, string) (*T, error), status func(*T) string) statusFunc[T] {
	return func(ctx context.Context) (*T, string, error) {
		o, err := read(ctx, id)
		if IsNotFound(err) {
			return nil, "", nil
		}
		if err != nil {
			return nil, "", err
		}
		return o, status(o), nil
	}
}
