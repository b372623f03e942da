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
