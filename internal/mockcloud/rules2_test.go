package mockcloud

import (
	"fmt"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

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

// TestOutOfBandEvents: deleting an instance or ENI disassociates it and
// clears the master; detaching an ENI keeps the association.
func TestOutOfBandEvents(t *testing.T) {
	t.Parallel()
	s, vc, ec := richServer(t, nil)
	ecsHV := mkHaVip(t, vc, vswA1, "").HaVipId
	must(t, associate(vc, ecsHV, ecs1, ""))
	must(t, associate(vc, ecsHV, ecs2, ""))
	must(t, s.SetMaster("", ecsHV, ecs1))

	must(t, s.DeleteInstance("", ecs1))
	h := haVip(t, vc, ecsHV)
	if fmt.Sprint(h.AssociatedInstances.AssociatedInstance) != "["+ecs2+"]" || h.MasterInstanceId != "" || h.Status != rulebook.StatusInUse {
		t.Fatalf("after deleting the master instance: %+v", h)
	}
	if r := instanceCount(t, ec, ecs1); r != 0 {
		t.Fatal("deleted instance still described")
	}
	// Its secondary ENIs are now detached (Available), not deleted.
	if n := eniCount(t, ec, ecs1); n != 0 {
		t.Fatalf("%d ENIs still attached to the deleted instance", n)
	}
	must(t, s.DeleteInstance("", ecs2))
	if h := haVip(t, vc, ecsHV); len(h.AssociatedInstances.AssociatedInstance) != 0 || h.Status != rulebook.StatusAvailable || h.AssociatedInstanceType != "" {
		t.Fatalf("after deleting the last member: %+v", h)
	}
	if err := s.DeleteInstance("", ecs1); err == nil {
		t.Fatal("deleting a missing instance succeeded")
	}

	// ENI events, on a fresh account.
	s2, vc2, _ := richServer(t, nil)
	eniHV := mkHaVip(t, vc2, vswA1, "").HaVipId
	must(t, associate(vc2, eniHV, eniID(1), InstanceTypeEni))
	must(t, associate(vc2, eniHV, eniID(2), InstanceTypeEni))
	must(t, s2.SetMaster("", eniHV, eniID(2)))
	must(t, s2.Apply(Event{Type: EventDetachENI, ENIID: eniID(1)}))
	if h := haVip(t, vc2, eniHV); len(h.AssociatedInstances.AssociatedInstance) != 2 || h.MasterInstanceId != eniID(2) {
		t.Fatalf("detach_eni changed the association: %+v", h)
	}
	// A detached ENI cannot join another HaVip.
	other := mkHaVip(t, vc2, vswA1, "").HaVipId
	serverErr(t, associate(vc2, other, eniID(1), InstanceTypeEni), 400, "IncorrectInstanceStatus")
	must(t, s2.Apply(Event{Type: EventDeleteENI, ENIID: eniID(2)}))
	if h := haVip(t, vc2, eniHV); fmt.Sprint(h.AssociatedInstances.AssociatedInstance) != "["+eniID(1)+"]" || h.MasterInstanceId != "" {
		t.Fatalf("after delete_eni of the master: %+v", h)
	}
	if err := s2.Apply(Event{Type: EventDeleteENI, ENIID: eniID(2)}); err == nil {
		t.Fatal("deleting a missing ENI succeeded")
	}
	if err := s2.Apply(Event{Type: "explode"}); err == nil {
		t.Fatal("an unknown event type was accepted")
	}
}

// TestTransitions drives every transitional status with the three latency
// modes, and checks that a HaVip in transition refuses mutations.
func TestTransitions(t *testing.T) {
	t.Parallel()
	t.Run("immediate", func(t *testing.T) {
		t.Parallel()
		_, vc, _ := richServer(t, nil)
		id := mkHaVip(t, vc, vswA1, "").HaVipId
		if st := haVip(t, vc, id).Status; st != rulebook.StatusAvailable {
			t.Fatalf("after create: %s", st)
		}
		must(t, associate(vc, id, ecs1, ""))
		must(t, associate(vc, id, ecs2, "")) // no cooldown in immediate mode
		if st := haVip(t, vc, id).Status; st != rulebook.StatusInUse {
			t.Fatalf("after associate: %s", st)
		}
	})

	t.Run("delay", func(t *testing.T) {
		t.Parallel()
		fx := richFixtures()
		fx.Transitions = map[string]Transition{"havip": {Mode: "delay", Delay: Duration(30 * time.Second)}}
		s, vc, _ := richServer(t, func(o *Options) { o.Fixtures = fx })
		var offset time.Duration
		advance := func() { offset += 31 * time.Second; s.SetClockOffset(offset) }
		status := func(id string) string { return haVip(t, vc, id).Status }

		id := mkHaVip(t, vc, vswA1, "").HaVipId
		if st := status(id); st != rulebook.StatusCreating {
			t.Fatalf("just created: %s", st)
		}
		if st := listHaVips(t, vc, map[string][]string{"Status": {rulebook.StatusCreating}}); len(st) != 1 {
			t.Fatal("Status filter does not see Creating")
		}
		// Every mutation is refused while Creating.
		mreq := vpc.CreateModifyHaVipAttributeRequest()
		mreq.HaVipId = id
		mreq.Name = "x"
		_, err := vc.ModifyHaVipAttribute(mreq)
		serverErr(t, err, 400, "IncorrectStatus")
		serverErr(t, associate(vc, id, ecs1, ""), 400, "IncorrectHaVipStatus")
		serverErr(t, delHaVip(vc, id), 400, "IncorrectHaVipStatus")
		serverErr(t, assocEip(vc, eipHZ1, id, "HaVip"), 400, "IncorrectHaVipStatus")
		advance()
		if st := status(id); st != rulebook.StatusAvailable {
			t.Fatalf("after the delay: %s", st)
		}

		must(t, associate(vc, id, ecs1, ""))
		if st := status(id); st != rulebook.StatusAssociating {
			t.Fatalf("just associated: %s", st)
		}
		serverErr(t, associate(vc, id, ecs2, ""), 400, "IncorrectHaVipStatus")
		serverErr(t, unassociate(vc, id, ecs1, "", ""), 400, "IncorrectHaVipStatus")
		advance()
		if st := status(id); st != rulebook.StatusInUse {
			t.Fatalf("after associating: %s", st)
		}
		must(t, associate(vc, id, ecs2, ""))
		advance()

		must(t, unassociate(vc, id, ecs2, "", ""))
		if st := status(id); st != rulebook.StatusUnassociating {
			t.Fatalf("just unassociated: %s", st)
		}
		advance()
		if st := status(id); st != rulebook.StatusInUse {
			t.Fatalf("Unassociating with a member left → %s, want InUse", st)
		}
		must(t, unassociate(vc, id, ecs1, "", ""))
		advance()
		if st := status(id); st != rulebook.StatusAvailable {
			t.Fatalf("Unassociating with no member left → %s, want Available", st)
		}

		must(t, delHaVip(vc, id))
		if st := status(id); st != rulebook.StatusDeleting {
			t.Fatalf("just deleted: %s", st)
		}
		serverErr(t, delHaVip(vc, id), 400, "IncorrectHaVipStatus")
		advance()
		if got := listHaVips(t, vc, nil); len(got) != 0 {
			t.Fatalf("Deleting HaVip did not go: %+v", got)
		}
		if offset > 10*time.Minute {
			t.Fatal("test moved the clock so far that signatures would expire")
		}
	})

	t.Run("describes", func(t *testing.T) {
		t.Parallel()
		s, vc, _ := richServer(t, nil)
		must(t, s.Apply(Event{Type: EventSetTransition, Kind: "havip", Transition: &Transition{Mode: "describes", Describes: 2}}))
		id := mkHaVip(t, vc, vswA1, "").HaVipId
		var seen []string
		for i := 0; i < 4; i++ {
			seen = append(seen, haVip(t, vc, id).Status)
		}
		want := []string{rulebook.StatusCreating, rulebook.StatusCreating, rulebook.StatusAvailable, rulebook.StatusAvailable}
		if fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Fatalf("describes=2: statuses %v, want %v", seen, want)
		}
		must(t, associate(vc, id, ecs1, ""))
		seen = nil
		for i := 0; i < 3; i++ {
			seen = append(seen, haVip(t, vc, id).Status)
		}
		if want := []string{rulebook.StatusAssociating, rulebook.StatusAssociating, rulebook.StatusInUse}; fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Fatalf("associate with describes=2: %v, want %v", seen, want)
		}
		// The same count for EIPs, seen through DescribeEipAddresses.
		must(t, s.Apply(Event{Type: EventSetTransition, Kind: "eip", Transition: &Transition{Mode: "describes", Describes: 1}}))
		must(t, assocEip(vc, eipHZ1, id, "HaVip"))
		seen = nil
		for i := 0; i < 2; i++ {
			req := vpc.CreateDescribeEipAddressesRequest()
			req.AllocationId = eipHZ1
			r, err := vc.DescribeEipAddresses(req)
			must(t, err)
			seen = append(seen, r.EipAddresses.EipAddress[0].Status)
		}
		if want := []string{rulebook.StatusAssociating, rulebook.StatusInUse}; fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Fatalf("EIP associate with describes=1: %v, want %v", seen, want)
		}
		if err := s.Apply(Event{Type: EventSetTransition, Kind: "havip", Transition: &Transition{Mode: "describes"}}); err == nil {
			t.Fatal("describes mode without a count was accepted")
		}
	})

	t.Run("eip delay", func(t *testing.T) {
		t.Parallel()
		s, vc, _ := richServer(t, nil)
		must(t, s.Apply(Event{Type: EventSetTransition, Kind: "eip", Transition: &Transition{Mode: "delay", Delay: Duration(time.Minute)}}))
		id := mkHaVip(t, vc, vswA1, "").HaVipId
		must(t, assocEip(vc, eipHZ1, id, "HaVip"))
		eipStatus := func() string {
			req := vpc.CreateDescribeEipAddressesRequest()
			req.AllocationId = eipHZ1
			r, err := vc.DescribeEipAddresses(req)
			must(t, err)
			return r.EipAddresses.EipAddress[0].Status
		}
		if st := eipStatus(); st != rulebook.StatusAssociating {
			t.Fatalf("EIP just associated: %s", st)
		}
		ureq := vpc.CreateUnassociateEipAddressRequest()
		ureq.AllocationId = eipHZ1
		_, err := vc.UnassociateEipAddress(ureq)
		serverErr(t, err, 400, "IncorrectEipStatus")
		s.SetClockOffset(61 * time.Second)
		if st := eipStatus(); st != rulebook.StatusInUse {
			t.Fatalf("EIP after the delay: %s", st)
		}
	})
}

