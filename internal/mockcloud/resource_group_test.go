package mockcloud

import (
	stderrors "errors"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

func moveGroup(vc *vpc.Client, typ, id, group string) error {
	req := vpc.CreateMoveResourceGroupRequest()
	req.ResourceType, req.ResourceId, req.NewResourceGroupId = typ, id, group
	_, err := vc.MoveResourceGroup(req)
	return err
}

// MoveResourceGroup moves a HaVip in place: same ID, address and members.
func TestMoveResourceGroup(t *testing.T) {
	_, vc, _ := richServer(t, nil)
	h := mkHaVip(t, vc, vswA1, "192.168.0.40")
	must(t, associate(vc, h.HaVipId, ecs1, ""))
	must(t, moveGroup(vc, "HaVip", h.HaVipId, "rg-aek2moved00001"))
	got := haVip(t, vc, h.HaVipId)
	if got.ResourceGroupId != "rg-aek2moved00001" || got.IpAddress != "192.168.0.40" || len(got.AssociatedInstances.AssociatedInstance) != 1 {
		t.Fatalf("after the move: %+v", got)
	}
	// The HaVip guide spells the type HAVIP; the API meta HaVip.
	must(t, moveGroup(vc, "HAVIP", h.HaVipId, "rg-aek2moved00002"))

	for _, tc := range []struct{ name, typ, id, group, code string }{
		{"unknown HaVip", "HaVip", "havip-doesnotexist000000", "rg-aek2moved00001", "InvalidHaVipId.NotFound"},
		{"malformed group", "HaVip", h.HaVipId, "default", "InvalidResourceGroupId.NotFound"},
		{"other type", "Vpc", vpcA, "rg-aek2moved00001", "InvalidResourceType.NotSupported"},
	} {
		err := moveGroup(vc, tc.typ, tc.id, tc.group)
		var se *errors.ServerError
		if !stderrors.As(err, &se) || se.ErrorCode() != tc.code {
			t.Errorf("%s: want %s, got %v", tc.name, tc.code, err)
		}
	}
	if got := haVip(t, vc, h.HaVipId); got.ResourceGroupId != "rg-aek2moved00002" {
		t.Fatalf("a refused move changed the group to %s", got.ResourceGroupId)
	}
}
