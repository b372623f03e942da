package provider

import (
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Lists of IDs as the plan checks handle them: the known elements of a
// list attribute, a difference, and the sorted keys of a set.

// knownStrings returns the known elements of a list of strings, with
// their indexes, and whether the whole list is known.
func knownStrings(l types.List) (vals []string, index []int, all bool) {
	if l.IsNull() || l.IsUnknown() {
		return nil, nil, false
	}
	all = true
	for i, e := range l.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() {
			all = false
			continue
		}
		vals = append(vals, s.ValueString())
		index = append(index, i)
	}
	return vals, index, all
}

// minus returns the elements of a that are not in b, in a's order.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
