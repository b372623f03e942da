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
