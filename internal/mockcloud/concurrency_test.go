package mockcloud

import (
	"errors"
	"sync"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// race runs n workers at once, each with its own SDK client (SDK clients
// are not goroutine-safe), and returns each worker's errors.
func race(t *testing.T, s *Server, n int, work func(i int, vc *vpc.Client) []error) [][]error {
	t.Helper()
	vcs := make([]*vpc.Client, n)
	for i := range vcs {
		vcs[i], _ = clients(t, s, s.Credentials())
	}
	out := make([][]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			out[i] = work(i, vcs[i])
		}(i)
	}
	close(start)
	wg.Wait()
	return out
}

// tally counts successes and error codes; any error that is not an API
// error is reported.
func tally(t *testing.T, results [][]error) (ok int, codes map[string]int) {
	t.Helper()
	codes = map[string]int{}
	for _, errs := range results {
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			var se *sdkerrors.ServerError
			if !errors.As(err, &se) {
				t.Fatalf("not an API error: %v", err)
			}
			codes[se.ErrorCode()]++
		}
	}
	return ok, codes
}

// TestConcurrentCreateQuota: 16 goroutines race to create 64 HaVips past a
// quota of 20.
func TestConcurrentCreateQuota(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	must(t, s.SetQuota("", QuotaHaVipsPerAccount, 20))
	res := race(t, s, 16, func(i int, vc *vpc.Client) []error {
		var errs []error
		for j := 0; j < 4; j++ {
			_, err := tryCreate(vc, vswA1, "")
			errs = append(errs, err)
		}
		return errs
	})
	ok, codes := tally(t, res)
	if ok != 20 || codes["QuotaExceeded.HaVip"] != 44 || len(codes) != 1 {
		t.Fatalf("%d created, errors %v; want 20 created and 44 QuotaExceeded.HaVip", ok, codes)
	}
	got := listHaVips(t, vc, nil)
	if len(got) != 20 {
		t.Fatalf("%d HaVips exist, quota is 20", len(got))
	}
	ips := map[string]bool{}
	for _, h := range got {
		if ips[h.IpAddress] {
			t.Fatalf("IP %s assigned twice under concurrency", h.IpAddress)
		}
		ips[h.IpAddress] = true
	}
}

// TestConcurrentFixedIP: many goroutines race for one fixed IP; exactly
// one gets it.
func TestConcurrentFixedIP(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	res := race(t, s, 12, func(i int, vc *vpc.Client) []error {
		_, err := tryCreate(vc, vswA1, "192.168.0.99")
		return []error{err}
	})
	ok, codes := tally(t, res)
	if ok != 1 || codes["InvalidIPAddress.AlreadyUsed"] != 11 {
		t.Fatalf("%d got the IP, errors %v", ok, codes)
	}
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("%d HaVips", n)
	}
}

// TestConcurrentAssociateMembers: 20 ENIs race onto one HaVip; exactly 10
// make it.
func TestConcurrentAssociateMembers(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	id := mkHaVip(t, vc, vswA1, "").HaVipId
	res := race(t, s, 20, func(i int, vc *vpc.Client) []error {
		return []error{associate(vc, id, eniID(i+1), InstanceTypeEni)}
	})
	ok, codes := tally(t, res)
	if ok != 10 || codes["CountLimitExceeded.HaVipOnECSInstance"] != 10 {
		t.Fatalf("%d associated, errors %v; want 10 and 10 CountLimitExceeded.HaVipOnECSInstance", ok, codes)
	}
	h := haVip(t, vc, id)
	members := h.AssociatedInstances.AssociatedInstance
	seen := map[string]bool{}
	for _, m := range members {
		if seen[m] {
			t.Fatalf("member %s listed twice", m)
		}
		seen[m] = true
	}
	if len(members) != 10 || h.AssociatedInstanceType != InstanceTypeEni || h.Status != rulebook.StatusInUse {
		t.Fatalf("HaVip after the race: %d members, %+v", len(members), h)
	}
}

// TestConcurrentHaVipsOnInstance: 8 HaVips race onto one instance; never
// more than 5 succeed.
func TestConcurrentHaVipsOnInstance(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	var ids []string
	for i := 0; i < 8; i++ {
		ids = append(ids, mkHaVip(t, vc, vswA1, "").HaVipId)
	}
	res := race(t, s, 8, func(i int, vc *vpc.Client) []error {
		return []error{associate(vc, ids[i], ecs1, "")}
	})
	ok, codes := tally(t, res)
	if ok != 5 || codes["CountLimitExceed.HaVipOnInstance"] != 3 {
		t.Fatalf("%d associated, errors %v; want 5 and 3 CountLimitExceed.HaVipOnInstance", ok, codes)
	}
	n := 0
	for _, h := range listHaVips(t, vc, map[string][]string{"Status": {rulebook.StatusInUse}}) {
		if contains(h.AssociatedInstances.AssociatedInstance, ecs1) {
			n++
		}
	}
	if n != 5 {
		t.Fatalf("%s is a member of %d HaVips", ecs1, n)
	}
}

// TestConcurrentMixed runs creates, associates, describes, deletes and
// admin calls at once under -race: the point is the race detector and the
// invariants afterwards, not the individual outcomes.
func TestConcurrentMixed(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	base := mkHaVip(t, vc, vswA1, "").HaVipId
	res := race(t, s, 12, func(i int, vc *vpc.Client) []error {
		var errs []error
		for j := 0; j < 5; j++ {
			switch (i + j) % 4 {
			case 0:
				r, err := tryCreate(vc, vswA1, "")
				errs = append(errs, err)
				if err == nil {
					errs = append(errs, delHaVip(vc, r.HaVipId))
				}
			case 1:
				err := associate(vc, base, eniID(1+(i+j)%20), InstanceTypeEni)
				var se *sdkerrors.ServerError
				if errors.As(err, &se) && (se.ErrorCode() == "OperationFailed.InstanceAlreadyAssociated" || se.ErrorCode() == "CountLimitExceeded.HaVipOnECSInstance") {
					err = nil
				}
				errs = append(errs, err)
			case 2:
				_, err := vc.DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
				errs = append(errs, err)
			case 3:
				_ = s.Journal(JournalFilter{})
				_, _ = s.Dump()
				_ = s.SetMaster("", base, "")
			}
		}
		return errs
	})
	_, codes := tally(t, res)
	if len(codes) != 0 {
		t.Fatalf("unexpected errors: %v", codes)
	}
	h := haVip(t, vc, base)
	if n := len(h.AssociatedInstances.AssociatedInstance); n > 10 {
		t.Fatalf("%d members", n)
	}
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("%d HaVips left; every create was paired with a delete", n)
	}
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
