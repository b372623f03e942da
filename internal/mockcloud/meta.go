package mockcloud

// actionMeta describes one action's request surface, as generated from
// Alibaba's OpenAPI metadata into zz_apimeta.go.
type actionMeta struct {
	Product string
	Version string
	Name    string
	Params  []paramMeta
}

// paramMeta is one request parameter. RepeatList parameters arrive as
// Name.N (scalar items) or Name.N.Sub (object items, whose Sub may itself
// be a RepeatList: Filter.N.Value.M).
type paramMeta struct {
	Name     string
	Type     string
	Required bool
	Sub      []paramMeta
}

func (a *actionMeta) param(name string) *paramMeta {
	for i := range a.Params {
		if a.Params[i].Name == name {
			return &a.Params[i]
		}
	}
	return nil
}

func (p *paramMeta) sub(name string) *paramMeta {
	for i := range p.Sub {
		if p.Sub[i].Name == name {
			return &p.Sub[i]
		}
	}
	return nil
}

// mutating reports whether an action changes state; the journal marks these
// so tests can assert that a refused plan made no mutating call. An action
// described but not served counts as mutating: the safe side for that proof.
func (a *actionMeta) mutating() bool {
	return !actionTable[actionKey{a.Version, a.Name}].reads
}
