package rulebook

import (
	"fmt"
	"strings"
)

// Limits are the HaVip user guide's quotas (havip-api.md §2). Alibaba
// adjusts the per-account, per-VPC and route-entry ones in Quota Center,
// so both the mock and the provider take them as settings with these
// defaults.
type Limits struct {
	HaVipsPerAccount    int // adjustable
	HaVipsPerVPC        int // adjustable
	MembersPerHaVip     int // ECS instances or ENIs, never mixed
	HaVipsPerInstance   int
	EIPsPerHaVip        int
	HaVipRoutesPerTable int // vpc_quota_havip_custom_route_entry, adjustable
}

// DefaultLimits are the documented values.
func DefaultLimits() Limits {
	return Limits{
		HaVipsPerAccount:    50,
		HaVipsPerVPC:        50,
		MembersPerHaVip:     10,
		HaVipsPerInstance:   5,
		EIPsPerHaVip:        1,
		HaVipRoutesPerTable: 5,
	}
}

// CheckHaVipQuota refuses one more HaVip when the account (in its region)
// or the VPC already holds as many as its limit allows. inAccount and
// inVPC count the HaVips that exist or are planned before this one.
func (l Limits) CheckHaVipQuota(inAccount, inVPC int, vpcID string) *Violation {
	if inAccount >= l.HaVipsPerAccount {
		return &Violation{Code: CodeHaVipQuota, Field: "VSwitchId", Title: "HaVip quota of the account reached",
			Message: fmt.Sprintf("The account already has %d HaVips and the limit is %d HaVips per account.", inAccount, l.HaVipsPerAccount)}
	}
	if inVPC >= l.HaVipsPerVPC {
		return &Violation{Code: CodeHaVipQuota, Field: "VSwitchId", Title: "HaVip quota of the VPC reached",
			Message: fmt.Sprintf("VPC %s already has %d HaVips and the limit is %d HaVips per VPC.", vpcID, inVPC, l.HaVipsPerVPC)}
	}
	return nil
}

// CheckMemberCount refuses memberID when the HaVip already has others (its
// members besides this one) as many as the limit allows.
func (l Limits) CheckMemberCount(havipID, memberID string, others []string) *Violation {
	if len(others) < l.MembersPerHaVip {
		return nil
	}
	return &Violation{Code: CodeMembersPerHaVip, Field: "HaVipId", Title: "Too many HaVip members",
		Message: fmt.Sprintf("HaVip %s would have %d members with %s (%s); a HaVip takes at most %d ECS instances or ENIs.",
			havipID, len(others)+1, memberID, strings.Join(others, ", "), l.MembersPerHaVip)}
}

// CheckHaVipsOnInstance refuses an association that would make the member
// belong to more HaVips than the limit; havips lists them all, the new
// one included.
func (l Limits) CheckHaVipsOnInstance(memberID string, havips []string) *Violation {
	if len(havips) <= l.HaVipsPerInstance {
		return nil
	}
	return &Violation{Code: CodeHaVipsPerInstance, Field: "InstanceId", Title: "Too many HaVips on the instance",
		Message: fmt.Sprintf("%s would be a member of %d HaVips (%s); an instance takes at most %d HaVips.",
			memberID, len(havips), strings.Join(havips, ", "), l.HaVipsPerInstance)}
}

// CheckEIPCount refuses one more EIP when the HaVip already has bound (the
// EIPs bound or planned before this one) as many as the limit allows.
func (l Limits) CheckEIPCount(havipID string, bound []string) *Violation {
	if len(bound) < l.EIPsPerHaVip {
		return nil
	}
	return &Violation{Code: CodeEIPDuplicated, Field: "InstanceId", Title: "HaVip already has an EIP",
		Message: fmt.Sprintf("HaVip %s already has EIP %s; a HaVip takes at most %d EIP.", havipID, strings.Join(bound, ", "), l.EIPsPerHaVip)}
}

// CheckHaVipRouteEntries refuses one more route entry with a HaVip next hop
// in a route table that already has existing of them.
func (l Limits) CheckHaVipRouteEntries(tableID string, existing int) *Violation {
	if existing < l.HaVipRoutesPerTable {
		return nil
	}
	return &Violation{Code: CodeHaVipRouteEntries, Field: "RouteTableId", Title: "Too many HaVip route entries",
		Message: fmt.Sprintf("There can be %d route entry to HaVip at most in one route table; route table %s has %d.", l.HaVipRoutesPerTable, tableID, existing)}
}
