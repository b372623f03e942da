package mockcloud

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	"github.com/havip-oss/terraform-provider-havip/internal/rulebook"
)

// TestHaVipLifecycleSDK drives every HaVip and EIP action once through the
// SDK's typed requests and checks each success shape through the SDK's
// typed responses, including the lower-case member and EIP list keys.
func TestHaVipLifecycleSDK(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)

	creq := vpc.CreateCreateHaVipRequest()
	creq.VSwitchId = vswA1
	creq.IpAddress = "192.168.0.50"
	creq.Name = "web"
	creq.Description = "front end"
	creq.Tag = &[]vpc.CreateHaVipTag{{Key: "env", Value: "prod"}, {Key: "team", Value: "net"}}
	cr, err := vc.CreateHaVip(creq)
	must(t, err)
	if cr.RequestId == "" || !strings.HasPrefix(cr.HaVipId, "havip-") || len(cr.HaVipId) != len("havip-")+22 || cr.IpAddress != "192.168.0.50" {
		t.Fatalf("CreateHaVip answer %+v", cr)
	}
	id := cr.HaVipId

	h := haVip(t, vc, id)
	if h.HaVipId != id || h.RegionId != rgHZ || h.VpcId != vpcA || h.VSwitchId != vswA1 || h.IpAddress != "192.168.0.50" ||
		h.Status != rulebook.StatusAvailable || h.Name != "web" || h.Description != "front end" || h.CreateTime == "" ||
		!strings.HasPrefix(h.ResourceGroupId, "rg-") || h.MasterInstanceId != "" || h.AssociatedInstanceType != "" {
		t.Fatalf("described HaVip %+v", h)
	}
	if len(h.Tags.Tag) != 2 || h.Tags.Tag[0].Key != "env" || h.Tags.Tag[0].Value != "prod" || h.Tags.Tag[1].Key != "team" {
		t.Fatalf("tags %+v", h.Tags)
	}
	if len(h.AssociatedInstances.AssociatedInstance) != 0 || len(h.AssociatedEipAddresses.AssociatedEipAddresse) != 0 {
		t.Fatalf("a new HaVip has members or EIPs: %+v", h)
	}

	// ModifyHaVipAttribute
	mreq := vpc.CreateModifyHaVipAttributeRequest()
	mreq.HaVipId = id
	mreq.Name = "web2"
	mreq.Description = "changed"
	mr, err := vc.ModifyHaVipAttribute(mreq)
	must(t, err)
	if mr.RequestId == "" {
		t.Fatal("ModifyHaVipAttribute: no RequestId")
	}
	if h := haVip(t, vc, id); h.Name != "web2" || h.Description != "changed" {
		t.Fatalf("after modify: %+v", h)
	}

	// AssociateHaVip with two ECS instances (the default InstanceType).
	must(t, associate(vc, id, ecs1, ""))
	must(t, associate(vc, id, ecs2, InstanceTypeEcs))
	h = haVip(t, vc, id)
	if got := h.AssociatedInstances.AssociatedInstance; len(got) != 2 || got[0] != ecs1 || got[1] != ecs2 {
		t.Fatalf("associatedInstance decoded as %v (wrong key case decodes as empty)", got)
	}
	if h.Status != rulebook.StatusInUse || h.AssociatedInstanceType != InstanceTypeEcs {
		t.Fatalf("after associate: %+v", h)
	}

	// AllocateEipAddress + AssociateEipAddress(InstanceType=HaVip).
	areq := vpc.CreateAllocateEipAddressRequest()
	areq.Name = "havip-eip"
	ar, err := vc.AllocateEipAddress(areq)
	must(t, err)
	if !strings.HasPrefix(ar.AllocationId, "eip-") || ar.EipAddress == "" || ar.RequestId == "" || ar.ResourceGroupId == "" {
		t.Fatalf("AllocateEipAddress answer %+v", ar)
	}
	aereq := vpc.CreateAssociateEipAddressRequest()
	aereq.AllocationId = ar.AllocationId
	aereq.InstanceId = id
	aereq.InstanceType = "HaVip"
	aer, err := vc.AssociateEipAddress(aereq)
	must(t, err)
	if aer.RequestId == "" {
		t.Fatal("AssociateEipAddress: no RequestId")
	}
	h = haVip(t, vc, id)
	if got := h.AssociatedEipAddresses.AssociatedEipAddresse; len(got) != 1 || got[0] != ar.EipAddress {
		t.Fatalf("associatedEipAddresse decoded as %v, want [%s]", got, ar.EipAddress)
	}

	// DescribeEipAddresses shows the binding: the HaVip as the instance,
	// and no PrivateIpAddress or VpcId (see wireEip for why).
	dreq := vpc.CreateDescribeEipAddressesRequest()
	dreq.AllocationId = ar.AllocationId
	dr, err := vc.DescribeEipAddresses(dreq)
	must(t, err)
	if dr.TotalCount != 1 || len(dr.EipAddresses.EipAddress) != 1 {
		t.Fatalf("DescribeEipAddresses %+v", dr)
	}
	e := dr.EipAddresses.EipAddress[0]
	if e.AllocationId != ar.AllocationId || e.IpAddress != ar.EipAddress || e.Status != rulebook.StatusInUse || e.InstanceId != id ||
		e.InstanceType != "HaVip" || e.PrivateIpAddress != "" || e.VpcId != "" || e.RegionId != rgHZ || e.Name != "havip-eip" ||
		e.Bandwidth != "5" || e.InternetChargeType != "PayByBandwidth" {
		t.Fatalf("EIP %+v", e)
	}

	// UnassociateEipAddress, ReleaseEipAddress.
	ureq := vpc.CreateUnassociateEipAddressRequest()
	ureq.AllocationId = ar.AllocationId
	ureq.InstanceId = id
	ureq.InstanceType = "HaVip"
	_, err = vc.UnassociateEipAddress(ureq)
	must(t, err)
	if h := haVip(t, vc, id); len(h.AssociatedEipAddresses.AssociatedEipAddresse) != 0 {
		t.Fatalf("EIP still listed after unassociate: %+v", h)
	}
	rreq := vpc.CreateReleaseEipAddressRequest()
	rreq.AllocationId = ar.AllocationId
	_, err = vc.ReleaseEipAddress(rreq)
	must(t, err)
	dr, err = vc.DescribeEipAddresses(dreq)
	must(t, err)
	if dr.TotalCount != 0 {
		t.Fatalf("released EIP still described: %+v", dr.EipAddresses)
	}
	_, err = vc.ReleaseEipAddress(rreq)
	serverErr(t, err, 404, "InvalidAllocationId.NotFound")

	// UnassociateHaVip with Force False and True.
	must(t, unassociate(vc, id, ecs2, "", "False"))
	if h := haVip(t, vc, id); len(h.AssociatedInstances.AssociatedInstance) != 1 || h.Status != rulebook.StatusInUse {
		t.Fatalf("after first unassociate: %+v", h)
	}
	must(t, unassociate(vc, id, ecs1, InstanceTypeEcs, "True"))
	if h := haVip(t, vc, id); len(h.AssociatedInstances.AssociatedInstance) != 0 || h.Status != rulebook.StatusAvailable || h.AssociatedInstanceType != "" {
		t.Fatalf("after last unassociate: %+v", h)
	}

	// DeleteHaVip: gone from DescribeHaVips, and a second delete is 404.
	must(t, delHaVip(vc, id))
	if got := listHaVips(t, vc, nil); len(got) != 0 {
		t.Fatalf("deleted HaVip still described: %+v", got)
	}
	serverErr(t, delHaVip(vc, id), 404, "InvalidHaVipId.NotFound")
	_ = s
}

