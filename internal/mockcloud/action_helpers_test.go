package mockcloud

import "testing"

// TestLookupSeesOneRegion: a resource of another region is answered as
// one that does not exist, in the API's words for that kind of resource.
func TestLookupSeesOneRegion(t *testing.T) {
	t.Parallel()
	havips := map[string]*havipRec{
		"havip-here":  {ID: "havip-here", Region: "cn-hangzhou"},
		"havip-there": {ID: "havip-there", Region: "cn-shanghai"},
	}
	c := &call{region: "cn-hangzhou"}
	if h, err := lookup(c, havips, "havip-here", "InvalidHaVipId.NotFound", "HaVip"); err != nil || h.ID != "havip-here" {
		t.Fatalf("lookup of a HaVip of the call's region = %v, %v; want it found", h, err)
	}
	for _, id := range []string{"havip-there", "havip-never"} {
		h, err := lookup(c, havips, id, "InvalidHaVipId.NotFound", "HaVip")
		if h != nil || err == nil {
			t.Fatalf("lookup(%s) = %v, %v; want not found", id, h, err)
		}
		want := APIError{Status: 404, Code: "InvalidHaVipId.NotFound",
			Message: `The specified HaVip "` + id + `" does not exist in region cn-hangzhou.`}
		if *err != want {
			t.Errorf("lookup(%s) answered %+v; want %+v", id, *err, want)
		}
	}
}
