package provider

// The route entries of the plan, so that the sixth HaVip route of a table
// is refused at plan time even when all six are planned in the same run.
// Keys are a table and a destination: a destination is routed once per
// table, so planning the same resource twice counts once.

// route reserves a planned entry and returns the other destinations
// planned for the table with their HaVips.
func (r *reservation) route(tableID, dest, havipID string) map[string]string {
	p := r.p
	defer p.lock()()
	r.routes = append(r.routes, [2]string{tableID, dest})
	others := map[string]string{}
	for d, h := range p.routes[tableID] {
		if d != dest {
			others[d] = h
		}
	}
	putIn(p.routes, tableID, dest, havipID)
	return others
}

// plannedRoute reports the HaVip planned for a destination of the table.
func (p *planRegistry) plannedRoute(tableID, dest string) (string, bool) {
	defer p.lock()()
	h, ok := p.routes[tableID][dest]
	return h, ok
}

// releaseRoute forgets a planned entry that was created or failed.
func (p *planRegistry) releaseRoute(tableID, dest string) {
	defer p.lock()()
	delete(p.routes[tableID], dest)
}

// replaceRoute records that a planned replacement deletes entry entryID
// before creating its successor (Terraform plans the create half again
// from a null prior state that no longer names the entry it replaces).
func (p *planRegistry) replaceRoute(entryID string) { p.mark(p.replacedRoutes, entryID) }

// routeReplaced reports whether a planned replacement deletes the entry
// first.
func (p *planRegistry) routeReplaced(entryID string) bool { return p.marked(p.replacedRoutes, entryID) }
