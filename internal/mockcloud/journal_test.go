package mockcloud

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// journalProbe is a ResponseWriter that notes how many journal entries
// exist at the moment the answer (or the dropped connection) leaves.
type journalProbe struct {
	http.ResponseWriter
	s    *Server
	seen int
	done bool
}

func (w *journalProbe) note() {
	if !w.done {
		w.seen, w.done = len(w.s.Journal(JournalFilter{})), true
	}
}

func (w *journalProbe) WriteHeader(code int) { w.note(); w.ResponseWriter.WriteHeader(code) }

func (w *journalProbe) Write(b []byte) (int, error) { w.note(); return w.ResponseWriter.Write(b) }

func (w *journalProbe) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.note()
	a, b := net.Pipe()
	b.Close()
	return a, nil, nil
}

// TestJournalBeforeAnswer: a client that has its answer (or has lost its
// connection) always finds the request in the journal.
func TestJournalBeforeAnswer(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Fixtures: richFixtures()})
	must(t, err)
	serve := func(action string, extra url.Values) *journalProbe {
		extra.Set("RegionId", rgHZ)
		v := signedValues(s.Credentials(), "GET", action, vpcVersion, extra)
		w := &journalProbe{ResponseWriter: httptest.NewRecorder(), s: s}
		s.ServeHTTP(w, httptest.NewRequest("GET", "/?"+v.Encode(), nil))
		return w
	}
	before := len(s.Journal(JournalFilter{}))
	if w := serve("DescribeHaVips", url.Values{}); !w.done || w.seen != before+1 {
		t.Fatalf("answer left with %d journal entries, want %d", w.seen, before+1)
	}
	if w := serve("DeleteHaVip", url.Values{"HaVipId": {"havip-none"}}); w.seen != before+2 {
		t.Fatalf("error answer left with %d journal entries, want %d", w.seen, before+2)
	}
	_, err = s.AddFault(FaultRule{Action: "CreateHaVip", Count: 1, Effect: FaultEffect{Type: FaultDropAfter}})
	must(t, err)
	if w := serve("CreateHaVip", url.Values{"VSwitchId": {vswA1}}); !w.done || w.seen != before+3 {
		t.Fatalf("connection dropped with %d journal entries, want %d", w.seen, before+3)
	}
}

// TestJournalLimit: the journal keeps the newest JournalLimit entries.
func TestJournalLimit(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, func(o *Options) { o.JournalLimit = 3 })
	for i := 0; i < 5; i++ {
		_, err := vc.DescribeVpcs(vpc.CreateDescribeVpcsRequest())
		must(t, err)
	}
	j := s.Journal(JournalFilter{})
	if len(j) != 3 || j[0].Seq != 3 || j[2].Seq != 5 || s.JournalSeq() != 5 {
		t.Fatalf("journal %+v", j)
	}
	if c := s.JournalCounts(""); c["DescribeVpcs"] != 5 {
		t.Fatalf("counts %v (counts are not trimmed)", c)
	}
}
