package mockcloud

import "time"

// call is what an action handler sees: the account, locked for the whole
// call, and the validated parameters.
type call struct {
	s      *Server
	req    *request
	a      *account
	p      *params
	now    time.Time
	region string
}

type handler func(c *call) (any, *APIError)

// dispatch runs the action's handler under the account lock, after letting
// timed transitions that are due take effect.
func (s *Server) dispatch(req *request) (any, *APIError) {
	r, ok := actionTable[actionKey{req.version, req.action}]
	if !ok {
		return nil, apiErr(501, "NotImplemented", "%s %s is described but not implemented by this mock.", req.action, req.version)
	}
	a := req.acct
	if a == nil {
		// An anonymous STS call naming no account the mock knows: its
		// handler refuses it without touching any account.
		return r.handle(&call{s: s, req: req, p: req.p, now: s.now(), region: req.p.str("RegionId")})
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c := &call{s: s, req: req, a: a, p: req.p, now: s.now(), region: req.p.str("RegionId")}
	a.settle(c.now)
	return r.handle(c)
}
