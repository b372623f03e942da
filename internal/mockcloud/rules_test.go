package mockcloud

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// TestCreateHaVipIPRules: IPv4 only, inside the vSwitch CIDR, not reserved,
// not used by an instance, an ENI or another HaVip.
func TestCreateHaVipIPRules(t *testing.T) {
	t.Parallel()
	_, vc, _ := richServer(t, nil)
	taken := mkHaVip(t, vc, vswA1, "192.168.0.70").IpAddress
	cases := []struct {
		name, vsw, ip, code string
	}{
		{"IPv6", vswA1, "2001:db8::1", "InvalidIPAddress.Malformed"},
		{"IPv4-mapped IPv6", vswA1, "::ffff:192.168.0.9", "InvalidIPAddress.Malformed"},
		{"garbage", vswA1, "192.168.0.300", "InvalidIPAddress.Malformed"},
		{"outside CIDR", vswA1, "192.168.1.9", "InvalidIPAddress.OutOfRange"},
		{"other VPC range", vswA1, "10.0.0.9", "InvalidIPAddress.OutOfRange"},
		{"network .0", vswA1, "192.168.0.0", "InvalidIPAddress.NotAvailable"},
		{"reserved .253", vswA1, "192.168.0.253", "InvalidIPAddress.NotAvailable"},
		{"reserved .254", vswA1, "192.168.0.254", "InvalidIPAddress.NotAvailable"},
		{"broadcast .255", vswA1, "192.168.0.255", "InvalidIPAddress.NotAvailable"},
		{"instance IP", vswA1, "192.168.0.25", "InvalidIPAddress.AlreadyUsed"},
		{"attached ENI IP", vswA1, eniIP(4), "InvalidIPAddress.AlreadyUsed"},
		{"free ENI IP", vswA1, "192.168.0.150", "InvalidIPAddress.AlreadyUsed"},
		{"other HaVip IP", vswA1, taken, "InvalidIPAddress.AlreadyUsed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := tryCreate(vc, c.vsw, c.ip)
			serverErr(t, err, 400, c.code)
		})
	}
	// Edge addresses that are usable.
	for _, ip := range []string{"192.168.0.1", "192.168.0.252"} {
		if got := mkHaVip(t, vc, vswA1, ip).IpAddress; got != ip {
			t.Fatalf("asked %s, got %s", ip, got)
		}
	}
	if n := len(listHaVips(t, vc, nil)); n != 3 {
		t.Fatalf("%d HaVips exist; refused creates must create nothing", n)
	}
}

// TestAssignedIP: an omitted IpAddress is drawn inside the CIDR, never
// reserved, never used; a full vSwitch is refused.
func TestAssignedIP(t *testing.T) {
	t.Parallel()
	fx := richFixtures()
	// A /28 has 16 addresses: 4 reserved, 1 instance → 11 free.
	fx.VSwitches = append(fx.VSwitches, FixtureVSwitch{ID: "vsw-small", VpcID: vpcA, Zone: "cn-hangzhou-h", CIDR: "192.168.9.0/28"})
	fx.Instances = append(fx.Instances, FixtureInstance{ID: "i-small", VSwitchID: "vsw-small", PrivateIP: "192.168.9.5"})
	s, vc, _ := richServer(t, func(o *Options) { o.Fixtures = fx })
	must(t, s.SetQuota("", QuotaHaVipsPerAccount, 100))
	must(t, s.SetQuota("", QuotaHaVipsPerVPC, 100))

	used := map[string]bool{"192.168.0.25": true, "192.168.0.26": true, "192.168.0.27": true, "192.168.0.28": true, "192.168.0.150": true}
	for i := 1; i <= 20; i++ {
		used[eniIP(i)] = true
	}
	cidr := netip.MustParsePrefix("192.168.0.0/24")
	seen := map[string]bool{}
	for i := 0; i < 40; i++ {
		ip := mkHaVip(t, vc, vswA1, "").IpAddress
		a := netip.MustParseAddr(ip)
		if !cidr.Contains(a) || rulebook.Reserved(cidr, a) || used[ip] || seen[ip] {
			t.Fatalf("assigned %s: in CIDR %v, reserved %v, used %v, repeated %v", ip, cidr.Contains(a), rulebook.Reserved(cidr, a), used[ip], seen[ip])
		}
		seen[ip] = true
	}
	small := netip.MustParsePrefix("192.168.9.0/28")
	for i := 0; i < 10; i++ {
		ip := mkHaVip(t, vc, "vsw-small", "").IpAddress
		a := netip.MustParseAddr(ip)
		if !small.Contains(a) || rulebook.Reserved(small, a) || ip == "192.168.9.5" || seen[ip] {
			t.Fatalf("assigned %s in the /28", ip)
		}
		seen[ip] = true
	}
	if got := mkHaVip(t, vc, "vsw-small", "").IpAddress; seen[got] {
		t.Fatalf("last free address %s repeats", got)
	}
	_, err := tryCreate(vc, "vsw-small", "")
	serverErr(t, err, 400, "InvalidVSwitch.IpNotEnough")
}

