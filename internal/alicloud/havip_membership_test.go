package alicloud

import (
	"strings"
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// An association another operation made is not this one's success: two
// resources would then claim one member, and removing either would detach
// the member the other still declares.
func TestAssociateHaVipRefusesAnotherOperationsMember(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	if _, err := c.AssociateHaVip(testCtx(t), h.ID, seedECS1, ""); err != nil {
		t.Fatal(err)
	}
	_, err := c.AssociateHaVip(testCtx(t), h.ID, seedECS1, "")
	e := asError(t, err)
	if e.Code != "OperationFailed.InstanceAlreadyAssociated" {
		t.Fatalf("want the service's InstanceAlreadyAssociated, got %v", err)
	}
	if want := seedECS1 + " is already a member of HaVip " + h.ID + ", associated by another operation"; !strings.Contains(e.Message, want) {
		t.Fatalf("message %q does not say %q", e.Message, want)
	}
	if entries := journal(s, cred, "AssociateHaVip"); len(entries) != 2 || entries[0].Params["ClientToken"] == entries[1].Params["ClientToken"] {
		t.Fatalf("want two operations with their own tokens:%s", describeEntries(entries))
	}
}

// A retry of this operation that meets "already associated" (the service
// acted on a request whose answer was lost, and did not answer the retry
// from its token record) is this operation's own work.
func TestAssociateHaVipOwnLostCommitIsSuccess(t *testing.T) {
	s, cred, c := setup(t, mockcloud.Options{})
	h := mustCreate(t, c, CreateHaVipInput{})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "AssociateHaVip", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultDropAfter}})
	addFault(t, s, mockcloud.FaultRule{Account: cred.AccountID, Action: "AssociateHaVip", Count: 1,
		Effect: mockcloud.FaultEffect{Type: mockcloud.FaultError, Status: 400, Code: "OperationFailed.InstanceAlreadyAssociated",
			Message: "The instance is already associated."}})
	if _, err := c.AssociateHaVip(testCtx(t), h.ID, seedECS1, ""); err != nil {
		t.Fatalf("a retry after a lost commit: %v", err)
	}
	entries := journal(s, cred, "AssociateHaVip")
	if len(entries) != 2 || entries[1].Code != "OperationFailed.InstanceAlreadyAssociated" {
		t.Fatalf("want the dropped commit and an 'already associated' retry:%s", describeEntries(entries))
	}
	sameToken(t, entries)
	got, _ := c.ReadHaVip(testCtx(t), h.ID)
	if !got.HasMember(seedECS1) {
		t.Fatalf("members %v", got.AssociatedInstances)
	}
}
