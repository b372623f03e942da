package mockcloud

import (
	"fmt"
	"strings"
)

// Event types: out-of-band changes a test makes to the world, as the cloud
// or a person outside Terraform would.
const (
	EventDeleteInstance    = "delete_instance"     // instance_id: the instance and its primary ENI disappear, leaving every HaVip
	EventDeleteENI         = "delete_eni"          // eni_id: the ENI disappears, leaving every HaVip
	EventDetachENI         = "detach_eni"          // eni_id: detached from its instance; HaVip associations stay (user guide)
	EventSetMaster         = "set_master"          // havip_id, instance_id ("" clears): keepalived moved the VIP
	EventSetQuota          = "set_quota"           // quota, value
	EventSetInstanceStatus = "set_instance_status" // instance_id, status
	EventSetTransition     = "set_transition"      // kind (havip|eip|havip.create|…), transition
	EventSetAutoMaster     = "set_auto_master"     // value (0|1): the first member becomes master
)

// Event is one out-of-band change, for the Go API and POST /_mockcloud/events.
type Event struct {
	Type       string      `json:"type"`
	Account    string      `json:"account,omitempty"` // account ID or AccessKeyId; empty = default account
	InstanceID string      `json:"instance_id,omitempty"`
	ENIID      string      `json:"eni_id,omitempty"`
	HaVipID    string      `json:"havip_id,omitempty"`
	Quota      string      `json:"quota,omitempty"`
	Value      int         `json:"value,omitempty"`
	Status     string      `json:"status,omitempty"`
	Kind       string      `json:"kind,omitempty"`
	Transition *Transition `json:"transition,omitempty"`
}

// Apply carries out an event.
func (s *Server) Apply(ev Event) error {
	a, err := s.resolveAccount(ev.Account)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	defer s.changes.Add(1)
	a.settle(s.now())
	switch ev.Type {
	case EventDeleteInstance:
		in := a.instances[ev.InstanceID]
		if in == nil {
			return fmt.Errorf("no instance %q", ev.InstanceID)
		}
		delete(a.instances, in.ID)
		a.detachFromHaVips(in.ID)
		for id, e := range a.enis {
			if e.InstanceID != in.ID {
				continue
			}
			if e.Type == "Primary" {
				delete(a.enis, id)
				a.detachFromHaVips(id)
			} else {
				e.InstanceID = ""
			}
		}
	case EventDeleteENI:
		e := a.enis[ev.ENIID]
		if e == nil || e.Type == "Primary" {
			return fmt.Errorf("no secondary ENI %q", ev.ENIID)
		}
		delete(a.enis, e.ID)
		a.detachFromHaVips(e.ID)
	case EventDetachENI:
		e := a.enis[ev.ENIID]
		if e == nil || e.Type == "Primary" {
			return fmt.Errorf("no secondary ENI %q", ev.ENIID)
		}
		e.InstanceID = ""
	case EventSetMaster:
		h := a.havips[ev.HaVipID]
		if h == nil {
			return fmt.Errorf("no HaVip %q", ev.HaVipID)
		}
		if ev.InstanceID != "" && !contains(h.Members, ev.InstanceID) {
			return fmt.Errorf("%s is not a member of %s (members: %s)", ev.InstanceID, h.ID, strings.Join(h.Members, ", "))
		}
		h.Master = ev.InstanceID
	case EventSetQuota:
		if _, ok := a.quotas[ev.Quota]; !ok {
			return fmt.Errorf("unknown quota %q", ev.Quota)
		}
		if ev.Value < 0 {
			return fmt.Errorf("quota %s must not be negative", ev.Quota)
		}
		a.quotas[ev.Quota] = ev.Value
	case EventSetInstanceStatus:
		in := a.instances[ev.InstanceID]
		if in == nil {
			return fmt.Errorf("no instance %q", ev.InstanceID)
		}
		switch ev.Status {
		case "Pending", "Running", "Starting", "Stopping", "Stopped":
		default:
			return fmt.Errorf("unknown instance status %q", ev.Status)
		}
		in.Status = ev.Status
	case EventSetTransition:
		if !validTransitionKind(ev.Kind) {
			return fmt.Errorf("transition kind must be havip, eip, route_entry or one of %s, not %q", strings.Join(TransitionKinds, ", "), ev.Kind)
		}
		t := Transition{}
		if ev.Transition != nil {
			t = *ev.Transition
		}
		if err := t.validate(); err != nil {
			return err
		}
		a.transitions[ev.Kind] = t
	case EventSetAutoMaster:
		a.autoMaster = ev.Value != 0
	default:
		return fmt.Errorf("unknown event type %q", ev.Type)
	}
	return nil
}

// detachFromHaVips is what the platform does when a member disappears.
func (a *account) detachFromHaVips(id string) {
	for _, h := range a.havips {
		if contains(h.Members, id) {
			a.dropMember(h, id)
		}
	}
}

// Convenience wrappers over Apply for in-process tests.
func (s *Server) DeleteInstance(account, id string) error {
	return s.Apply(Event{Type: EventDeleteInstance, Account: account, InstanceID: id})
}

func (s *Server) SetMaster(account, havipID, instanceID string) error {
	return s.Apply(Event{Type: EventSetMaster, Account: account, HaVipID: havipID, InstanceID: instanceID})
}

func (s *Server) SetQuota(account, quota string, value int) error {
	return s.Apply(Event{Type: EventSetQuota, Account: account, Quota: quota, Value: value})
}