// TestDeterministicIDs: the same seed and the same requests give the same
// HaVip IDs and assigned IPs; another seed does not.
func TestDeterministicIDs(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []string {
		s := testServer(t, Options{Seed: seed, Fixtures: richFixtures()})
		vc, _ := clients(t, s, s.Credentials())
		var out []string
		for i := 0; i < 8; i++ {
			vsw := vswA1
			if i%3 == 2 {
				vsw = vswB1
			}
			r := mkHaVip(t, vc, vsw, "")
			out = append(out, r.HaVipId+"@"+r.IpAddress)
		}
		ar, err := vc.AllocateEipAddress(vpc.CreateAllocateEipAddressRequest())
		must(t, err)
		return append(out, ar.AllocationId+"@"+ar.EipAddress, s.Credentials().AccessKeyID)
	}
	a, b, c := run(42), run(42), run(43)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("same seed, different results:\n%v\n%v", a, b)
	}
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same > 1 { // the EIP address may coincide; IDs must not
		t.Fatalf("seeds 42 and 43 agree on %d of %d results: %v", same, len(a), c)
	}
}

// TestHaVipQuotas: 50 per account and 50 per VPC by default, adjustable by
// fixtures and by the set_quota event.
func TestHaVipQuotas(t *testing.T) {
	t.Parallel()
	t.Run("default 50 per VPC and account", func(t *testing.T) {
		t.Parallel()
		s, vc, _ := richServer(t, nil)
		for i := 0; i < 50; i++ {
			mkHaVip(t, vc, vswA1, "")
		}
		_, err := tryCreate(vc, vswA2, "") // same VPC, other vSwitch
		serverErr(t, err, 400, "QuotaExceeded.HaVip")
		_, err = tryCreate(vc, vswB1, "") // other VPC: the account quota
		serverErr(t, err, 400, "QuotaExceeded.HaVip")
		must(t, s.SetQuota("", QuotaHaVipsPerAccount, 51))
		mkHaVip(t, vc, vswB1, "")
		_, err = tryCreate(vc, vswA1, "")
		serverErr(t, err, 400, "QuotaExceeded.HaVip")
		if n := len(listHaVips(t, vc, nil)); n != 51 {
			t.Fatalf("%d HaVips", n)
		}
	})
	t.Run("per VPC from fixtures", func(t *testing.T) {
		t.Parallel()
		fx := richFixtures()
		fx.Quotas = map[string]int{QuotaHaVipsPerVPC: 2, QuotaHaVipsPerAccount: 3}
		s, vc, _ := richServer(t, func(o *Options) { o.Fixtures = fx })
		mkHaVip(t, vc, vswA1, "")
		mkHaVip(t, vc, vswA2, "")
		_, err := tryCreate(vc, vswA1, "")
		serverErr(t, err, 400, "QuotaExceeded.HaVip")
		id := mkHaVip(t, vc, vswB1, "").HaVipId // VPC B has room
		_, err = tryCreate(vc, vswB1, "")
		serverErr(t, err, 400, "QuotaExceeded.HaVip") // account quota 3
		// Deleting frees quota.
		must(t, delHaVip(vc, id))
		mkHaVip(t, vc, vswB1, "")
		// set_quota through Apply lowers it again.
		must(t, s.Apply(Event{Type: EventSetQuota, Quota: QuotaHaVipsPerAccount, Value: 0}))
		_, err = tryCreate(vc, vswB1, "")
		serverErr(t, err, 400, "QuotaExceeded.HaVip")
		if err := s.SetQuota("", "havips_per_galaxy", 1); err == nil {
			t.Fatal("an unknown quota name was accepted")
		}
	})
	t.Run("the account quota is per region", func(t *testing.T) {
		t.Parallel()
		fx := richFixtures()
		fx.Quotas = map[string]int{QuotaHaVipsPerAccount: 1}
		s, vc, _ := richServer(t, func(o *Options) { o.Fixtures = fx })
		mkHaVip(t, vc, vswA1, "")
		_, err := tryCreate(vc, vswB1, "")
		serverErr(t, err, 400, "QuotaExceeded.HaVip")
		// The provider counts the HaVips of its region; so does the mock.
		sh := vpcClientIn(t, s, s.Credentials(), rgSH)
		mkHaVip(t, sh, vswSH, "")
	})
	t.Run("bad fixtures quota", func(t *testing.T) {
		t.Parallel()
		fx := richFixtures()
		fx.Quotas = map[string]int{"nope": 1}
		if _, err := New(Options{Fixtures: fx}); err == nil {
			t.Fatal("fixtures with an unknown quota were accepted")
		}
	})
}

