package mockcloud

import (
	"strconv"
	"strings"
)

// Time formats of the answers: VPC actions give seconds, ECS minutes.
const (
	timeFmt    = "2006-01-02T15:04:05Z"
	timeFmtEcs = "2006-01-02T15:04Z"
)

// page applies PageNumber/PageSize the way the describe APIs do: 1-based
// pages, a per-action maximum, never a short page except the last.
func (c *call) page(defSize, maxSize int) (number, size int, err *APIError) {
	number, err = c.p.intIn("PageNumber", 1, 1, 1<<30)
	if err != nil {
		return
	}
	size, err = c.p.intIn("PageSize", defSize, 1, maxSize)
	return
}

func pageBounds(total, number, size int) (int, int) {
	start := (number - 1) * size
	if start > total {
		start = total
	}
	end := start + size
	if end > total {
		end = total
	}
	return start, end
}

func (c *call) ownerID() int64 {
	n, _ := strconv.ParseInt(c.a.ID, 10, 64)
	return n
}

// csv splits the comma-separated ID lists DescribeEipAddresses and
// DescribeVpcs take.
func csv(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func set(vals []string) map[string]bool {
	m := make(map[string]bool, len(vals))
	for _, v := range vals {
		m[v] = true
	}
	return m
}

// listFiltersOut is filtersOut for a filter that takes a list of values
// (IDs, addresses): given, it lets through only the values it lists.
func listFiltersOut(list map[string]bool, v string) bool {
	return len(list) > 0 && !list[v]
}

// regional is a record of a resource that lives in one region.
type regional interface{ regionID() string }

func (r *vswitchRec) regionID() string    { return r.Region }
func (r *instanceRec) regionID() string   { return r.Region }
func (r *eniRec) regionID() string        { return r.Region }
func (r *havipRec) regionID() string      { return r.Region }
func (r *eipRec) regionID() string        { return r.Region }
func (r *routeTableRec) regionID() string { return r.Region }

// inRegion is the record recs holds for id when it is a resource of the
// call's region. The API does not look across regions: a resource of
// another region is as absent as one that never existed.
func inRegion[R regional](c *call, recs map[string]R, id string) (R, bool) {
	r, ok := recs[id]
	if !ok || r.regionID() != c.region {
		var none R
		return none, false
	}
	return r, true
}

// lookup is inRegion answering an absent resource as the API does: 404
// with code, in words that name the kind of resource and the region.
func lookup[R regional](c *call, recs map[string]R, id, code, kind string) (R, *APIError) {
	r, ok := inRegion(c, recs, id)
	if !ok {
		return r, notFound(code, "The specified %s %q does not exist in region %s.", kind, id, c.region)
	}
	return r, nil
}
