package provider

import "sync"

// plannedRoutes remembers, within one provider process, the route entries
// planned but not yet visible in the API, so that the sixth HaVip route of
// a table is refused at plan time even when all six are planned in the
// same run. Keys are a table and a destination: a destination is routed
// once per table, so planning the same resource twice counts once.
//
// It also remembers the entries that planned replacements delete before
// creating their successor (Terraform's default order), which the rules
// must not count; Terraform plans the create half of a replacement again
// from a null prior state that no longer names the entry it replaces.
type plannedRoutes struct {
	mu       sync.Mutex
	byTable  map[string]map[string]string // table → destination → HaVip ID ("" while unknown)
	replaced map[string]bool              // route entry IDs deleted before their successor
}

func newPlannedRoutes() *plannedRoutes {
	return &plannedRoutes{byTable: map[string]map[string]string{}, replaced: map[string]bool{}}
}

// reserve records a planned entry and returns the other destinations
// planned for the table with their HaVips.
func (p *plannedRoutes) reserve(tableID, dest, havipID string) map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	others := map[string]string{}
	for d, h := range p.byTable[tableID] {
		if d != dest {
			others[d] = h
		}
	}
	if p.byTable[tableID] == nil {
		p.byTable[tableID] = map[string]string{}
	}
	p.byTable[tableID][dest] = havipID
	return others
}

// planned reports the HaVip planned for a destination of the table.
func (p *plannedRoutes) planned(tableID, dest string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h, ok := p.byTable[tableID][dest]
	return h, ok
}

// release forgets a planned entry that was refused, created or failed.
func (p *plannedRoutes) release(tableID, dest string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.byTable[tableID], dest)
}

func (p *plannedRoutes) replace(entryID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.replaced[entryID] = true
}

func (p *plannedRoutes) isReplaced(entryID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.replaced[entryID]
}