// TestAssociateRules: one table row per AssociateHaVip refusal.
func TestAssociateRules(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	ecsHV := mkHaVip(t, vc, vswA1, "").HaVipId
	must(t, associate(vc, ecsHV, ecs1, ""))
	eniHV := mkHaVip(t, vc, vswA1, "").HaVipId
	must(t, associate(vc, eniHV, eniID(1), InstanceTypeEni))
	empty := mkHaVip(t, vc, vswA1, "").HaVipId
	must(t, s.Apply(Event{Type: EventSetInstanceStatus, InstanceID: ecs2, Status: "Stopping"}))

	cases := []struct {
		name, havip, inst, typ string
		status                 int
		code                   string
	}{
		{"other vSwitch", empty, ecsOtherSw, "", 400, "InvalidVSwitchId.Mismatch"},
		{"other VPC", empty, ecsB, "", 400, "InvalidVSwitchId.Mismatch"},
		{"ENI onto ECS HaVip", ecsHV, eniID(2), InstanceTypeEni, 400, "InvalidInstanceType.Mismatch"},
		{"ECS onto ENI HaVip", eniHV, ecsStopped, "", 400, "InvalidInstanceType.Mismatch"},
		{"unattached ENI", empty, eniFree, InstanceTypeEni, 400, "IncorrectInstanceStatus"},
		{"Pending instance", empty, ecsPending, "", 400, "IncorrectInstanceStatus"},
		{"Stopping instance", empty, ecs2, "", 400, "IncorrectInstanceStatus"},
		{"unknown instance", empty, "i-nothere", "", 404, "InvalidInstanceId.NotFound"},
		{"ENI as EcsInstance", empty, eniID(3), "", 404, "InvalidInstanceId.NotFound"},
		{"unknown ENI", empty, "eni-nothere", InstanceTypeEni, 404, "InvalidInstanceId.NotFound"},
		{"bad InstanceType", empty, ecs1, "Nat", 400, "InvalidInstanceType.ValueNotSupported"},
		{"already a member", ecsHV, ecs1, "", 400, "OperationFailed.InstanceAlreadyAssociated"},
		{"unknown HaVip", "havip-nothere", ecs1, "", 404, "InvalidHaVipId.NotFound"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			serverErr(t, associate(vc, c.havip, c.inst, c.typ), c.status, c.code)
		})
	}
	// A Stopped instance is fine, as is a Running one.
	must(t, associate(vc, empty, ecsStopped, ""))
	if h := haVip(t, vc, empty); fmt.Sprint(h.AssociatedInstances.AssociatedInstance) != "["+ecsStopped+"]" {
		t.Fatalf("members %v", h.AssociatedInstances.AssociatedInstance)
	}
	// An ENI HaVip becomes free for ECS members once its ENIs are gone.
	must(t, unassociate(vc, eniHV, eniID(1), InstanceTypeEni, ""))
	must(t, associate(vc, eniHV, ecs1, ""))
	if h := haVip(t, vc, eniHV); h.AssociatedInstanceType != InstanceTypeEcs {
		t.Fatalf("type after switching: %q", h.AssociatedInstanceType)
	}
	// Unassociate refusals.
	serverErr(t, unassociate(vc, ecsHV, ecs2, "", ""), 400, "ResourceNotAssociated")
	serverErr(t, unassociate(vc, ecsHV, ecs1, InstanceTypeEni, ""), 400, "InvalidInstanceType.Mismatch")
	serverErr(t, unassociate(vc, mkHaVip(t, vc, vswA1, "").HaVipId, ecs1, "", ""), 400, "IncorrectHaVipStatus")
}