// TestHaVipNotFoundErrors: every HaVip action on an unknown ID.
func TestHaVipNotFoundErrors(t *testing.T) {
	t.Parallel()
	_, vc, _ := richServer(t, nil)
	const missing = "havip-doesnotexist0000000000"
	mreq := vpc.CreateModifyHaVipAttributeRequest()
	mreq.HaVipId = missing
	mreq.Name = "x"
	_, err := vc.ModifyHaVipAttribute(mreq)
	serverErr(t, err, 404, "InvalidHaVipId.NotFound")
	serverErr(t, associate(vc, missing, ecs1, ""), 404, "InvalidHaVipId.NotFound")
	serverErr(t, unassociate(vc, missing, ecs1, "", ""), 404, "InvalidHaVipId.NotFound")
	serverErr(t, delHaVip(vc, missing), 404, "InvalidHaVipId.NotFound")
	serverErr(t, assocEip(vc, eipHZ1, missing, "HaVip"), 404, "InvalidInstanId.NotFound")
	serverErr(t, assocEip(vc, "eip-nothere", mkHaVip(t, vc, vswA1, "").HaVipId, "HaVip"), 404, "InvalidAllocationId.NotFound")
	_, err = tryCreate(vc, "vsw-nothere", "")
	serverErr(t, err, 400, "InvalidVSwitch.NotFound")
	// A vSwitch of another region is not found in this one.
	_, err = tryCreate(vc, vswSH, "")
	serverErr(t, err, 400, "InvalidVSwitch.NotFound")
	// An unknown region.
	creq := vpc.CreateCreateHaVipRequest()
	creq.VSwitchId = vswA1
	creq.RegionId = "cn-nowhere"
	_, err = vc.CreateHaVip(creq)
	serverErr(t, err, 404, "InvalidRegionId.NotFound")
}

// TestCreateHaVipTextRules: name, description and tag validation.
func TestCreateHaVipTextRules(t *testing.T) {
	t.Parallel()
	_, vc, _ := richServer(t, nil)
	cases := []struct {
		name string
		mod  func(*vpc.CreateHaVipRequest)
		code string
	}{
		{"name http", func(r *vpc.CreateHaVipRequest) { r.Name = "http://x" }, "InvalidName.Malformed"},
		{"name too long", func(r *vpc.CreateHaVipRequest) { r.Name = strings.Repeat("n", 129) }, "InvalidName.Malformed"},
		{"description https", func(r *vpc.CreateHaVipRequest) { r.Description = "https://x" }, "InvalidDescription.Malformed"},
		{"description too long", func(r *vpc.CreateHaVipRequest) { r.Description = strings.Repeat("d", 256) }, "InvalidDescription.Malformed"},
		{"tag key aliyun", func(r *vpc.CreateHaVipRequest) { r.Tag = &[]vpc.CreateHaVipTag{{Key: "aliyun-x", Value: "v"}} }, "InvalidTagKey.Malformed"},
		{"tag value http", func(r *vpc.CreateHaVipRequest) { r.Tag = &[]vpc.CreateHaVipTag{{Key: "k", Value: "http://v"}} }, "InvalidTagValue.Malformed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := vpc.CreateCreateHaVipRequest()
			req.VSwitchId = vswA1
			c.mod(req)
			_, err := vc.CreateHaVip(req)
			serverErr(t, err, 400, c.code)
		})
	}
	// Same rules on ModifyHaVipAttribute, whose name code differs.
	id := mkHaVip(t, vc, vswA1, "").HaVipId
	mreq := vpc.CreateModifyHaVipAttributeRequest()
	mreq.HaVipId = id
	mreq.Name = "https://x"
	_, err := vc.ModifyHaVipAttribute(mreq)
	serverErr(t, err, 400, "Abs.Vpc.InvalidName.Malformed")
	mreq = vpc.CreateModifyHaVipAttributeRequest() // a used request keeps its old parameters
	mreq.HaVipId = id
	mreq.Description = "http://x"
	_, err = vc.ModifyHaVipAttribute(mreq)
	serverErr(t, err, 400, "InvalidDescription.Malformed")
	if got := listHaVips(t, vc, nil); len(got) != 1 {
		t.Fatalf("refused creates created HaVips: %d", len(got))
	}
}

