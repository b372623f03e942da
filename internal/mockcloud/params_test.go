package mockcloud

import (
	"net/url"
	"slices"
	"strconv"
	"testing"
)

// TestNestedListOrder: Filter.N.Value.M values reach the handler in M
// order, whatever order the keys sort in (10 sorts before 2).
func TestNestedListOrder(t *testing.T) {
	t.Parallel()
	raw := url.Values{"RegionId": {"cn-hangzhou"}, "Filter.1.Key": {"HaVipId"}}
	var want []string
	for m := 1; m <= 12; m++ {
		v := "havip-" + strconv.Itoa(m)
		raw.Set("Filter.1.Value."+strconv.Itoa(m), v)
		want = append(want, v)
	}
	p, apiErr := parseParams(apiMeta["2016-04-28"]["DescribeHaVips"], raw, true)
	if apiErr != nil {
		t.Fatal(apiErr)
	}
	items := p.lists["Filter"]
	if len(items) != 1 || !slices.Equal(items[0].lists["Value"], want) {
		t.Fatalf("Filter = %+v, want one item with Value %v", items, want)
	}
}