// TestMemberLimits: at most 10 members per HaVip, at most 5 HaVips per
// instance (and per ENI).
func TestMemberLimits(t *testing.T) {
	t.Parallel()
	_, vc, _ := richServer(t, nil)
	id := mkHaVip(t, vc, vswA1, "").HaVipId
	for i := 1; i <= 10; i++ {
		must(t, associate(vc, id, eniID(i), InstanceTypeEni))
	}
	serverErr(t, associate(vc, id, eniID(11), InstanceTypeEni), 400, "CountLimitExceeded.HaVipOnECSInstance")
	if h := haVip(t, vc, id); len(h.AssociatedInstances.AssociatedInstance) != 10 {
		t.Fatalf("%d members", len(h.AssociatedInstances.AssociatedInstance))
	}

	// HaVips per instance, for an ECS instance and for an ENI.
	for _, m := range []struct{ id, typ string }{{ecs1, ""}, {eniID(12), InstanceTypeEni}} {
		var hvs []string
		for i := 0; i < 6; i++ {
			hvs = append(hvs, mkHaVip(t, vc, vswA1, "").HaVipId)
		}
		for _, h := range hvs[:5] {
			must(t, associate(vc, h, m.id, m.typ))
		}
		serverErr(t, associate(vc, hvs[5], m.id, m.typ), 400, "CountLimitExceed.HaVipOnInstance")
		if h := haVip(t, vc, hvs[5]); len(h.AssociatedInstances.AssociatedInstance) != 0 {
			t.Fatalf("refused association was made: %+v", h)
		}
		// Freeing one slot lets the sixth in.
		must(t, unassociate(vc, hvs[0], m.id, m.typ, ""))
		must(t, associate(vc, hvs[5], m.id, m.typ))
	}
}

// TestEipRules: one EIP per HaVip, the EIP in the HaVip's region and
// Available.
func TestEipRules(t *testing.T) {
	t.Parallel()
	srv, vc, _ := richServer(t, nil)
	h1 := mkHaVip(t, vc, vswA1, "").HaVipId
	h2 := mkHaVip(t, vc, vswA1, "").HaVipId
	must(t, assocEip(vc, eipHZ1, h1, "HaVip"))

	serverErr(t, assocEip(vc, eipHZ1, h1, "HaVip"), 400, "InvalidAssociation.Duplicated") // same pair again
	serverErr(t, assocEip(vc, eipHZ2, h1, "HaVip"), 400, "InvalidAssociation.Duplicated") // a second EIP
	serverErr(t, assocEip(vc, eipHZ1, h2, "HaVip"), 400, "IncorrectEipStatus")            // EIP busy elsewhere
	serverErr(t, assocEip(vc, eipSH, h2, "HaVip"), 400, "InvalidParameter.Mismatch")      // other region
	if h := haVip(t, vc, h2); len(h.AssociatedEipAddresses.AssociatedEipAddresse) != 0 {
		t.Fatalf("a refused EIP was bound: %+v", h)
	}
	// The Shanghai EIP is Available and usable with a Shanghai HaVip.
	sh := vpcClientIn(t, srv, srv.Credentials(), rgSH)
	shHV := mkHaVip(t, sh, vswSH, "").HaVipId
	must(t, assocEip(sh, eipSH, shHV, "HaVip"))
	if h := haVip(t, sh, shHV); fmt.Sprint(h.AssociatedEipAddresses.AssociatedEipAddresse) != "[198.51.100.12]" {
		t.Fatalf("Shanghai HaVip EIPs %v", h.AssociatedEipAddresses.AssociatedEipAddresse)
	}
	// A Shanghai HaVip is not found from Hangzhou.
	serverErr(t, assocEip(vc, eipHZ2, shHV, "HaVip"), 404, "InvalidInstanId.NotFound")
}