// TestClientToken: same token and parameters → the first answer, nothing
// created; same token, other parameters → IdempotentParameterMismatch.
func TestClientToken(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	create := func(token, name string) (*vpc.CreateHaVipResponse, error) {
		req := vpc.CreateCreateHaVipRequest()
		req.VSwitchId = vswA1
		req.Name = name
		req.ClientToken = token
		return vc.CreateHaVip(req)
	}
	first, err := create("tok-1", "a")
	must(t, err)
	for i := 0; i < 3; i++ {
		again, err := create("tok-1", "a")
		must(t, err)
		if again.HaVipId != first.HaVipId || again.IpAddress != first.IpAddress {
			t.Fatalf("retry %d answered %s/%s, first was %s/%s", i, again.HaVipId, again.IpAddress, first.HaVipId, first.IpAddress)
		}
		if again.RequestId == first.RequestId {
			t.Fatal("a replayed answer reuses the first RequestId")
		}
	}
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("%d HaVips after retries with one token", n)
	}
	_, err = create("tok-1", "b")
	serverErr(t, err, 400, "IdempotentParameterMismatch")
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("%d HaVips after a mismatched token", n)
	}
	// Another token creates another HaVip; a token is per action.
	second, err := create("tok-2", "a")
	must(t, err)
	if second.HaVipId == first.HaVipId {
		t.Fatal("a new token returned the old HaVip")
	}
	// A refused call leaves its token free.
	bad := vpc.CreateCreateHaVipRequest()
	bad.VSwitchId = vswA1
	bad.IpAddress = "192.168.0.255"
	bad.ClientToken = "tok-3"
	_, err = vc.CreateHaVip(bad)
	serverErr(t, err, 400, "InvalidIPAddress.NotAvailable")
	if _, err := create("tok-3", "c"); err != nil {
		t.Fatalf("token of a refused call could not be reused: %v", err)
	}
	// Tokens on Associate: a retry does not fail as "already associated".
	areq := vpc.CreateAssociateHaVipRequest()
	areq.HaVipId = first.HaVipId
	areq.InstanceId = ecs1
	areq.ClientToken = "assoc-1"
	_, err = vc.AssociateHaVip(areq)
	must(t, err)
	areq2 := vpc.CreateAssociateHaVipRequest()
	areq2.HaVipId = first.HaVipId
	areq2.InstanceId = ecs1
	areq2.ClientToken = "assoc-1"
	_, err = vc.AssociateHaVip(areq2)
	must(t, err)
	// Tokens belong to an account.
	c2, err := s.NewAccount()
	must(t, err)
	vc2 := vpcClientIn(t, s, c2, rgHZ)
	other, err := func() (*vpc.CreateHaVipResponse, error) {
		req := vpc.CreateCreateHaVipRequest()
		req.VSwitchId = vswA1
		req.Name = "a"
		req.ClientToken = "tok-1"
		return vc2.CreateHaVip(req)
	}()
	must(t, err)
	if other.HaVipId == first.HaVipId {
		t.Fatal("another account's token returned this account's HaVip")
	}
}

func instanceCount(t testing.TB, ec *ecs.Client, id string) int {
	t.Helper()
	req := ecs.CreateDescribeInstancesRequest()
	req.InstanceIds = `["` + id + `"]`
	r, err := ec.DescribeInstances(req)
	must(t, err)
	return r.TotalCount
}

func eniCount(t testing.TB, ec *ecs.Client, instanceID string) int {
	t.Helper()
	req := ecs.CreateDescribeNetworkInterfacesRequest()
	req.InstanceId = instanceID
	r, err := ec.DescribeNetworkInterfaces(req)
	must(t, err)
	return r.TotalCount
}
