package mockcloud

import (
	"fmt"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

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