// TestDescribeHaVipsFilters checks every filter key, OR within a key, AND
// across keys, Tags, and the refused keys and limits.
func TestDescribeHaVipsFilters(t *testing.T) {
	t.Parallel()
	_, vc, _ := richServer(t, nil)
	tagged := func(vsw, ip string, tags ...vpc.CreateHaVipTag) string {
		req := vpc.CreateCreateHaVipRequest()
		req.VSwitchId = vsw
		req.IpAddress = ip
		if len(tags) > 0 {
			req.Tag = &tags
		}
		r, err := vc.CreateHaVip(req)
		must(t, err)
		return r.HaVipId
	}
	a1 := tagged(vswA1, "192.168.0.60", vpc.CreateHaVipTag{Key: "env", Value: "prod"})
	a2 := tagged(vswA1, "192.168.0.61", vpc.CreateHaVipTag{Key: "env", Value: "dev"})
	a3 := tagged(vswA2, "192.168.1.60")
	b1 := tagged(vswB1, "10.0.0.60", vpc.CreateHaVipTag{Key: "env", Value: "prod"}, vpc.CreateHaVipTag{Key: "tier", Value: "db"})
	must(t, associate(vc, a2, ecs1, ""))

	cases := []struct {
		name    string
		filters map[string][]string
		want    []string
	}{
		{"none", nil, []string{a1, a2, a3, b1}},
		{"VpcId", map[string][]string{"VpcId": {vpcA}}, []string{a1, a2, a3}},
		{"VSwitchId", map[string][]string{"VSwitchId": {vswA2}}, []string{a3}},
		{"VSwitchId OR", map[string][]string{"VSwitchId": {vswA2, vswB1}}, []string{a3, b1}},
		{"Status InUse", map[string][]string{"Status": {rulebook.StatusInUse}}, []string{a2}},
		{"Status Available", map[string][]string{"Status": {rulebook.StatusAvailable}}, []string{a1, a3, b1}},
		{"HaVipId", map[string][]string{"HaVipId": {b1, a1}}, []string{a1, b1}},
		{"HaVipAddress", map[string][]string{"HaVipAddress": {"192.168.1.60"}}, []string{a3}},
		{"AND across keys", map[string][]string{"VpcId": {vpcA}, "Status": {rulebook.StatusAvailable}}, []string{a1, a3}},
		{"no match", map[string][]string{"VpcId": {vpcB}, "VSwitchId": {vswA1}}, nil},
		{"unknown ID", map[string][]string{"HaVipId": {"havip-none"}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := listHaVips(t, vc, c.filters)
			var ids []string
			for _, h := range got {
				ids = append(ids, h.HaVipId)
			}
			if fmt.Sprint(ids) != fmt.Sprint(c.want) {
				t.Fatalf("got %v, want %v (creation order)", ids, c.want)
			}
		})
	}

	tagCases := []struct {
		tags []vpc.DescribeHaVipsTags
		want []string
	}{
		{[]vpc.DescribeHaVipsTags{{Key: "env", Value: "prod"}}, []string{a1, b1}},
		{[]vpc.DescribeHaVipsTags{{Key: "env"}}, []string{a1, a2, b1}},
		{[]vpc.DescribeHaVipsTags{{Key: "env", Value: "prod"}, {Key: "tier", Value: "db"}}, []string{b1}},
		{[]vpc.DescribeHaVipsTags{{Key: "nope", Value: "x"}}, nil},
	}
	for i, c := range tagCases {
		req := vpc.CreateDescribeHaVipsRequest()
		req.Tags = &c.tags
		resp, err := vc.DescribeHaVips(req)
		must(t, err)
		var ids []string
		for _, h := range resp.HaVips.HaVip {
			ids = append(ids, h.HaVipId)
		}
		if fmt.Sprint(ids) != fmt.Sprint(c.want) || resp.TotalCount != len(c.want) {
			t.Fatalf("tags case %d: got %v (TotalCount %d), want %v", i, ids, resp.TotalCount, c.want)
		}
	}

	bad := vpc.CreateDescribeHaVipsRequest()
	bad.Filter = &[]vpc.DescribeHaVipsFilter{{Key: "Name", Value: &[]string{"x"}}}
	_, err := vc.DescribeHaVips(bad)
	serverErr(t, err, 400, "InvalidFilterKey.ValueNotSupported")

	six := make([]vpc.DescribeHaVipsFilter, 6)
	for i := range six {
		six[i] = vpc.DescribeHaVipsFilter{Key: "VpcId", Value: &[]string{vpcA}}
	}
	bad.Filter = &six
	_, err = vc.DescribeHaVips(bad)
	serverErr(t, err, 400, "InvalidParameter")
}

