package mockcloud

import (
	"strings"
	"testing"
	"time"
)

// TestFixtureRefusals sends one broken fixture per rule of each kind
// through the loader and expects the error that names the rule: a world
// the API could not produce is refused, not loaded.
func TestFixtureRefusals(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		break_ func(fx *Fixtures)
		want   string
	}{
		{"no region", func(fx *Fixtures) { fx.Regions = nil }, "at least one region"},
		{"unknown quota", func(fx *Fixtures) { fx.Quotas = map[string]int{"nope": 1} }, `unknown quota "nope"`},
		{"bad eip pool", func(fx *Fixtures) { fx.EIPPool = "2001:db8::/64" }, "eip_pool"},
		{"ID used twice", func(fx *Fixtures) { fx.VSwitches[1].ID = vswA1 }, `vSwitch ID "` + vswA1 + `" is used twice`},
		{"ID used twice across kinds", func(fx *Fixtures) { fx.EIPs[0].ID = vpcA }, `EIP ID "` + vpcA + `" is used twice`},
		{"VPC region", func(fx *Fixtures) { fx.VPCs[0].Region = "cn-beijing" }, `region "cn-beijing" is not in regions`},
		{"VPC CIDR", func(fx *Fixtures) { fx.VPCs[0].CIDR = "192.168.0.0" }, "is not an IPv4 CIDR"},
		{"vSwitch VPC", func(fx *Fixtures) { fx.VSwitches[0].VpcID = "vpc-nope" }, `VPC "vpc-nope" is not declared`},
		{"vSwitch mask", func(fx *Fixtures) { fx.VSwitches[0].CIDR = "192.168.0.0/30" }, "outside /16–/29"},
		{"vSwitch outside VPC", func(fx *Fixtures) { fx.VSwitches[0].CIDR = "10.9.0.0/24" }, "is not inside VPC"},
		{"vSwitches overlap", func(fx *Fixtures) { fx.VSwitches[1].CIDR = "192.168.0.0/25" }, "overlaps " + vswA1},
		{"instance address in use", func(fx *Fixtures) { fx.Instances[1].PrivateIP = "192.168.0.25" }, "is already used by " + ecs1},
		{"instance reserved address", func(fx *Fixtures) { fx.Instances[0].PrivateIP = "192.168.0.255" }, "is not a usable address"},
		{"instance status", func(fx *Fixtures) { fx.Instances[0].Status = "Exploded" }, `unknown status "Exploded"`},
		{"ENI instance", func(fx *Fixtures) { fx.ENIs[0].InstanceID = "i-nope" }, `instance "i-nope" is not declared`},
		{"ENI zone", func(fx *Fixtures) { fx.ENIs[0].InstanceID = ecsOtherSw; fx.VSwitches[1].Zone = "cn-hangzhou-k" }, "is in zone cn-hangzhou-k"},
		{"EIP address", func(fx *Fixtures) { fx.EIPs[0].IP = "nope" }, `"nope" is not an IPv4 address`},
		{"HaVip member vSwitch", func(fx *Fixtures) {
			fx.HaVips = []FixtureHaVip{{VSwitchID: vswA1, Members: []string{ecsOtherSw}}}
		}, "is in another vSwitch"},
		{"HaVip mixed members", func(fx *Fixtures) {
			fx.HaVips = []FixtureHaVip{{VSwitchID: vswA1, Members: []string{ecs1, eniFree}}}
		}, "mixes ECS and ENI members"},
		{"HaVip master", func(fx *Fixtures) {
			fx.HaVips = []FixtureHaVip{{VSwitchID: vswA1, Members: []string{ecs1}, Master: ecs2}}
		}, "is not a member"},
		{"HaVip EIP bound twice", func(fx *Fixtures) {
			fx.HaVips = []FixtureHaVip{{VSwitchID: vswA1, EIPs: []string{eipHZ1}}, {VSwitchID: vswA1, EIPs: []string{eipHZ1}}}
		}, "is not declared or already bound"},
		{"route table is a System table", func(fx *Fixtures) {
			fx.RouteTables = []FixtureRouteTable{{ID: systemTableID(vpcA), VpcID: vpcA}}
		}, "is the System table of a VPC"},
		{"route table vSwitch of another VPC", func(fx *Fixtures) {
			fx.RouteTables = []FixtureRouteTable{{VpcID: vpcA, VSwitches: []string{vswB1}}}
		}, "is not declared in VPC " + vpcA},
		{"route entry next hop", func(fx *Fixtures) {
			fx.RouteEntries = []FixtureRouteEntry{{TableID: systemTableID(vpcA), Destination: "10.8.0.0/16", HaVipID: "havip-nope"}}
		}, `HaVip "havip-nope" is not declared in VPC`},
	} {
		t.Run(c.name, func(t *testing.T) {
			fx := richFixtures()
			c.break_(fx)
			_, err := newAccount("1000000000000001", 1, time.Now(), fx)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
		})
	}
}
