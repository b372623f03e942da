package mockcloud

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

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

// TestClientToken: same token and parameters → the first answer, nothing
// created; same token, other parameters → IdempotentParameterMismatch.
func TestClientToken(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	create := func(token, name string) (*vpc.CreateHaVipResponse, error) {
		req := vpc.CreateCreateHaVipRequest()
		req.VSwitchId = vswA1
		req.Name = name
		req.ClientToken = token
		return vc.CreateHaVip(req)
	}
	first, err := create("tok-1", "a")
	must(t, err)
	for i := 0; i < 3; i++ {
		again, err := create("tok-1", "a")
		must(t, err)
		if again.HaVipId != first.HaVipId || again.IpAddress != first.IpAddress {
			t.Fatalf("retry %d answered %s/%s, first was %s/%s", i, again.HaVipId, again.IpAddress, first.HaVipId, first.IpAddress)
		}
		if again.RequestId == first.RequestId {
			t.Fatal("a replayed answer reuses the first RequestId")
		}
	}
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("%d HaVips after retries with one token", n)
	}
	_, err = create("tok-1", "b")
	serverErr(t, err, 400, "IdempotentParameterMismatch")
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("%d HaVips after a mismatched token", n)
	}
	// Another token creates another HaVip; a token is per action.
	second, err := create("tok-2", "a")
	must(t, err)
	if second.HaVipId == first.HaVipId {
		t.Fatal("a new token returned the old HaVip")
	}
	// A refused call leaves its token free.
	bad := vpc.CreateCreateHaVipRequest()
	bad.VSwitchId = vswA1
	bad.IpAddress = "192.168.0.255"
	bad.ClientToken = "tok-3"
	_, err = vc.CreateHaVip(bad)
	serverErr(t, err, 400, "InvalidIPAddress.NotAvailable")
	if _, err := create("tok-3", "c"); err != nil {
		t.Fatalf("token of a refused call could not be reused: %v", err)
	}
	// Tokens on Associate: a retry does not fail as "already associated".
	areq := vpc.CreateAssociateHaVipRequest()
	areq.HaVipId = first.HaVipId
	areq.InstanceId = ecs1
	areq.ClientToken = "assoc-1"
	_, err = vc.AssociateHaVip(areq)
	must(t, err)
	areq2 := vpc.CreateAssociateHaVipRequest()
	areq2.HaVipId = first.HaVipId
	areq2.InstanceId = ecs1
	areq2.ClientToken = "assoc-1"
	_, err = vc.AssociateHaVip(areq2)
	must(t, err)
	// Tokens belong to an account.
	c2, err := s.NewAccount()
	must(t, err)
	vc2 := vpcClientIn(t, s, c2, rgHZ)
	other, err := func() (*vpc.CreateHaVipResponse, error) {
		req := vpc.CreateCreateHaVipRequest()
		req.VSwitchId = vswA1
		req.Name = "a"
		req.ClientToken = "tok-1"
		return vc2.CreateHaVip(req)
	}()
	must(t, err)
	if other.HaVipId == first.HaVipId {
		t.Fatal("another account's token returned this account's HaVip")
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