// TestDescribeHaVipsPaging: page size limit, TotalCount, and more than 50
// HaVips across pages with no short page except the last.
func TestDescribeHaVipsPaging(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	must(t, s.SetQuota("", QuotaHaVipsPerAccount, 60))
	must(t, s.SetQuota("", QuotaHaVipsPerVPC, 60))
	var created []string
	for i := 0; i < 57; i++ {
		created = append(created, mkHaVip(t, vc, vswA1, "").HaVipId)
	}

	page := func(number, size string) *vpc.DescribeHaVipsResponse {
		req := vpc.CreateDescribeHaVipsRequest()
		req.PageNumber = requests.Integer(number)
		req.PageSize = requests.Integer(size)
		resp, err := vc.DescribeHaVips(req)
		must(t, err)
		return resp
	}
	def := page("", "")
	if def.PageNumber != 1 || def.PageSize != 10 || len(def.HaVips.HaVip) != 10 || def.TotalCount != 57 {
		t.Fatalf("default page: number %d size %d len %d total %d", def.PageNumber, def.PageSize, len(def.HaVips.HaVip), def.TotalCount)
	}
	p1, p2, p3 := page("1", "50"), page("2", "50"), page("3", "50")
	if len(p1.HaVips.HaVip) != 50 || len(p2.HaVips.HaVip) != 7 || len(p3.HaVips.HaVip) != 0 {
		t.Fatalf("pages of 50: %d, %d, %d", len(p1.HaVips.HaVip), len(p2.HaVips.HaVip), len(p3.HaVips.HaVip))
	}
	for _, p := range []*vpc.DescribeHaVipsResponse{p1, p2, p3} {
		if p.TotalCount != 57 || p.PageSize != 50 {
			t.Fatalf("page %d: TotalCount %d PageSize %d", p.PageNumber, p.TotalCount, p.PageSize)
		}
	}
	var listed []string
	for _, h := range append(p1.HaVips.HaVip, p2.HaVips.HaVip...) {
		listed = append(listed, h.HaVipId)
	}
	if fmt.Sprint(listed) != fmt.Sprint(created) {
		t.Fatal("pages do not list every HaVip exactly once in creation order")
	}
	// Pages of 7: every page but the last is full.
	for n := 1; n <= 9; n++ {
		p := page(strconv.Itoa(n), "7")
		want := 7
		if n == 9 {
			want = 57 - 8*7
		}
		if len(p.HaVips.HaVip) != want {
			t.Fatalf("page %d of size 7 has %d items, want %d", n, len(p.HaVips.HaVip), want)
		}
	}
	if got := listHaVips(t, vc, nil); len(got) != 57 {
		t.Fatalf("provider-style paging found %d HaVips", len(got))
	}

	for _, size := range []string{"51", "0", "-1"} {
		req := vpc.CreateDescribeHaVipsRequest()
		req.PageSize = requests.Integer(size)
		_, err := vc.DescribeHaVips(req)
		serverErr(t, err, 400, "InvalidParameter")
	}
	req := vpc.CreateDescribeHaVipsRequest()
	req.PageNumber = "0"
	_, err := vc.DescribeHaVips(req)
	serverErr(t, err, 400, "InvalidParameter")
}

