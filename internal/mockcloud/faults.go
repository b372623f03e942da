package mockcloud

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// Fault effect types.
const (
	FaultError      = "error"       // answer with Status/Code/Message, nothing committed
	FaultThrottle   = "throttle"    // 400 Throttling.User, nothing committed
	FaultLatency    = "latency"     // wait Latency, then serve normally
	FaultDropBefore = "drop_before" // close the connection before anything is committed
	FaultDropAfter  = "drop_after"  // commit, then close the connection without answering
	FaultConflict   = "conflict"    // the action's own "resource busy" error
)

// FaultRule injects a fault into matching requests. Rules are checked in
// order and the first that fires wins. A rule fires on the next Count
// matches (after skipping the first After), or with Probability drawn from
// its own generator seeded by Seed, so runs repeat.
type FaultRule struct {
	ID          string      `json:"id,omitempty"`
	Product     string      `json:"product,omitempty"`  // Vpc or Ecs; empty = any
	Action      string      `json:"action,omitempty"`   // empty or "*" = any
	Account     string      `json:"account,omitempty"`  // account ID or AccessKeyId; empty = any
	Resource    string      `json:"resource,omitempty"` // fires only when a parameter equals this ID
	After       int         `json:"after,omitempty"`
	Count       int         `json:"count,omitempty"`
	Probability float64     `json:"probability,omitempty"`
	Seed        uint64      `json:"seed,omitempty"`
	Effect      FaultEffect `json:"effect"`

	Matched int `json:"matched"`
	Fired   int `json:"fired"`
}

type FaultEffect struct {
	Type    string   `json:"type"`
	Status  int      `json:"status,omitempty"`
	Code    string   `json:"code,omitempty"`
	Message string   `json:"message,omitempty"`
	Latency Duration `json:"latency,omitempty"`
}

func (r *FaultRule) validate() error {
	if r.Count < 0 || r.After < 0 {
		return fmt.Errorf("fault rule: count and after must not be negative")
	}
	if (r.Count > 0) == (r.Probability > 0) {
		return fmt.Errorf("fault rule: give exactly one of count (next N matches) or probability (0 < p ≤ 1)")
	}
	if r.Probability < 0 || r.Probability > 1 {
		return fmt.Errorf("fault rule: probability %v is outside (0, 1]", r.Probability)
	}
	if r.Product != "" && r.Product != "Vpc" && r.Product != "Ecs" {
		return fmt.Errorf("fault rule: product %q is not Vpc or Ecs", r.Product)
	}
	switch r.Effect.Type {
	case FaultError:
		if r.Effect.Status < 400 || r.Effect.Status > 599 || r.Effect.Code == "" {
			return fmt.Errorf("fault rule: an error effect needs a 4xx/5xx status and a code")
		}
	case FaultLatency:
		if r.Effect.Latency <= 0 {
			return fmt.Errorf("fault rule: a latency effect needs a positive latency")
		}
	case FaultThrottle, FaultDropBefore, FaultDropAfter, FaultConflict:
	default:
		return fmt.Errorf("fault rule: unknown effect type %q", r.Effect.Type)
	}
	return nil
}

type faultState struct {
	rule FaultRule
	rng  *rand.Rand
	done bool
}

type faultSet struct {
	mu    sync.Mutex
	next  int
	rules []*faultState
}

func (f *faultSet) add(r FaultRule) (string, error) {
	if err := r.validate(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	if r.ID == "" {
		r.ID = "fault-" + strconv.Itoa(f.next)
	}
	for _, s := range f.rules {
		if s.rule.ID == r.ID {
			return "", fmt.Errorf("fault rule %q already exists", r.ID)
		}
	}
	r.Matched, r.Fired = 0, 0
	f.rules = append(f.rules, &faultState{rule: r, rng: rand.New(rand.NewPCG(r.Seed, r.Seed^0x9e3779b97f4a7c15))})
	return r.ID, nil
}

func (f *faultSet) remove(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.rules {
		if s.rule.ID == id {
			f.rules = append(f.rules[:i], f.rules[i+1:]...)
			return true
		}
	}
	return false
}

func (f *faultSet) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

func (f *faultSet) list() []FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []FaultRule{}
	for _, s := range f.rules {
		out = append(out, s.rule)
	}
	return out
}

func (f *faultSet) get(id string) (FaultRule, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.rules {
		if s.rule.ID == id {
			return s.rule, true
		}
	}
	return FaultRule{}, false
}

type faultReq struct {
	product, action, account, accessKey string
	p                                   *params
}

func (q faultReq) mentions(id string) bool {
	for _, v := range q.p.scalars {
		if v == id {
			return true
		}
	}
	for _, items := range q.p.lists {
		for _, it := range items {
			if it.value == id {
				return true
			}
		}
	}
	return false
}

// pick returns the effect of the first rule that fires, if any.
func (f *faultSet) pick(q faultReq) (*FaultEffect, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.rules {
		r := &s.rule
		if s.done ||
			(r.Product != "" && r.Product != q.product) ||
			(r.Action != "" && r.Action != "*" && r.Action != q.action) ||
			(r.Account != "" && r.Account != q.account && r.Account != q.accessKey) ||
			(r.Resource != "" && !q.mentions(r.Resource)) {
			continue
		}
		r.Matched++
		if r.Matched <= r.After {
			continue
		}
		if r.Count > 0 {
			if r.Fired >= r.Count {
				s.done = true
				continue
			}
		} else if s.rng.Float64() >= r.Probability {
			continue
		}
		r.Fired++
		if r.Count > 0 && r.Fired >= r.Count {
			s.done = true
		}
		e := r.Effect
		return &e, r.ID + ":" + e.Type
	}
	return nil, ""
}

// conflictFor is the error a real service answers when the resource an
// action touches is busy with another operation.
func conflictFor(action string) *APIError {
	switch action {
	case "AssociateHaVip", "UnassociateHaVip", "AssociateEipAddress", "UnassociateEipAddress":
		return badRequest(rulebook.CodeIncorrectHaVipStatus, "The HaVip is being modified by another operation; retry when it is Available or InUse.")
	case "CreateRouteEntry", "DeleteRouteEntry":
		return badRequest("TaskConflict", "The route table is being changed by another operation; retry when the change has finished.")
	case "DeleteHaVip", "ModifyHaVipAttribute":
		return badRequest(rulebook.CodeIncorrectStatus, "The HaVip can be modified or deleted only when it is Available or InUse.")
	}
	return apiErr(http.StatusConflict, "OperationConflict", "The request conflicts with another operation in progress; try again later.")
}

// AddFault installs a fault rule and returns its ID.
func (s *Server) AddFault(r FaultRule) (string, error) { return s.faults.add(r) }

// RemoveFault deletes one rule; ClearFaults all of them.
func (s *Server) RemoveFault(id string) bool { return s.faults.remove(id) }
func (s *Server) ClearFaults()               { s.faults.clear() }
func (s *Server) Faults() []FaultRule        { return s.faults.list() }

// Fault returns a rule with its match and fire counters.
func (s *Server) Fault(id string) (FaultRule, bool) { return s.faults.get(id) }
