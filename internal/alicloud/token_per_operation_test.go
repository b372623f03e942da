package alicloud

import (
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// One ClientToken per logical operation, counted in the mock's journal
// across every attempt: the transport's retries of one request, and the
// operation's own rounds after the transport gave up on answers lost after
// the commit or after the service said the HaVip or EIP was busy. A token
// drawn per round would let a round act again on what an earlier round
// already did.
func TestOneTokenPerOperationUnderFaults(t *testing.T) {
	faults := []struct {
		name    string
		effect  mockcloud.FaultEffect
		count   int
		entries int // attempts the operation makes
	}{
		// Five answers lost after the first commit: the transport gives
		// up and the operation sends once more, answered from the record.
		{"answers lost after the commit", mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}, 5, 6},
		{"busy twice", mockcloud.FaultEffect{Type: mockcloud.FaultConflict}, 2, 3},
		{"throttled twice", mockcloud.FaultEffect{Type: mockcloud.FaultThrottle}, 2, 3},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			s, cred, c := setup(t, mockcloud.Options{})
			h := mustCreate(t, c, CreateHaVipInput{})
			if _, err := c.AssociateHaVip(testCtx(t), h.ID, seedECS1, ""); err != nil {
				t.Fatal(err)
			}
			for _, op := range []struct {
				action string
				call   func() error
			}{
				{"AssociateEipAddress", func() error { _, err := c.AssociateEIP(testCtx(t), h.ID, seedEIP); return err }},
				{"UnassociateEipAddress", func() error { return c.UnassociateEIP(testCtx(t), h.ID, seedEIP, false) }},
				{"UnassociateHaVip", func() error { return c.UnassociateHaVip(testCtx(t), h.ID, seedECS1, "", false) }},
			} {
				since := s.JournalSeq()
				addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: op.action, Count: f.count, Effect: f.effect})
				if err := op.call(); err != nil {
					t.Fatalf("%s: %v", op.action, err)
				}
				entries := journalSince(s, cred, op.action, since)
				if len(entries) != f.entries {
					t.Fatalf("%s: want %d attempts:%s", op.action, f.entries, describeEntries(entries))
				}
				sameToken(t, entries)
				committed := 0
				for _, e := range entries {
					if e.Committed {
						committed++
					}
				}
				if committed != 1 {
					t.Fatalf("%s committed %d times:%s", op.action, committed, describeEntries(entries))
				}
			}
		})
	}
}
