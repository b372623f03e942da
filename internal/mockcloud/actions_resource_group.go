package mockcloud

import (
	"strings"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// moveResourceGroup serves MoveResourceGroup for HaVips, the one resource
// type the mock holds groups for. The mock keeps no list of an account's
// resource groups (CreateHaVip takes any group too), so a group ID is
// judged by its form alone.
func moveResourceGroup(c *call) (any, *APIError) {
	// api-meta spells the type HaVip; the HaVip guide writes HAVIP.
	if t := c.p.str("ResourceType"); !strings.EqualFold(t, "HaVip") {
		return nil, badRequest("InvalidResourceType.NotSupported", "ResourceType %q is not supported by this mock; it serves HaVip.", t)
	}
	group := c.p.str("NewResourceGroupId")
	if !strings.HasPrefix(group, "rg-") || len(group) < 4 {
		return nil, notFound(rulebook.CodeResourceGroupNotFound, "The resource group %q does not exist.", group)
	}
	h, err := c.havip(c.p.str("ResourceId"))
	if err != nil {
		return nil, err
	}
	if h.Pending != nil {
		return nil, badRequest(rulebook.CodeIncorrectStatus, "The HaVip %s is %s; its resource group can be changed only when it is Available or InUse.", h.ID, h.shownStatus())
	}
	h.ResourceGroupID = group
	return requestOnly{c.req.requestID}, nil
}
