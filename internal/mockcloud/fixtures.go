package mockcloud

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"time"
)

// Fixtures declare the world every account starts with: regions, networks,
// custom route tables, instances, ENIs, EIPs and optionally HaVips (to pre-fill a quota, say).
// Omitted IDs are generated from the server's seed.
type Fixtures struct {
	Version      int                   `json:"version"`
	Regions      []string              `json:"regions"`
	Quotas       map[string]int        `json:"quotas,omitempty"`
	AutoMaster   bool                  `json:"auto_master,omitempty"`
	Transitions  map[string]Transition `json:"transitions,omitempty"`
	EIPPool      string                `json:"eip_pool,omitempty"`
	VPCs         []FixtureVPC          `json:"vpcs"`
	VSwitches    []FixtureVSwitch      `json:"vswitches"`
	Instances    []FixtureInstance     `json:"instances"`
	ENIs         []FixtureENI          `json:"enis,omitempty"`
	EIPs         []FixtureEIP          `json:"eips,omitempty"`
	HaVips       []FixtureHaVip        `json:"havips,omitempty"`
	RouteTables  []FixtureRouteTable   `json:"route_tables,omitempty"`  // Custom ones; every VPC has a System table
	RouteEntries []FixtureRouteEntry   `json:"route_entries,omitempty"` // with a HaVip next hop
	// Credentials are registered besides the server's own: RAM users
	// with a policy, STS sessions. Their accounts start from these fixtures.
	Credentials []Credential `json:"credentials,omitempty"`
	// Roles, OIDC providers and the ECS instance role are the identity
	// side of every account (roles.go, oidc.go, metadata.go): the same
	// roles exist in each account, and ${AccountId} in a trust policy is
	// the role's own account.
	Roles         []FixtureRole         `json:"roles,omitempty"`
	OIDCProviders []FixtureOIDCProvider `json:"oidc_providers,omitempty"`
	// EcsRamRole is the role the metadata service hands out, in the
	// default (first) account; its trust policy must allow the Service
	// ecs.aliyuncs.com.
	EcsRamRole string `json:"ecs_ram_role,omitempty"`
	// MinSessionDuration (tests only) lowers the documented 900 s floor
	// of DurationSeconds, so a test can ask for a session it sees renewed.
	MinSessionDuration Duration `json:"min_session_duration,omitempty"`
	// SessionDurationCap (tests only) makes every session issued last at
	// most this long, whatever DurationSeconds asked: the libraries refuse
	// to ask for less than 900 s, so this is how a test of a real client
	// sees an STS session renewed within its run. It also sets the length
	// of metadata and credentials-URI sessions (3600 s otherwise).
	SessionDurationCap Duration `json:"session_duration_cap,omitempty"`
}

type FixtureVPC struct {
	ID     string `json:"id,omitempty"`
	Region string `json:"region,omitempty"`
	CIDR   string `json:"cidr"`
	Name   string `json:"name,omitempty"`
}

type FixtureVSwitch struct {
	ID    string `json:"id,omitempty"`
	VpcID string `json:"vpc_id"`
	Zone  string `json:"zone,omitempty"`
	CIDR  string `json:"cidr"`
	Name  string `json:"name,omitempty"`
}

type FixtureInstance struct {
	ID        string `json:"id,omitempty"`
	VSwitchID string `json:"vswitch_id"`
	PrivateIP string `json:"private_ip"`
	Status    string `json:"status,omitempty"` // Running by default
	Name      string `json:"name,omitempty"`
}

type FixtureENI struct {
	ID         string `json:"id,omitempty"`
	VSwitchID  string `json:"vswitch_id"`
	PrivateIP  string `json:"private_ip"`
	InstanceID string `json:"instance_id,omitempty"` // empty: not attached
	Name       string `json:"name,omitempty"`
}

type FixtureEIP struct {
	ID        string `json:"id,omitempty"`
	Region    string `json:"region,omitempty"`
	IP        string `json:"ip,omitempty"`
	Name      string `json:"name,omitempty"`
	Bandwidth string `json:"bandwidth,omitempty"`
}

type FixtureHaVip struct {
	ID        string   `json:"id,omitempty"`
	VSwitchID string   `json:"vswitch_id"`
	IP        string   `json:"ip,omitempty"`
	Name      string   `json:"name,omitempty"`
	Members   []string `json:"members,omitempty"`
	Master    string   `json:"master,omitempty"`
	EIPs      []string `json:"eips,omitempty"` // allocation IDs
}

// Transition says how long an asynchronous status (Creating, Associating…)
// stays visible: Mode "immediate" (default), "delay" (Delay of clock time)
// or "describes" (the next Describes describe calls still show it).
type Transition struct {
	Mode      string   `json:"mode"`
	Delay     Duration `json:"delay,omitempty"`
	Describes int      `json:"describes,omitempty"`
}

// Duration is a time.Duration that reads and writes "2s" in JSON.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("duration must be a string like \"2s\": %w", err)
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func (t Transition) validate() error {
	switch t.Mode {
	case "", "immediate":
	case "delay":
		if t.Delay <= 0 {
			return fmt.Errorf("transition mode delay needs a positive delay")
		}
	case "describes":
		if t.Describes <= 0 {
			return fmt.Errorf("transition mode describes needs describes > 0")
		}
	default:
		return fmt.Errorf("unknown transition mode %q (immediate, delay, describes)", t.Mode)
	}
	return nil
}

// SeedFixtures is the topology of the HaVip guide: one VPC, vSwitch
// 192.168.0.0/24, ECS instances at .25 and .26, and one EIP.
func SeedFixtures() *Fixtures {
	return &Fixtures{
		Version: 1,
		Regions: []string{"cn-hangzhou"},
		VPCs:    []FixtureVPC{{ID: "vpc-bp1seedvpc000000000001", Region: "cn-hangzhou", CIDR: "192.168.0.0/16", Name: "havip-seed"}},
		VSwitches: []FixtureVSwitch{
			{ID: "vsw-bp1seedvsw000000000001", VpcID: "vpc-bp1seedvpc000000000001", Zone: "cn-hangzhou-h", CIDR: "192.168.0.0/24", Name: "havip-seed"},
		},
		Instances: []FixtureInstance{
			{ID: "i-bp1seedecs0000000000001", VSwitchID: "vsw-bp1seedvsw000000000001", PrivateIP: "192.168.0.25", Name: "ecs1"},
			{ID: "i-bp1seedecs0000000000002", VSwitchID: "vsw-bp1seedvsw000000000001", PrivateIP: "192.168.0.26", Name: "ecs2"},
		},
		EIPs: []FixtureEIP{{ID: "eip-bp1seedeip000000000001", Region: "cn-hangzhou", Name: "havip-seed"}},
	}
}

// LoadFixturesFile reads a fixtures JSON file.
func LoadFixturesFile(path string) (*Fixtures, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseFixtures(b)
}

// ParseFixtures decodes fixtures, rejecting unknown fields so a typo in a
// fixture file is an error rather than a silently missing resource.
func ParseFixtures(b []byte) (*Fixtures, error) {
	var f Fixtures
	dec := json.NewDecoder(bytesReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	if f.Version != 0 && f.Version != 1 {
		return nil, fmt.Errorf("fixtures: version %d is not supported (1)", f.Version)
	}
	return &f, nil
}

func parseIPv4(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	return a, err == nil && a.Is4()
}
