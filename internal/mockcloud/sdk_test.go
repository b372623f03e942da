package mockcloud

import (
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// testServer starts a mock on loopback for one test.
func testServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sdkInit serialises SDK client construction: NewClientWithOptions lazily
// fills a package-level endpoint map without a lock (a data race in the SDK,
// not in the mock), which parallel tests would otherwise trip under -race.
var sdkInit sync.Mutex

// clients builds SDK clients for a credential, exactly as a provider would
// point them at the mock: Domain host:port, plain HTTP.
func clients(t testing.TB, s *Server, c Credential) (*vpc.Client, *ecs.Client) {
	t.Helper()
	sdkInit.Lock()
	defer sdkInit.Unlock()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	cred := credentials.NewStaticAKCredentialsProvider(c.AccessKeyID, c.AccessKeySecret)
	vc, err := vpc.NewClientWithOptions(s.Region(), cfg, cred)
	if err != nil {
		t.Fatal(err)
	}
	vc.Domain = s.Endpoint()
	ec, err := ecs.NewClientWithOptions(s.Region(), cfg, cred)
	if err != nil {
		t.Fatal(err)
	}
	ec.Domain = s.Endpoint()
	return vc, ec
}

// serverErr asserts err is an API error with the given status and code.
func serverErr(t testing.TB, err error, status int, code string) *sdkerrors.ServerError {
	t.Helper()
	if err == nil {
		t.Fatalf("expected %d %s, got success", status, code)
	}
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("expected a ServerError %d %s, got %T: %v", status, code, err, err)
	}
	if se.HttpStatus() != status || se.ErrorCode() != code {
		t.Fatalf("expected %d %s, got %d %s: %s", status, code, se.HttpStatus(), se.ErrorCode(), se.Message())
	}
	if se.RequestId() == "" || se.HostId() == "" {
		t.Fatalf("error envelope lacks RequestId or HostId: %v", se)
	}
	return se
}

var _ = http.StatusOK

func TestSmokeCreateDescribe(t *testing.T) {
	s := testServer(t, Options{})
	vc, ec := clients(t, s, s.Credentials())
	fx := SeedFixtures()
	req := vpc.CreateCreateHaVipRequest()
	req.VSwitchId = fx.VSwitches[0].ID
	req.IpAddress = "192.168.0.24"
	req.Name = "web"
	req.ClientToken = "tok-1"
	req.Tag = &[]vpc.CreateHaVipTag{{Key: "env", Value: "prod"}}
	resp, err := vc.CreateHaVip(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.HaVipId == "" || resp.IpAddress != "192.168.0.24" {
		t.Fatalf("bad create response %+v", resp)
	}
	dreq := vpc.CreateDescribeHaVipsRequest()
	dreq.Filter = &[]vpc.DescribeHaVipsFilter{{Key: "HaVipId", Value: &[]string{resp.HaVipId}}}
	d, err := vc.DescribeHaVips(dreq)
	if err != nil {
		t.Fatal(err)
	}
	if d.TotalCount != 1 || len(d.HaVips.HaVip) != 1 || d.HaVips.HaVip[0].Name != "web" || d.HaVips.HaVip[0].Tags.Tag[0].Value != "prod" {
		t.Fatalf("bad describe %+v", d)
	}
	areq := vpc.CreateAssociateHaVipRequest()
	areq.HaVipId = resp.HaVipId
	areq.InstanceId = fx.Instances[0].ID
	if _, err := vc.AssociateHaVip(areq); err != nil {
		t.Fatal(err)
	}
	d, err = vc.DescribeHaVips(dreq)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.HaVips.HaVip[0].AssociatedInstances.AssociatedInstance; len(got) != 1 || got[0] != fx.Instances[0].ID || d.HaVips.HaVip[0].Status != "InUse" {
		t.Fatalf("bad members %+v", d.HaVips.HaVip[0])
	}
	ireq := ecs.CreateDescribeInstancesRequest()
	ireq.InstanceIds = `["` + fx.Instances[1].ID + `"]`
	ir, err := ec.DescribeInstances(ireq)
	if err != nil {
		t.Fatal(err)
	}
	if len(ir.Instances.Instance) != 1 || ir.Instances.Instance[0].VpcAttributes.PrivateIpAddress.IpAddress[0] != "192.168.0.26" {
		t.Fatalf("bad instances %+v", ir.Instances)
	}
	dup := vpc.CreateCreateHaVipRequest()
	dup.VSwitchId = fx.VSwitches[0].ID
	dup.IpAddress = "192.168.0.24"
	_, err = vc.CreateHaVip(dup)
	serverErr(t, err, 400, "InvalidIPAddress.AlreadyUsed")
}
