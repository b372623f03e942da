package alicloud

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// describedHaVips is the set of HaVip IDs a DescribeHaVips call asked for;
// nil means every HaVip (no HaVipId filter).
func describedHaVips(e mockcloud.JournalEntry) map[string]bool {
	var ids map[string]bool
	for k, v := range e.Params {
		if strings.HasPrefix(k, "Filter.") && strings.HasSuffix(k, ".Key") && v == "HaVipId" {
			prefix := strings.TrimSuffix(k, "Key") + "Value."
			ids = map[string]bool{}
			for k2, v2 := range e.Params {
				if strings.HasPrefix(k2, prefix) {
					ids[v2] = true
				}
			}
		}
	}
	return ids
}

// overlappingDescribes finds two DescribeHaVips calls that were in flight
// at the same moment (as the mock timed them) for a common HaVip.
func overlappingDescribes(entries []mockcloud.JournalEntry) string {
	type span struct {
		from, to time.Time
		ids      map[string]bool
		seq      int64
	}
	var spans []span
	for _, e := range entries {
		if e.Action != "DescribeHaVips" {
			continue
		}
		spans = append(spans, span{e.Time, e.Time.Add(time.Duration(e.Millis * float64(time.Millisecond))), describedHaVips(e), e.Seq})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from.Before(spans[j].from) })
	for i := range spans {
		for j := i + 1; j < len(spans) && spans[j].from.Before(spans[i].to); j++ {
			a, b := spans[i], spans[j]
			for id := range a.ids {
				if a.ids == nil || b.ids == nil || b.ids[id] {
					return fmt.Sprintf("calls %d and %d both describe %s at %s", a.seq, b.seq, id, b.from.Format("15:04:05.000000"))
				}
			}
			if a.ids == nil && b.ids == nil {
				return fmt.Sprintf("calls %d and %d both list every HaVip", a.seq, b.seq)
			}
		}
	}
	return ""
}

// TestOneDescribePerHaVipInFlight: ten associations queued on one HaVip,
// a second HaVip's create and delete, and readers polling both, all in one
// client with transitions that last: the journal never shows two
// DescribeHaVips for the same HaVip in flight at once.
func TestOneDescribePerHaVipInFlight(t *testing.T) {
	fx := mockcloud.SeedFixtures()
	var enis []string
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("eni-bp1testeni%011d", i)
		enis = append(enis, id)
		fx.ENIs = append(fx.ENIs, mockcloud.FixtureENI{ID: id, VSwitchID: seedVSwitch,
			PrivateIP: fmt.Sprintf("192.168.0.%d", 40+i), InstanceID: []string{seedECS1, seedECS2}[i%2]})
	}
	ts, err := mockcloud.TransitionProfile("realistic,havip=30ms,eip=30ms")
	if err != nil {
		t.Fatal(err)
	}
	s, cred, c := setup(t, mockcloud.Options{Fixtures: fx, Transitions: ts})
	h := mustCreate(t, c, CreateHaVipInput{})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for _, id := range enis {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.AssociateHaVip(testCtx(t), h.ID, id, ""); err != nil {
				errs <- fmt.Errorf("associate %s: %w", id, err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		other, err := c.CreateHaVip(testCtx(t), CreateHaVipInput{VSwitchID: seedVSwitch})
		if err == nil {
			err = c.DeleteHaVip(testCtx(t), other.ID)
		}
		if err != nil {
			errs <- err
		}
	}()
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if _, err := c.FreshHaVip(testCtx(t), h.ID); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	entries := journal(s, cred, "")
	if n := len(journal(s, cred, "DescribeHaVips")); n < 20 {
		t.Fatalf("only %d DescribeHaVips: the test did not load the reader", n)
	}
	if msg := overlappingDescribes(entries); msg != "" {
		t.Fatal(msg)
	}
}

// TestReadsServeFromWhatWasSeen: a Read after a mutation is answered by
// what the waiter saw; a second Read by what the first saw; a Fresh read
// always asks the service; concurrent Reads of many HaVips share calls.
func TestReadsServeFromWhatWasSeen(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	if _, err := c.AssociateHaVip(testCtx(t), h.ID, seedECS1, ""); err != nil {
		t.Fatal(err)
	}
	since := s.JournalSeq()
	got, err := c.ReadHaVip(testCtx(t), h.ID)
	if err != nil || !got.HasMember(seedECS1) || got.Status != "InUse" {
		t.Fatalf("Read after associate: %+v, %v", got, err)
	}
	if n := len(journalSince(s, cred, "DescribeHaVips", since)); n != 0 {
		t.Fatalf("the Read after the waiter called DescribeHaVips %d times", n)
	}
	if _, err := c.FreshHaVip(testCtx(t), h.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(journalSince(s, cred, "DescribeHaVips", since)); n != 1 {
		t.Fatalf("a Fresh read must describe: %d calls", n)
	}
	// Changed behind the client's back: a new client (a new Terraform
	// command) sees it at once.
	if err := s.DeleteInstance(cred.AccountID, seedECS1); err != nil {
		t.Fatal(err)
	}
	fresh := newClient(t, testConfig(s, cred))
	if got, err := fresh.ReadHaVip(testCtx(t), h.ID); err != nil || got.HasMember(seedECS1) {
		t.Fatalf("a new client read a stale HaVip: %+v, %v", got, err)
	}

	// Fifty HaVips read at once by a new client: one call per page of 50.
	var ids []string
	for i := 0; i < 49; i++ {
		ids = append(ids, mustCreate(t, c, CreateHaVipInput{}).ID)
	}
	ids = append(ids, h.ID)
	reader := newClient(t, testConfig(s, cred))
	since = s.JournalSeq()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 { // a HaVip and two attachments refreshing
				if _, err := reader.ReadHaVip(testCtx(t), id); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(journalSince(s, cred, "DescribeHaVips", since)); n > 3 {
		t.Fatalf("50 HaVips read three times each cost %d DescribeHaVips, want at most 3", n)
	}
}
