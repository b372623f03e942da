package mockcloud

import (
	"fmt"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

func TestTransitionProfileParsing(t *testing.T) {
	t.Parallel()
	ts, err := TransitionProfile("realistic")
	must(t, err)
	for _, k := range TransitionKinds {
		if got := ts[k]; got.Mode != "delay" || time.Duration(got.Delay) != RealisticTransitionDelay {
			t.Fatalf("realistic %s = %+v", k, got)
		}
	}
	ts, err = TransitionProfile("realistic,havip.create=5s,eip=describes:3,havip.delete=immediate")
	must(t, err)
	if got := ts[TransitionHaVipCreate]; time.Duration(got.Delay) != 5*time.Second {
		t.Fatalf("override of havip.create: %+v", got)
	}
	if got := ts[TransitionEIPUnassociate]; got.Mode != "describes" || got.Describes != 3 {
		t.Fatalf("coarse eip override did not reach eip.unassociate: %+v", got)
	}
	if got := ts[TransitionHaVipDelete]; got.Mode != "immediate" {
		t.Fatalf("havip.delete=immediate: %+v", got)
	}
	if got := ts[TransitionHaVipAssociate]; time.Duration(got.Delay) != RealisticTransitionDelay {
		t.Fatalf("untouched kind changed: %+v", got)
	}
	ts, err = TransitionProfile("short")
	must(t, err)
	if got := ts[TransitionHaVipCreate]; got.Describes != 1 || got.Mode != "delay" {
		t.Fatalf("short must hold each state for a describe: %+v", got)
	}
	for _, bad := range []string{"fast", "realistic,havip.create", "realistic,route=1s", "realistic,havip.create=-1s",
		"realistic,eip=describes:0", "realistic,havip=soon"} {
		if _, err := TransitionProfile(bad); err == nil {
			t.Errorf("TransitionProfile(%q) accepted", bad)
		}
	}
	if _, err := New(Options{Transitions: map[string]Transition{"route": {Mode: "immediate"}}}); err == nil {
		t.Error("New accepted an unknown transition kind")
	}
}

// TestRealisticProfile walks every documented transitional state under the
// realistic profile on the virtual clock: each is visible to describes
// while it lasts, calls in the wrong state get the documented refusals, and
// a per-kind override changes only its own transition.
func TestRealisticProfile(t *testing.T) {
	t.Parallel()
	ts, err := TransitionProfile("realistic,havip.create=10s")
	must(t, err)
	s, vc, _ := richServer(t, func(o *Options) { o.Transitions = ts })
	var offset time.Duration
	advance := func(d time.Duration) { offset += d; s.SetClockOffset(offset) }
	status := func(id string) string { return haVip(t, vc, id).Status }
	eipStatus := func() string {
		req := vpc.CreateDescribeEipAddressesRequest()
		req.AllocationId = eipHZ1
		r, err := vc.DescribeEipAddresses(req)
		must(t, err)
		return r.EipAddresses.EipAddress[0].Status
	}
	step := RealisticTransitionDelay + 10*time.Millisecond
	var trail []string
	see := func(st string) { trail = append(trail, st) }

	id := mkHaVip(t, vc, vswA1, "").HaVipId
	see(status(id))
	advance(step) // the realistic 2 s, but create was overridden to 10 s
	see(status(id))
	serverErr(t, associate(vc, id, ecs1, ""), 400, "IncorrectHaVipStatus")
	advance(10 * time.Second)
	see(status(id))

	must(t, associate(vc, id, ecs1, ""))
	see(status(id))
	serverErr(t, associate(vc, id, ecs2, ""), 400, "IncorrectHaVipStatus")
	serverErr(t, assocEip(vc, eipHZ1, id, "HaVip"), 400, "IncorrectHaVipStatus")
	advance(step)
	see(status(id))

	must(t, assocEip(vc, eipHZ1, id, "HaVip"))
	see(eipStatus())
	ureq := vpc.CreateUnassociateEipAddressRequest()
	ureq.AllocationId = eipHZ1
	_, err = vc.UnassociateEipAddress(ureq)
	serverErr(t, err, 400, "IncorrectEipStatus")
	advance(step)
	see(eipStatus())
	ureq = vpc.CreateUnassociateEipAddressRequest()
	ureq.AllocationId = eipHZ1
	_, err = vc.UnassociateEipAddress(ureq)
	must(t, err)
	see(eipStatus())
	serverErr(t, assocEip(vc, eipHZ1, id, "HaVip"), 400, "IncorrectEipStatus")
	advance(step)
	see(eipStatus())

	must(t, unassociate(vc, id, ecs1, "", ""))
	see(status(id))
	serverErr(t, delHaVip(vc, id), 400, "IncorrectHaVipStatus")
	advance(step)
	see(status(id))
	must(t, delHaVip(vc, id))
	see(status(id))
	advance(step)
	if got := listHaVips(t, vc, nil); len(got) != 0 {
		t.Fatalf("Deleting HaVip did not go: %+v", got)
	}
	want := []string{rulebook.StatusCreating, rulebook.StatusCreating, rulebook.StatusAvailable, rulebook.StatusAssociating, rulebook.StatusInUse,
		rulebook.StatusAssociating, rulebook.StatusInUse, rulebook.StatusUnassociating, rulebook.StatusAvailable,
		rulebook.StatusUnassociating, rulebook.StatusAvailable, rulebook.StatusDeleting}
	if fmt.Sprint(trail) != fmt.Sprint(want) {
		t.Fatalf("states seen %v\nwant        %v", trail, want)
	}
}

// TestShortProfileHoldsEachStateForADescribe: however late the first
// describe comes, it still sees the transitional state, so a waiter can
// never skip its "still in transition" path.
func TestShortProfileHoldsEachStateForADescribe(t *testing.T) {
	t.Parallel()
	ts, err := TransitionProfile("short")
	must(t, err)
	s, vc, _ := richServer(t, func(o *Options) { o.Transitions = ts })
	id := mkHaVip(t, vc, vswA1, "").HaVipId
	s.SetClockOffset(time.Minute) // long past the delay
	if st := haVip(t, vc, id).Status; st != rulebook.StatusCreating {
		t.Fatalf("first describe after the delay saw %s, want Creating", st)
	}
	if st := haVip(t, vc, id).Status; st != rulebook.StatusAvailable {
		t.Fatalf("second describe saw %s, want Available", st)
	}
	must(t, associate(vc, id, ecs1, ""))
	if st := haVip(t, vc, id).Status; st != rulebook.StatusAssociating {
		t.Fatalf("after associate: %s", st)
	}
	s.SetClockOffset(2 * time.Minute)
	if st := haVip(t, vc, id).Status; st != rulebook.StatusInUse {
		t.Fatalf("after the delay and a describe: %s", st)
	}
}

// TestTransitionSettlesToMembers: members removed by an event while a
// transition runs decide the settled status.
func TestTransitionSettlesToMembers(t *testing.T) {
	t.Parallel()
	t.Run("delay, instance deleted while Associating", func(t *testing.T) {
		t.Parallel()
		fx := richFixtures()
		fx.Transitions = map[string]Transition{"havip": {Mode: "delay", Delay: Duration(30 * time.Second)}}
		s, vc, _ := richServer(t, func(o *Options) { o.Fixtures = fx })
		id := mkHaVip(t, vc, vswA1, "").HaVipId
		s.SetClockOffset(31 * time.Second)
		must(t, associate(vc, id, ecs1, ""))
		must(t, s.DeleteInstance("", ecs1))
		s.SetClockOffset(62 * time.Second)
		if h := haVip(t, vc, id); h.Status != rulebook.StatusAvailable || len(h.AssociatedInstances.AssociatedInstance) != 0 {
			t.Fatalf("settled as %s with members %v; want Available with none", h.Status, h.AssociatedInstances.AssociatedInstance)
		}
		must(t, delHaVip(vc, id)) // deletable, since it has no members
	})
	t.Run("describes, ENI deleted while Unassociating", func(t *testing.T) {
		t.Parallel()
		s, vc, _ := richServer(t, nil)
		id := mkHaVip(t, vc, vswA1, "").HaVipId
		must(t, associate(vc, id, eniID(1), InstanceTypeEni))
		must(t, associate(vc, id, eniID(2), InstanceTypeEni))
		must(t, s.Apply(Event{Type: EventSetTransition, Kind: "havip", Transition: &Transition{Mode: "describes", Describes: 1}}))
		must(t, unassociate(vc, id, eniID(1), InstanceTypeEni, ""))
		must(t, s.Apply(Event{Type: EventDeleteENI, ENIID: eniID(2)}))
		if h := haVip(t, vc, id); h.Status != rulebook.StatusUnassociating {
			t.Fatalf("first describe: %s", h.Status)
		}
		if h := haVip(t, vc, id); h.Status != rulebook.StatusAvailable || len(h.AssociatedInstances.AssociatedInstance) != 0 {
			t.Fatalf("settled as %s with %v", h.Status, h.AssociatedInstances.AssociatedInstance)
		}
	})
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
