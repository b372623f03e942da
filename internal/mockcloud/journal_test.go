package mockcloud

import (
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// Committed marks the requests that changed state, including one whose
// answer was dropped, and not a replay or a refusal: what a duplicate
// check counts.
func TestJournalCommitted(t *testing.T) {
	s := testServer(t, Options{})
	vc, _ := clients(t, s, s.Credentials())
	if _, err := s.AddFault(FaultRule{Action: "CreateHaVip", Count: 1, Effect: FaultEffect{Type: FaultDropAfter}}); err != nil {
		t.Fatal(err)
	}
	req := vpc.CreateCreateHaVipRequest()
	req.VSwitchId = SeedFixtures().VSwitches[0].ID
	req.IpAddress = "192.168.0.24"
	req.ClientToken = "tok-committed"
	if _, err := vc.CreateHaVip(req); err == nil {
		t.Fatal("the dropped answer reached the client")
	}
	if _, err := vc.CreateHaVip(req); err != nil { // replay of the first result
		t.Fatal(err)
	}
	bad := vpc.CreateCreateHaVipRequest()
	bad.VSwitchId = req.VSwitchId
	bad.IpAddress = "192.168.0.24"
	_, err := vc.CreateHaVip(bad)
	serverErr(t, err, 400, "InvalidIPAddress.AlreadyUsed")
	d := vpc.CreateDescribeHaVipsRequest()
	if _, err := vc.DescribeHaVips(d); err != nil {
		t.Fatal(err)
	}
	var got []bool
	for _, e := range s.Journal(JournalFilter{}) {
		got = append(got, e.Committed)
	}
	want := []bool{true, false, false, false} // dropped-but-done, replay, refusal, describe
	if len(got) != len(want) {
		t.Fatalf("journal has %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Committed = %v, want %v", got, want)
		}
	}
}