// TestEipActionsSDK covers AllocateEipAddress, DescribeEipAddresses
// filters and paging, and the EIP-side refusals.
func TestEipActionsSDK(t *testing.T) {
	t.Parallel()
	_, vc, _ := richServer(t, nil)

	areq := vpc.CreateAllocateEipAddressRequest()
	areq.Bandwidth = "20"
	areq.InternetChargeType = "PayByTraffic"
	ar, err := vc.AllocateEipAddress(areq)
	must(t, err)

	describe := func(mod func(*vpc.DescribeEipAddressesRequest)) *vpc.DescribeEipAddressesResponse {
		t.Helper()
		req := vpc.CreateDescribeEipAddressesRequest()
		if mod != nil {
			mod(req)
		}
		resp, err := vc.DescribeEipAddresses(req)
		must(t, err)
		return resp
	}
	all := describe(nil)
	if all.TotalCount != 3 || len(all.EipAddresses.EipAddress) != 3 || all.PageSize != 10 || all.PageNumber != 1 {
		t.Fatalf("Hangzhou EIPs: %+v", all)
	}
	last := all.EipAddresses.EipAddress[2]
	if last.AllocationId != ar.AllocationId || last.Bandwidth != "20" || last.InternetChargeType != "PayByTraffic" || last.Status != rulebook.StatusAvailable {
		t.Fatalf("allocated EIP described as %+v", last)
	}
	if r := describe(func(r *vpc.DescribeEipAddressesRequest) { r.AllocationId = eipHZ1 + "," + ar.AllocationId }); r.TotalCount != 2 {
		t.Fatalf("comma-separated AllocationId: %d", r.TotalCount)
	}
	if r := describe(func(r *vpc.DescribeEipAddressesRequest) { r.EipAddress = "198.51.100.11" }); r.TotalCount != 1 || r.EipAddresses.EipAddress[0].AllocationId != eipHZ2 {
		t.Fatalf("EipAddress filter: %+v", r.EipAddresses)
	}
	if r := describe(func(r *vpc.DescribeEipAddressesRequest) { r.PageSize = "2"; r.PageNumber = "2" }); len(r.EipAddresses.EipAddress) != 1 || r.TotalCount != 3 {
		t.Fatalf("page 2 of 2: %+v", r)
	}

	id := mkHaVip(t, vc, vswA1, "").HaVipId
	must(t, assocEip(vc, eipHZ2, id, "HaVip"))
	if r := describe(func(r *vpc.DescribeEipAddressesRequest) { r.AssociatedInstanceType = "HaVip" }); r.TotalCount != 1 || r.EipAddresses.EipAddress[0].AllocationId != eipHZ2 {
		t.Fatalf("AssociatedInstanceType=HaVip: %+v", r.EipAddresses)
	}
	if r := describe(func(r *vpc.DescribeEipAddressesRequest) { r.AssociatedInstanceId = id }); r.TotalCount != 1 {
		t.Fatalf("AssociatedInstanceId: %+v", r.EipAddresses)
	}
	if r := describe(func(r *vpc.DescribeEipAddressesRequest) { r.Status = rulebook.StatusAvailable }); r.TotalCount != 2 {
		t.Fatalf("Status=Available: %d", r.TotalCount)
	}

	// Refusals.
	serverErr(t, assocEip(vc, eipHZ1, id, "EcsInstance"), 400, "InvalidInstanceType.ValueNotSupported")
	serverErr(t, assocEip(vc, eipHZ1, id, ""), 400, "InvalidInstanceType.ValueNotSupported")
	serverErr(t, assocEip(vc, eipHZ1, id, "Spaceship"), 400, "InvalidInstanceType.ValueNotSupported")
	rreq := vpc.CreateReleaseEipAddressRequest()
	rreq.AllocationId = eipHZ2
	_, err = vc.ReleaseEipAddress(rreq)
	serverErr(t, err, 400, "IncorrectEipStatus")
	ureq := vpc.CreateUnassociateEipAddressRequest()
	ureq.AllocationId = eipHZ1
	_, err = vc.UnassociateEipAddress(ureq)
	serverErr(t, err, 400, "IncorrectEipStatus")
	ureq.AllocationId = "eip-nothere"
	_, err = vc.UnassociateEipAddress(ureq)
	serverErr(t, err, 404, "InvalidAllocationId.NotFound")
	ureq.AllocationId = eipHZ2
	ureq.InstanceId = "havip-other"
	_, err = vc.UnassociateEipAddress(ureq)
	serverErr(t, err, 400, "InvalidInstanceId.NotFound")

	for _, mod := range []func(*vpc.AllocateEipAddressRequest){
		func(r *vpc.AllocateEipAddressRequest) { r.Bandwidth = "0" },
		func(r *vpc.AllocateEipAddressRequest) { r.Bandwidth = "501" },
		func(r *vpc.AllocateEipAddressRequest) { r.InternetChargeType = "Free" },
	} {
		req := vpc.CreateAllocateEipAddressRequest()
		mod(req)
		_, err := vc.AllocateEipAddress(req)
		serverErr(t, err, 400, "InvalidParameter")
	}
	dreq := vpc.CreateDescribeEipAddressesRequest()
	dreq.PageSize = "101"
	_, err = vc.DescribeEipAddresses(dreq)
	serverErr(t, err, 400, "InvalidParameter")
}

// TestNetworkLookupsSDK covers DescribeVpcs, DescribeVSwitches and
// DescribeVSwitchAttributes.
func TestNetworkLookupsSDK(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)

	vreq := vpc.CreateDescribeVpcsRequest()
	vr, err := vc.DescribeVpcs(vreq)
	must(t, err)
	if vr.TotalCount != 2 || len(vr.Vpcs.Vpc) != 2 {
		t.Fatalf("Hangzhou VPCs: %+v", vr.Vpcs)
	}
	byID := map[string]vpc.Vpc{}
	for _, v := range vr.Vpcs.Vpc {
		byID[v.VpcId] = v
	}
	if a := byID[vpcA]; a.CidrBlock != "192.168.0.0/16" || fmt.Sprint(a.VSwitchIds.VSwitchId) != fmt.Sprint([]string{vswA1, vswA2}) || a.VpcName != "vpc-a" {
		t.Fatalf("VPC A: %+v", a)
	}
	vreq.VpcId = vpcB
	vr, err = vc.DescribeVpcs(vreq)
	must(t, err)
	if vr.TotalCount != 1 || vr.Vpcs.Vpc[0].VpcId != vpcB {
		t.Fatalf("VpcId filter: %+v", vr.Vpcs)
	}
	sh := vpcClientIn(t, s, s.Credentials(), rgSH)
	vr, err = sh.DescribeVpcs(vpc.CreateDescribeVpcsRequest())
	must(t, err)
	if vr.TotalCount != 1 || vr.Vpcs.Vpc[0].VpcId != vpcSH {
		t.Fatalf("Shanghai VPCs: %+v", vr.Vpcs)
	}

	sreq := vpc.CreateDescribeVSwitchesRequest()
	sreq.VpcId = vpcA
	sr, err := vc.DescribeVSwitches(sreq)
	must(t, err)
	if sr.TotalCount != 2 || len(sr.VSwitches.VSwitch) != 2 || sr.VSwitches.VSwitch[0].VSwitchId != vswA1 || sr.VSwitches.VSwitch[0].CidrBlock != "192.168.0.0/24" {
		t.Fatalf("vSwitches of VPC A: %+v", sr.VSwitches)
	}
	sreq = vpc.CreateDescribeVSwitchesRequest()
	sreq.VSwitchId = vswB1
	sr, err = vc.DescribeVSwitches(sreq)
	must(t, err)
	if sr.TotalCount != 1 || sr.VSwitches.VSwitch[0].ZoneId != "cn-hangzhou-i" {
		t.Fatalf("VSwitchId filter: %+v", sr.VSwitches)
	}
	sreq.PageSize = "51"
	_, err = vc.DescribeVSwitches(sreq)
	serverErr(t, err, 400, "InvalidParameter")

	attr := func() *vpc.DescribeVSwitchAttributesResponse {
		req := vpc.CreateDescribeVSwitchAttributesRequest()
		req.VSwitchId = vswA2
		r, err := vc.DescribeVSwitchAttributes(req)
		must(t, err)
		return r
	}
	a := attr()
	if a.VSwitchId != vswA2 || a.VpcId != vpcA || a.CidrBlock != "192.168.1.0/24" || a.ZoneId != "cn-hangzhou-h" || a.Status != rulebook.StatusAvailable || a.RequestId == "" || a.VSwitchName != "a2" {
		t.Fatalf("DescribeVSwitchAttributes (flat): %+v", a)
	}
	// 256 - 4 reserved - 1 instance.
	if a.AvailableIpAddressCount != 251 {
		t.Fatalf("AvailableIpAddressCount %d, want 251", a.AvailableIpAddressCount)
	}
	mkHaVip(t, vc, vswA2, "")
	if n := attr().AvailableIpAddressCount; n != 250 {
		t.Fatalf("AvailableIpAddressCount after a HaVip: %d, want 250", n)
	}
	req := vpc.CreateDescribeVSwitchAttributesRequest()
	req.VSwitchId = "vsw-nothere"
	_, err = vc.DescribeVSwitchAttributes(req)
	serverErr(t, err, 404, "InvalidVSwitchId.NotFound")
}

