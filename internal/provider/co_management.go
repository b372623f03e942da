package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// Refusals of a HaVip managed two ways in one configuration: havip_members
// owns the whole set, so havip_attachment and havip_eip_association must
// not manage the same HaVip's members or EIP (see claim).

// coManaged refuses a plan of a resource whose HaVip another resource of
// the configuration (claim c) also manages.
func coManaged(havipID string, c claim) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("havip_id"), "HaVip managed by another resource",
		fmt.Sprintf("HaVip %s is also managed by a %s resource in this configuration. havip_members owns the whole set of members "+
			"(and, with eip_allocation_id, the EIP), so the two would undo each other's changes on every apply. Manage each HaVip one way: "+
			"list every member (and the EIP) in havip_members, or use havip_attachment and havip_eip_association alone. To move members "+
			"into havip_members, drop the other resources from state (terraform state rm, or a removed block with destroy = false) and import the set.",
			havipID, c.owner))
	return diags
}

func coManagedMembers(havipID string, extra []string) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddAttributeError(path.Root("member_ids"), "HaVip has members managed elsewhere",
		fmt.Sprintf("HaVip %s already has members not in member_ids: %s. havip_members owns the whole set and would detach them; they "+
			"are probably managed by havip_attachment resources or another configuration. List them in member_ids and import the set "+
			"(terraform import <address> %s) after removing their other management, or leave this HaVip to havip_attachment.",
			havipID, strings.Join(extra, ", "), havipID))
	return diags
}
