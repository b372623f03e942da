package alicloud

import (
	"testing"
	"time"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// noTokenFaults are the faults a call without a ClientToken must survive
// committing exactly once: sent again only when its first request
// certainly changed nothing.
var noTokenFaults = []struct {
	name   string
	effect mockcloud.FaultEffect
	count  int
	sent   int // requests of the faulted action
}{
	{"answer lost after commit", mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}, 1, 1},
	{"client gave up, service carried on", mockcloud.FaultEffect{Type: mockcloud.FaultLatency, Latency: mockcloud.Duration(3 * time.Second)}, 1, 1},
	{"reset before commit", mockcloud.FaultEffect{Type: mockcloud.FaultDropBefore}, 1, 2},
	{"503 twice", mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 503, Code: "ServiceUnavailable"}, 2, 3},
}

// Tag calls carry no ClientToken, so a request whose outcome is unknown is
// settled by the HaVip's tags, never by sending it again blind: each fault
// ends with the change committed exactly once and the tags as asked.
func TestSetHaVipTagsCommitsOnceWhateverTheFault(t *testing.T) {
	for _, action := range []string{"TagResources", "UnTagResources"} {
		for _, f := range noTokenFaults {
			t.Run(action+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				s, cred, c := impatientClient(t)
				ctx := testCtx(t)
				h := mustCreate(t, c, CreateHaVipInput{Tags: map[string]string{"env": "a", "team": "x"}})
				addFault(t, s, mockcloud.FaultRule{Action: action, Count: f.count, Effect: f.effect})
				if err := c.SetHaVipTags(ctx, h.ID, map[string]string{"env": "b"}, []string{"team"}); err != nil {
					t.Fatal(err)
				}
				entries := journal(s, cred, action)
				committed := committedOf(entries)
				if committed != 1 || len(entries) != f.sent {
					t.Fatalf("%s: %d requests, %d committed; want %d requests, 1 committed", action, len(entries), committed, f.sent)
				}
				got, err := c.FreshHaVip(ctx, h.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Tags) != 1 || got.Tags["env"] != "b" {
					t.Fatalf("tags %v, want only env=b", got.Tags)
				}
			})
		}
	}
}

// MoveResourceGroup has no ClientToken either: a move whose answer was
// lost is not sent again once the HaVip shows the new group.
func TestMoveHaVipResourceGroupCommitsOnceWhateverTheFault(t *testing.T) {
	const action = "MoveResourceGroup"
	for _, f := range noTokenFaults {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			s, cred, c := impatientClient(t)
			ctx := testCtx(t)
			h := mustCreate(t, c, CreateHaVipInput{})
			addFault(t, s, mockcloud.FaultRule{Action: action, Count: f.count, Effect: f.effect})
			if err := c.MoveHaVipResourceGroup(ctx, h.ID, "rg-aekzmoved"); err != nil {
				t.Fatal(err)
			}
			entries := journal(s, cred, action)
			committed := committedOf(entries)
			if committed != 1 || len(entries) != f.sent {
				t.Fatalf("%d requests, %d committed; want %d requests, 1 committed", len(entries), committed, f.sent)
			}
			got, err := c.FreshHaVip(ctx, h.ID)
			if err != nil || got.ResourceGroupID != "rg-aekzmoved" {
				t.Fatalf("resource group %q, %v; want rg-aekzmoved", got.ResourceGroupID, err)
			}
		})
	}
}

func committedOf(entries []mockcloud.JournalEntry) int {
	n := 0
	for _, e := range entries {
		if e.Committed {
			n++
		}
	}
	return n
}

// impatientClient gives up on a call after a second, so that a fault's
// 3 s latency leaves the outcome unknown to it.
func impatientClient(t *testing.T) (*mockcloud.Server, mockcloud.Credential, *Client) {
	s := startMock(t, mockcloud.Options{})
	cred := newAccount(t, s)
	cfg := testConfig(s, cred)
	cfg.ReadTimeout = time.Second
	return s, cred, newClient(t, cfg)
}
