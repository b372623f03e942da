package mockcloud

import (
	"net/netip"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// Member types, as the API spells them.
const (
	InstanceTypeEcs = rulebook.MemberECS
	InstanceTypeEni = rulebook.MemberENI
)

// Quota names accepted by fixtures, options and the set_quota event.
const (
	QuotaHaVipsPerAccount  = "havips_per_account"
	QuotaHaVipsPerVPC      = "havips_per_vpc"
	QuotaMembersPerHaVip   = "members_per_havip"
	QuotaHaVipsPerInstance = "havips_per_instance"
	QuotaEipsPerHaVip      = "eips_per_havip"
	// QuotaHaVipRoutesPerTable is vpc_quota_havip_custom_route_entry:
	// route entries with a HaVip next hop in one route table.
	QuotaHaVipRoutesPerTable = "havip_route_entries_per_table"
)

// DefaultQuotas are the limits of the HaVip user guide; all are adjustable
// in the mock because Alibaba adjusts them per account.
func DefaultQuotas() map[string]int {
	l := rulebook.DefaultLimits()
	return map[string]int{
		QuotaHaVipsPerAccount:    l.HaVipsPerAccount,
		QuotaHaVipsPerVPC:        l.HaVipsPerVPC,
		QuotaMembersPerHaVip:     l.MembersPerHaVip,
		QuotaHaVipsPerInstance:   l.HaVipsPerInstance,
		QuotaEipsPerHaVip:        l.EIPsPerHaVip,
		QuotaHaVipRoutesPerTable: l.HaVipRoutesPerTable,
	}
}

// limits are the account's quotas in the rulebook's terms.
func (a *account) limits() rulebook.Limits {
	return rulebook.Limits{
		HaVipsPerAccount:    a.quotas[QuotaHaVipsPerAccount],
		HaVipsPerVPC:        a.quotas[QuotaHaVipsPerVPC],
		MembersPerHaVip:     a.quotas[QuotaMembersPerHaVip],
		HaVipsPerInstance:   a.quotas[QuotaHaVipsPerInstance],
		EIPsPerHaVip:        a.quotas[QuotaEipsPerHaVip],
		HaVipRoutesPerTable: a.quotas[QuotaHaVipRoutesPerTable],
	}
}

type vpcRec struct {
	ID, Region, CIDR, Name string
	Created                time.Time
}

type vswitchRec struct {
	ID, VpcID, Region, Zone, CIDR, Name string
	Created                             time.Time
	prefix                              netip.Prefix
}

type instanceRec struct {
	ID, Region, Zone, VSwitchID, VpcID, Name, PrivateIP, Status string
	PrimaryENI                                                  string
	Created                                                     time.Time
}

type eniRec struct {
	ID, Region, Zone, VSwitchID, VpcID, PrivateIP, InstanceID, Name, Type, Mac string
	Created                                                                    time.Time
}

// pending is an asynchronous transition: the status a resource shows until
// it settles, by time or after a number of describes.
type pending struct {
	Shown     string    `json:"shown"`
	Final     string    `json:"final"`
	At        time.Time `json:"at,omitempty"`
	Describes int       `json:"describes,omitempty"`
	Gone      bool      `json:"gone,omitempty"` // settles into deletion
}

type havipRec struct {
	ID, Region, VpcID, VSwitchID, IP, Name, Description, ResourceGroupID string
	Status                                                               string
	Master                                                               string
	MemberType                                                           string
	Members                                                              []string
	EIPs                                                                 []string // allocation IDs
	Tags                                                                 []tagKV
	Created                                                              time.Time
	Pending                                                              *pending
}

type eipRec struct {
	ID, Region, IP, Name, Description, Bandwidth, ISP, ChargeType, InternetChargeType, ResourceGroupID string
	Status                                                                                             string
	InstanceID, InstanceType                                                                           string
	Created                                                                                            time.Time
	Pending                                                                                            *pending
}

type tagKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}
