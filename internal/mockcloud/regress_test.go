package mockcloud

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

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

// TestTransitionSettlesToMembers: members removed by an event while a
// transition runs decide the settled status.
func TestTransitionSettlesToMembers(t *testing.T) {
	t.Parallel()
	t.Run("delay, instance deleted while Associating", func(t *testing.T) {
		t.Parallel()
		fx := richFixtures()
		fx.Transitions = map[string]Transition{"havip": {Mode: "delay", Delay: Duration(30 * time.Second)}}
		s, vc, _ := richServer(t, func(o *Options) { o.Fixtures = fx })
		id := mkHaVip(t, vc, vswA1, "").HaVipId
		s.SetClockOffset(31 * time.Second)
		must(t, associate(vc, id, ecs1, ""))
		must(t, s.DeleteInstance("", ecs1))
		s.SetClockOffset(62 * time.Second)
		if h := haVip(t, vc, id); h.Status != rulebook.StatusAvailable || len(h.AssociatedInstances.AssociatedInstance) != 0 {
			t.Fatalf("settled as %s with members %v; want Available with none", h.Status, h.AssociatedInstances.AssociatedInstance)
		}
		must(t, delHaVip(vc, id)) // deletable, since it has no members
	})
	t.Run("describes, ENI deleted while Unassociating", func(t *testing.T) {
		t.Parallel()
		s, vc, _ := richServer(t, nil)
		id := mkHaVip(t, vc, vswA1, "").HaVipId
		must(t, associate(vc, id, eniID(1), InstanceTypeEni))
		must(t, associate(vc, id, eniID(2), InstanceTypeEni))
		must(t, s.Apply(Event{Type: EventSetTransition, Kind: "havip", Transition: &Transition{Mode: "describes", Describes: 1}}))
		must(t, unassociate(vc, id, eniID(1), InstanceTypeEni, ""))
		must(t, s.Apply(Event{Type: EventDeleteENI, ENIID: eniID(2)}))
		if h := haVip(t, vc, id); h.Status != rulebook.StatusUnassociating {
			t.Fatalf("first describe: %s", h.Status)
		}
		if h := haVip(t, vc, id); h.Status != rulebook.StatusAvailable || len(h.AssociatedInstances.AssociatedInstance) != 0 {
			t.Fatalf("settled as %s with %v", h.Status, h.AssociatedInstances.AssociatedInstance)
		}
	})
}

// TestConcurrentAdminAndAPI: fixture loads, restores and resets racing
// with API calls and the accessors the command and tests use.
func TestConcurrentAdminAndAPI(t *testing.T) {
	t.Parallel()
	s, _, _ := richServer(t, nil)
	dump, err := s.Dump()
	must(t, err)
	vcs := make([]*vpc.Client, 4)
	for i := range vcs {
		vcs[i], _ = clients(t, s, s.Credentials())
	}
	var wg sync.WaitGroup
	run := func(f func(i int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				f(i)
			}
		}()
	}
	run(func(int) { _ = s.LoadFixtures(richFixtures()) })
	run(func(int) { _ = s.Restore(dump) })
	run(func(int) { _ = s.Reset("") })
	run(func(int) { _ = s.Region(); _ = s.Env(); _ = s.Accounts(); _, _ = s.Dump() })
	run(func(int) {
		if st, m := rawGet(t, s.URL()+"/_mockcloud/health"); st != 200 {
			t.Errorf("health: %d %v", st, m)
		}
	})
	for _, vc := range vcs {
		vc := vc
		run(func(int) {
			if _, err := tryCreate(vc, vswA1, ""); err != nil && !isServerError(err) {
				t.Errorf("create: %v", err)
			}
			if _, err := vc.DescribeHaVips(vpc.CreateDescribeHaVipsRequest()); err != nil {
				t.Errorf("describe: %v", err)
			}
		})
	}
	wg.Wait()
}

// TestLastTokenProcessing: a retry while the first call with the same
// ClientToken is still running is told to wait.
func TestLastTokenProcessing(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	vc2, _ := clients(t, s, s.Credentials())
	// Long enough that a loaded machine cannot let the slow call finish
	// before the retry arrives; the test does not wait it out twice.
	fid, err := s.AddFault(FaultRule{Action: "CreateHaVip", Count: 1, Effect: FaultEffect{Type: FaultLatency, Latency: Duration(3 * time.Second)}})
	must(t, err)
	create := func(vc *vpc.Client) (*vpc.CreateHaVipResponse, error) {
		req := vpc.CreateCreateHaVipRequest()
		req.VSwitchId = vswA1
		req.ClientToken = "slow-tok"
		return vc.CreateHaVip(req)
	}
	type result struct {
		r   *vpc.CreateHaVipResponse
		err error
	}
	slow := make(chan result, 1)
	go func() { r, err := create(vc); slow <- result{r, err} }()
	// Wait until the slow call holds the token (the state the mock
	// dumps shows it processing), and has picked its fault.
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		f, _ := s.Fault(fid)
		if f.Fired == 1 && tokenProcessing(t, s) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow call never claimed its token")
		}
	}
	_, err = create(vc2)
	serverErr(t, err, 400, "LastTokenProcessing")
	first := <-slow
	must(t, first.err)
	again, err := create(vc2)
	must(t, err)
	if again.HaVipId != first.r.HaVipId {
		t.Fatalf("after the slow call: %s, want %s", again.HaVipId, first.r.HaVipId)
	}
}

// tokenProcessing reports whether a call with a ClientToken of the
// server's first account is still running, as its dumped state says.
func tokenProcessing(t *testing.T, s *Server) bool {
	t.Helper()
	b, err := s.Dump()
	must(t, err)
	var st struct {
		Accounts []struct {
			Tokens map[string]struct {
				Processing bool `json:"processing"`
			} `json:"tokens"`
		} `json:"accounts"`
	}
	must(t, json.Unmarshal(b, &st))
	for _, a := range st.Accounts {
		for _, rec := range a.Tokens {
			if rec.Processing {
				return true
			}
		}
	}
	return false
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

// TestTLS: the SDK reaches the HTTPS endpoint when it trusts the mock's CA.
func TestTLS(t *testing.T) {
	t.Parallel()
	s := testServer(t, Options{TLS: true, Fixtures: richFixtures()})
	if s.Scheme() != "https" || len(s.CACertPEM()) == 0 {
		t.Fatalf("scheme %s, CA %d bytes", s.Scheme(), len(s.CACertPEM()))
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CACertPEM()) {
		t.Fatal("CA PEM does not parse")
	}
	c := s.Credentials()
	sdkInit.Lock()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTPS"
	cfg.HttpTransport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	vc, err := vpc.NewClientWithOptions(s.Region(), cfg, credentials.NewStaticAKCredentialsProvider(c.AccessKeyID, c.AccessKeySecret))
	sdkInit.Unlock()
	must(t, err)
	vc.Domain = s.Endpoint()
	mkHaVip(t, vc, vswA1, "")
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("%d HaVips over HTTPS", n)
	}
}