// TestTagActionsSDK covers TagResources, UnTagResources and
// ListTagResources for ResourceType HAVIP.
func TestTagActionsSDK(t *testing.T) {
	t.Parallel()
	_, vc, _ := richServer(t, nil)
	h1 := mkHaVip(t, vc, vswA1, "").HaVipId
	h2 := mkHaVip(t, vc, vswA1, "").HaVipId

	treq := vpc.CreateTagResourcesRequest()
	treq.ResourceType = "HAVIP"
	treq.ResourceId = &[]string{h1, h2}
	treq.Tag = &[]vpc.TagResourcesTag{{Key: "env", Value: "prod"}, {Key: "app", Value: "web"}}
	_, err := vc.TagResources(treq)
	must(t, err)
	// Re-tagging a key replaces its value.
	treq.ResourceId = &[]string{h2}
	treq.Tag = &[]vpc.TagResourcesTag{{Key: "env", Value: "dev"}}
	_, err = vc.TagResources(treq)
	must(t, err)
	if h := haVip(t, vc, h2); len(h.Tags.Tag) != 2 || h.Tags.Tag[0].Key != "env" || h.Tags.Tag[0].Value != "dev" {
		t.Fatalf("tags of h2: %+v", h.Tags)
	}

	list := func(mod func(*vpc.ListTagResourcesRequest)) *vpc.ListTagResourcesResponse {
		t.Helper()
		req := vpc.CreateListTagResourcesRequest()
		req.ResourceType = "HAVIP"
		mod(req)
		r, err := vc.ListTagResources(req)
		must(t, err)
		return r
	}
	r := list(func(r *vpc.ListTagResourcesRequest) { r.ResourceId = &[]string{h1} })
	if len(r.TagResources.TagResource) != 2 || r.NextToken != "" {
		t.Fatalf("tags of h1: %+v", r)
	}
	for _, tr := range r.TagResources.TagResource {
		if tr.ResourceId != h1 || tr.ResourceType != "HAVIP" || tr.TagKey == "" || tr.TagValue == "" {
			t.Fatalf("tag resource %+v", tr)
		}
	}
	r = list(func(r *vpc.ListTagResourcesRequest) { r.Tag = &[]vpc.ListTagResourcesTag{{Key: "env", Value: "prod"}} })
	if len(r.TagResources.TagResource) != 2 || r.TagResources.TagResource[0].ResourceId != h1 {
		t.Fatalf("by tag env=prod: %+v", r.TagResources)
	}
	// Paging: 4 rows, 3 per page.
	r = list(func(r *vpc.ListTagResourcesRequest) { r.ResourceId = &[]string{h1, h2}; r.MaxResults = "3" })
	if len(r.TagResources.TagResource) != 3 || r.NextToken == "" {
		t.Fatalf("first page: %+v", r)
	}
	next := r.NextToken
	r = list(func(r *vpc.ListTagResourcesRequest) {
		r.ResourceId = &[]string{h1, h2}
		r.MaxResults = "3"
		r.NextToken = next
	})
	if len(r.TagResources.TagResource) != 1 || r.NextToken != "" {
		t.Fatalf("second page: %+v", r)
	}
	lreq := vpc.CreateListTagResourcesRequest()
	lreq.ResourceType = "HAVIP"
	lreq.ResourceId = &[]string{h1}
	lreq.NextToken = "garbage!"
	_, err = vc.ListTagResources(lreq)
	serverErr(t, err, 400, "InvalidNextToken")

	ureq := vpc.CreateUnTagResourcesRequest()
	ureq.ResourceType = "HAVIP"
	ureq.ResourceId = &[]string{h1}
	ureq.TagKey = &[]string{"env"}
	_, err = vc.UnTagResources(ureq)
	must(t, err)
	if h := haVip(t, vc, h1); len(h.Tags.Tag) != 1 || h.Tags.Tag[0].Key != "app" {
		t.Fatalf("after UnTag env: %+v", h.Tags)
	}
	ureq = vpc.CreateUnTagResourcesRequest()
	ureq.ResourceType = "HAVIP"
	ureq.ResourceId = &[]string{h2}
	ureq.All = "true"
	_, err = vc.UnTagResources(ureq)
	must(t, err)
	if h := haVip(t, vc, h2); len(h.Tags.Tag) != 0 {
		t.Fatalf("after UnTag All: %+v", h.Tags)
	}

	// Other resource types are refused, unknown resources are not found.
	treq = vpc.CreateTagResourcesRequest()
	treq.ResourceType = "INSTANCE"
	treq.ResourceId = &[]string{h1}
	treq.Tag = &[]vpc.TagResourcesTag{{Key: "k", Value: "v"}}
	_, err = vc.TagResources(treq)
	serverErr(t, err, 400, "InvalidResourceType.NotSupported")
	lreq = vpc.CreateListTagResourcesRequest()
	lreq.ResourceType = "VPC"
	lreq.ResourceId = &[]string{h1}
	_, err = vc.ListTagResources(lreq)
	serverErr(t, err, 400, "InvalidResourceType.NotSupported")
	ureq = vpc.CreateUnTagResourcesRequest()
	ureq.ResourceType = "EIP"
	ureq.ResourceId = &[]string{h1}
	ureq.All = "true"
	_, err = vc.UnTagResources(ureq)
	serverErr(t, err, 400, "InvalidResourceType.NotSupported")
	treq.ResourceType = "HAVIP"
	treq.ResourceId = &[]string{"havip-nothere"}
	_, err = vc.TagResources(treq)
	serverErr(t, err, 404, "InvalidResourceId.NotFound")
	// 21 tags on one resource exceed the limit of 20.
	var many []vpc.TagResourcesTag
	for i := 0; i < 20; i++ {
		many = append(many, vpc.TagResourcesTag{Key: fmt.Sprintf("k%d", i), Value: "v"})
	}
	treq.ResourceId = &[]string{h1} // already has "app"
	treq.Tag = &many
	_, err = vc.TagResources(treq)
	serverErr(t, err, 400, "QuotaExceeded.TagNum")
}