// TestDeleteRules: delete only without members and without an EIP.
func TestDeleteRules(t *testing.T) {
	t.Parallel()
	_, vc, _ := richServer(t, nil)
	id := mkHaVip(t, vc, vswA1, "").HaVipId
	must(t, associate(vc, id, ecs1, ""))
	serverErr(t, delHaVip(vc, id), 400, "IncorrectStatus")
	must(t, unassociate(vc, id, ecs1, "", ""))
	must(t, assocEip(vc, eipHZ1, id, "HaVip"))
	serverErr(t, delHaVip(vc, id), 400, "DependencyViolation.HaVipAssociatedWithEIP")
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("refused delete removed the HaVip (%d left)", n)
	}
	ureq := vpc.CreateUnassociateEipAddressRequest()
	ureq.AllocationId = eipHZ1
	ureq.InstanceId = id
	ureq.InstanceType = "HaVip"
	_, err := vc.UnassociateEipAddress(ureq)
	must(t, err)
	must(t, delHaVip(vc, id))
	if n := len(listHaVips(t, vc, nil)); n != 0 {
		t.Fatalf("%d HaVips after delete", n)
	}
}

// TestUnassociateMaster: the master leaves only with Force=True; the
// master is set by SetMaster or by fixtures auto_master.
func TestUnassociateMaster(t *testing.T) {
	t.Parallel()
	t.Run("SetMaster", func(t *testing.T) {
		t.Parallel()
		s, vc, _ := richServer(t, nil)
		id := mkHaVip(t, vc, vswA1, "").HaVipId
		must(t, associate(vc, id, ecs1, ""))
		must(t, associate(vc, id, ecs2, ""))
		if h := haVip(t, vc, id); h.MasterInstanceId != "" {
			t.Fatalf("master %q without auto_master", h.MasterInstanceId)
		}
		must(t, s.SetMaster("", id, ecs2))
		if h := haVip(t, vc, id); h.MasterInstanceId != ecs2 {
			t.Fatalf("MasterInstanceId %q", h.MasterInstanceId)
		}
		if err := s.SetMaster("", id, ecsStopped); err == nil {
			t.Fatal("a non-member became master")
		}
		serverErr(t, unassociate(vc, id, ecs2, "", ""), 400, "Forbidden.UnassociateMaster")
		serverErr(t, unassociate(vc, id, ecs2, "", "False"), 400, "Forbidden.UnassociateMaster")
		serverErr(t, unassociate(vc, id, ecs2, "", "maybe"), 400, "InvalidParameter")
		must(t, unassociate(vc, id, ecs1, "", "")) // not the master: no Force needed
		must(t, unassociate(vc, id, ecs2, "", "True"))
		if h := haVip(t, vc, id); h.MasterInstanceId != "" || h.Status != rulebook.StatusAvailable || len(h.AssociatedInstances.AssociatedInstance) != 0 {
			t.Fatalf("after forced unassociate: %+v", h)
		}
	})
	t.Run("auto_master", func(t *testing.T) {
		t.Parallel()
		fx := richFixtures()
		fx.AutoMaster = true
		s, vc, _ := richServer(t, func(o *Options) { o.Fixtures = fx })
		id := mkHaVip(t, vc, vswA1, "").HaVipId
		must(t, associate(vc, id, eniID(1), InstanceTypeEni))
		must(t, associate(vc, id, eniID(2), InstanceTypeEni))
		if h := haVip(t, vc, id); h.MasterInstanceId != eniID(1) {
			t.Fatalf("auto master %q, want the first member", h.MasterInstanceId)
		}
		serverErr(t, unassociate(vc, id, eniID(1), InstanceTypeEni, ""), 400, "Forbidden.UnassociateMaster")
		must(t, unassociate(vc, id, eniID(1), InstanceTypeEni, "True"))
		// set_master "" clears it; set_auto_master 0 turns the knob off.
		must(t, s.Apply(Event{Type: EventSetAutoMaster, Value: 0}))
		id2 := mkHaVip(t, vc, vswA1, "").HaVipId
		must(t, associate(vc, id2, eniID(3), InstanceTypeEni))
		if h := haVip(t, vc, id2); h.MasterInstanceId != "" {
			t.Fatalf("master %q after auto_master was turned off", h.MasterInstanceId)
		}
	})
}
