package alicloud

import (
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// Config is everything needed to build a Client. The provider resolves
// attributes and environment variables into it.
type Config struct {
	Region        string
	AccessKey     string
	SecretKey     string
	SecurityToken string

	// Endpoints are host[:port], never URLs; empty means the public
	// endpoint of the region.
	VPCEndpoint string
	ECSEndpoint string
	// Protocol is "HTTPS" (default) or "HTTP" (the mock).
	Protocol string

	// MaxRetries bounds retries of one HTTP call on transport errors, 5xx
	// and throttling. Default 4; 0 is taken as the default, negative as none.
	MaxRetries int
	// RetryWaitMin/Max bound the exponential backoff (defaults 200 ms / 5 s).
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// ReadTimeout bounds one call including its retries (default 60 s).
	ReadTimeout time.Duration
	// PollMin/PollMax bound waiter polling: the first poll happens at once,
	// then after PollMin, doubling up to PollMax (defaults 200 ms / 5 s).
	PollMin time.Duration
	PollMax time.Duration

	UserAgent string

	// Credentials, when set, signs every request instead of the static
	// AccessKey fields above (SignIn.Source builds it). A call refused for
	// an expired session is sent again, once, after the source is built
	// again (a profile read again, a new AssumeRole).
	Credentials *CredentialSource
}

// Credentials are an AccessKey pair and, for an STS session, its token.
type Credentials struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
}

// HaVip as Describe returns it.
type HaVip struct {
	ID                     string
	RegionID               string
	VpcID                  string
	VSwitchID              string
	IPAddress              string
	Status                 string
	MasterInstanceID       string
	AssociatedInstanceType string
	AssociatedInstances    []string
	AssociatedEIPAddresses []string
	Name                   string
	Description            string
	CreateTime             string
	ResourceGroupID        string
	Tags                   map[string]string
}

// Deleting reports whether the HaVip is on its way out: DeleteHaVip has
// been accepted and the service is still removing it.
func (h *HaVip) Deleting() bool { return h.Status == rulebook.StatusDeleting }

// HasMember reports whether id is associated with the HaVip.
func (h *HaVip) HasMember(id string) bool {
	for _, m := range h.AssociatedInstances {
		if m == id {
			return true
		}
	}
	return false
}

type VSwitch struct {
	ID     string
	VpcID  string
	CIDR   string
	ZoneID string
	Status string
}

type Instance struct {
	ID        string
	VpcID     string
	VSwitchID string
	ZoneID    string
	Status    string
	PrivateIP string
}

type ENI struct {
	ID         string
	InstanceID string // empty when not attached
	VpcID      string
	VSwitchID  string
	Status     string
	Type       string // Primary or Secondary
	PrivateIP  string
}

type EIP struct {
	ID           string // allocation ID
	IPAddress    string
	Status       string
	InstanceID   string
	InstanceType string
	RegionID     string
}

// Unbinding reports whether the EIP is being unbound from its instance.
func (e *EIP) Unbinding() bool { return e.Status == rulebook.StatusUnassociating }

type CreateHaVipInput struct {
	VSwitchID       string
	IPAddress       string // empty: the service assigns one
	Name            string
	Description     string
	ResourceGroupID string
	Tags            map[string]string // sent with CreateHaVip, not after
	// Created, when set, is told the new HaVip's ID as soon as the service
	// has answered, before the wait for Available: the provider's quota
	// prediction stops counting the HaVip as planned once it is listed.
	Created func(id string)
}

// Member types as AssociateHaVip takes them.
const (
	MemberECS = rulebook.MemberECS
	MemberENI = rulebook.MemberENI
)