// TestEcsLookupsSDK covers DescribeInstances (JSON-array InstanceIds, VpcId,
// VSwitchId, both paging styles) and DescribeNetworkInterfaces.
func TestEcsLookupsSDK(t *testing.T) {
	t.Parallel()
	fx := richFixtures()
	for i := 0; i < 10; i++ { // 16 instances in all
		fx.Instances = append(fx.Instances, FixtureInstance{ID: fmt.Sprintf("i-extra%017d", i), VSwitchID: vswA2, PrivateIP: fmt.Sprintf("192.168.1.%d", 20+i)})
	}
	_, _, ec := richServer(t, func(o *Options) { o.Fixtures = fx })

	describe := func(mod func(*ecs.DescribeInstancesRequest)) *ecs.DescribeInstancesResponse {
		t.Helper()
		req := ecs.CreateDescribeInstancesRequest()
		mod(req)
		r, err := ec.DescribeInstances(req)
		must(t, err)
		return r
	}
	r := describe(func(r *ecs.DescribeInstancesRequest) { r.InstanceIds = `["` + ecs1 + `","` + ecsOtherSw + `"]` })
	if r.TotalCount != 2 || len(r.Instances.Instance) != 2 {
		t.Fatalf("InstanceIds: %+v", r.Instances)
	}
	in := r.Instances.Instance[0]
	if in.InstanceId != ecs1 || in.Status != "Running" || in.VpcAttributes.VpcId != vpcA || in.VpcAttributes.VSwitchId != vswA1 ||
		fmt.Sprint(in.VpcAttributes.PrivateIpAddress.IpAddress) != "[192.168.0.25]" || in.ZoneId != "cn-hangzhou-h" || in.RegionId != rgHZ {
		t.Fatalf("instance %+v", in)
	}
	// ecs1 has its primary ENI (first) and ENIs 1,3,…,19.
	nics := in.NetworkInterfaces.NetworkInterface
	if len(nics) != 11 || nics[0].Type != "Primary" || nics[0].PrimaryIpAddress != "192.168.0.25" || nics[1].Type != "Secondary" {
		t.Fatalf("instance NICs: %+v", nics)
	}
	if r := describe(func(r *ecs.DescribeInstancesRequest) { r.VpcId = vpcB }); r.TotalCount != 1 || r.Instances.Instance[0].InstanceId != ecsB {
		t.Fatalf("VpcId filter: %+v", r.Instances)
	}
	if r := describe(func(r *ecs.DescribeInstancesRequest) { r.VSwitchId = vswA1 }); r.TotalCount != 4 {
		t.Fatalf("VSwitchId filter: %d", r.TotalCount)
	}
	if r := describe(func(r *ecs.DescribeInstancesRequest) { r.Status = "Stopped" }); r.TotalCount != 1 || r.Instances.Instance[0].InstanceId != ecsStopped {
		t.Fatalf("Status filter: %+v", r.Instances)
	}
	// PageNumber/PageSize.
	p := describe(func(r *ecs.DescribeInstancesRequest) { r.PageSize = "5"; r.PageNumber = "4" })
	if p.TotalCount != 16 || len(p.Instances.Instance) != 1 || p.PageNumber != 4 || p.PageSize != 5 {
		t.Fatalf("page 4 of 5: total %d len %d", p.TotalCount, len(p.Instances.Instance))
	}
	// NextToken/MaxResults (values below 10 count as 10).
	seen := map[string]bool{}
	var token string
	pages := 0
	for {
		pages++
		tok := token
		r := describe(func(r *ecs.DescribeInstancesRequest) { r.MaxResults = "3"; r.NextToken = tok })
		for _, in := range r.Instances.Instance {
			if seen[in.InstanceId] {
				t.Fatalf("%s listed twice", in.InstanceId)
			}
			seen[in.InstanceId] = true
		}
		if r.NextToken == "" {
			break
		}
		if len(r.Instances.Instance) != 10 {
			t.Fatalf("a non-final NextToken page holds %d", len(r.Instances.Instance))
		}
		token = r.NextToken
	}
	if len(seen) != 16 || pages != 2 {
		t.Fatalf("NextToken paging saw %d instances in %d pages", len(seen), pages)
	}

	for _, mod := range []func(*ecs.DescribeInstancesRequest){
		func(r *ecs.DescribeInstancesRequest) { r.InstanceIds = ecs1 },
		func(r *ecs.DescribeInstancesRequest) { r.InstanceIds = `["` + ecs1 },
	} {
		req := ecs.CreateDescribeInstancesRequest()
		mod(req)
		_, err := ec.DescribeInstances(req)
		serverErr(t, err, 400, "InvalidInstanceIds.Malformed")
	}
	req := ecs.CreateDescribeInstancesRequest()
	req.PageSize = "101"
	_, err := ec.DescribeInstances(req)
	serverErr(t, err, 400, "InvalidParameter")
	req = ecs.CreateDescribeInstancesRequest()
	req.NextToken = "@@@"
	_, err = ec.DescribeInstances(req)
	serverErr(t, err, 400, "InvalidNextToken")

	// DescribeNetworkInterfaces.
	enis := func(mod func(*ecs.DescribeNetworkInterfacesRequest)) *ecs.DescribeNetworkInterfacesResponse {
		t.Helper()
		req := ecs.CreateDescribeNetworkInterfacesRequest()
		mod(req)
		r, err := ec.DescribeNetworkInterfaces(req)
		must(t, err)
		return r
	}
	er := enis(func(r *ecs.DescribeNetworkInterfacesRequest) { r.NetworkInterfaceId = &[]string{eniID(3), eniFree} })
	if er.TotalCount != 2 || len(er.NetworkInterfaceSets.NetworkInterfaceSet) != 2 {
		t.Fatalf("NetworkInterfaceId.N: %+v", er.NetworkInterfaceSets)
	}
	got := map[string]ecs.NetworkInterfaceSet{}
	for _, n := range er.NetworkInterfaceSets.NetworkInterfaceSet {
		got[n.NetworkInterfaceId] = n
	}
	if n := got[eniID(3)]; n.InstanceId != ecs1 || n.Status != rulebook.StatusInUse || n.Type != "Secondary" || n.VSwitchId != vswA1 || n.VpcId != vpcA || n.PrivateIpAddress != eniIP(3) {
		t.Fatalf("attached ENI %+v", n)
	}
	if n := got[eniFree]; n.InstanceId != "" || n.Status != rulebook.StatusAvailable {
		t.Fatalf("free ENI %+v", n)
	}
	if er := enis(func(r *ecs.DescribeNetworkInterfacesRequest) { r.InstanceId = ecs2; r.Type = "Secondary" }); er.TotalCount != 10 {
		t.Fatalf("secondary ENIs of ecs2: %d", er.TotalCount)
	}
	if er := enis(func(r *ecs.DescribeNetworkInterfacesRequest) { r.InstanceId = ecs2; r.Type = "Primary" }); er.TotalCount != 1 {
		t.Fatalf("primary ENI of ecs2: %d", er.TotalCount)
	}
	if er := enis(func(r *ecs.DescribeNetworkInterfacesRequest) { r.PrivateIpAddress = &[]string{eniIP(7)} }); er.TotalCount != 1 || er.NetworkInterfaceSets.NetworkInterfaceSet[0].NetworkInterfaceId != eniID(7) {
		t.Fatalf("PrivateIpAddress.N: %+v", er.NetworkInterfaceSets)
	}
	// 21 secondary + 16 primary ENIs; pages of 10.
	total := 0
	var ids []string
	for n := 1; ; n++ {
		nn := strconv.Itoa(n)
		er := enis(func(r *ecs.DescribeNetworkInterfacesRequest) { r.PageNumber = requests.Integer(nn); r.PageSize = "10" })
		total = er.TotalCount
		for _, e := range er.NetworkInterfaceSets.NetworkInterfaceSet {
			ids = append(ids, e.NetworkInterfaceId)
		}
		if len(er.NetworkInterfaceSets.NetworkInterfaceSet) < 10 {
			break
		}
	}
	if total != 37 || len(ids) != 37 || !sort.StringsAreSorted(ids) {
		t.Fatalf("ENI paging: total %d, listed %d, sorted %v", total, len(ids), sort.StringsAreSorted(ids))
	}
	var tokIDs []string
	tok := ""
	for {
		tk := tok
		er := enis(func(r *ecs.DescribeNetworkInterfacesRequest) { r.MaxResults = "15"; r.NextToken = tk })
		for _, e := range er.NetworkInterfaceSets.NetworkInterfaceSet {
			tokIDs = append(tokIDs, e.NetworkInterfaceId)
		}
		if er.NextToken == "" {
			break
		}
		tok = er.NextToken
	}
	if fmt.Sprint(tokIDs) != fmt.Sprint(ids) {
		t.Fatal("NextToken paging of ENIs differs from PageNumber paging")
	}
}
