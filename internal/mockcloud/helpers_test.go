package mockcloud

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// IDs of the richer test topology built by richFixtures.
const (
	rgHZ  = "cn-hangzhou"
	rgSH  = "cn-shanghai"
	vpcA  = "vpc-testa0000000000000001"
	vpcB  = "vpc-testb0000000000000001"
	vpcSH = "vpc-testsh000000000000001"
	vswA1 = "vsw-testa1000000000000001" // 192.168.0.0/24, zone h
	vswA2 = "vsw-testa2000000000000001" // 192.168.1.0/24, zone h
	vswB1 = "vsw-testb1000000000000001" // 10.0.0.0/24
	vswSH = "vsw-testsh100000000000001" // 172.16.0.0/24, Shanghai

	ecs1       = "i-test000000000000000001" // vswA1 .25
	ecs2       = "i-test000000000000000002" // vswA1 .26
	ecsStopped = "i-test000000000000000003" // vswA1 .27, Stopped
	ecsPending = "i-test000000000000000004" // vswA1 .28, Pending
	ecsOtherSw = "i-test000000000000000005" // vswA2 192.168.1.10
	ecsB       = "i-test000000000000000006" // vswB1 10.0.0.10

	eniFree = "eni-testfree00000000000001" // vswA1 .150, not attached

	eipHZ1 = "eip-testhz100000000000001"
	eipHZ2 = "eip-testhz200000000000001"
	eipSH  = "eip-testsh000000000000001"
)

// eniID is the i-th (1-based) attached secondary ENI of richFixtures.
func eniID(i int) string { return fmt.Sprintf("eni-test%017d", i) }

// eniIP is its private address in vswA1: 192.168.0.100+i.
func eniIP(i int) string { return fmt.Sprintf("192.168.0.%d", 100+i) }

// richFixtures: two regions, three VPCs, instances in several states, 20
// secondary ENIs attached alternately to ecs1 and ecs2, one unattached ENI
// and EIPs in both regions.
func richFixtures() *Fixtures {
	fx := &Fixtures{
		Version: 1,
		Regions: []string{rgHZ, rgSH},
		VPCs: []FixtureVPC{
			{ID: vpcA, Region: rgHZ, CIDR: "192.168.0.0/16", Name: "vpc-a"},
			{ID: vpcB, Region: rgHZ, CIDR: "10.0.0.0/16", Name: "vpc-b"},
			{ID: vpcSH, Region: rgSH, CIDR: "172.16.0.0/16", Name: "vpc-sh"},
		},
		VSwitches: []FixtureVSwitch{
			{ID: vswA1, VpcID: vpcA, Zone: "cn-hangzhou-h", CIDR: "192.168.0.0/24", Name: "a1"},
			{ID: vswA2, VpcID: vpcA, Zone: "cn-hangzhou-h", CIDR: "192.168.1.0/24", Name: "a2"},
			{ID: vswB1, VpcID: vpcB, Zone: "cn-hangzhou-i", CIDR: "10.0.0.0/24", Name: "b1"},
			{ID: vswSH, VpcID: vpcSH, Zone: "cn-shanghai-b", CIDR: "172.16.0.0/24", Name: "sh"},
		},
		Instances: []FixtureInstance{
			{ID: ecs1, VSwitchID: vswA1, PrivateIP: "192.168.0.25", Name: "ecs1"},
			{ID: ecs2, VSwitchID: vswA1, PrivateIP: "192.168.0.26", Name: "ecs2"},
			{ID: ecsStopped, VSwitchID: vswA1, PrivateIP: "192.168.0.27", Name: "stopped", Status: "Stopped"},
			{ID: ecsPending, VSwitchID: vswA1, PrivateIP: "192.168.0.28", Name: "pending", Status: "Pending"},
			{ID: ecsOtherSw, VSwitchID: vswA2, PrivateIP: "192.168.1.10", Name: "other-vsw"},
			{ID: ecsB, VSwitchID: vswB1, PrivateIP: "10.0.0.10", Name: "vpc-b"},
		},
		ENIs: []FixtureENI{{ID: eniFree, VSwitchID: vswA1, PrivateIP: "192.168.0.150", Name: "free"}},
		EIPs: []FixtureEIP{
			{ID: eipHZ1, Region: rgHZ, IP: "198.51.100.10"},
			{ID: eipHZ2, Region: rgHZ, IP: "198.51.100.11"},
			{ID: eipSH, Region: rgSH, IP: "198.51.100.12"},
		},
	}
	for i := 1; i <= 20; i++ {
		owner := ecs1
		if i%2 == 0 {
			owner = ecs2
		}
		fx.ENIs = append(fx.ENIs, FixtureENI{ID: eniID(i), VSwitchID: vswA1, PrivateIP: eniIP(i), InstanceID: owner, Name: "eni" + strconv.Itoa(i)})
	}
	return fx
}

// richServer starts a server on richFixtures and returns it with SDK
// clients of the default account in Hangzhou.
func richServer(t testing.TB, mod func(*Options)) (*Server, *vpc.Client, *ecs.Client) {
	t.Helper()
	opts := Options{Fixtures: richFixtures(), Seed: 7}
	if mod != nil {
		mod(&opts)
	}
	s := testServer(t, opts)
	vc, ec := clients(t, s, s.Credentials())
	return s, vc, ec
}

// vpcClientIn is a VPC client for another region.
func vpcClientIn(t testing.TB, s *Server, c Credential, region string) *vpc.Client {
	t.Helper()
	sdkInit.Lock()
	defer sdkInit.Unlock()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTP"
	vc, err := vpc.NewClientWithOptions(region, cfg, credentials.NewStaticAKCredentialsProvider(c.AccessKeyID, c.AccessKeySecret))
	if err != nil {
		t.Fatal(err)
	}
	vc.Domain = s.Endpoint()
	return vc
}

func mkHaVip(t testing.TB, vc *vpc.Client, vswID, ip string) *vpc.CreateHaVipResponse {
	t.Helper()
	req := vpc.CreateCreateHaVipRequest()
	req.VSwitchId = vswID
	req.IpAddress = ip
	resp, err := vc.CreateHaVip(req)
	if err != nil {
		t.Fatalf("CreateHaVip(%s, %q): %v", vswID, ip, err)
	}
	if !strings.HasPrefix(resp.HaVipId, "havip-") || resp.IpAddress == "" {
		t.Fatalf("bad CreateHaVip answer %+v", resp)
	}
	return resp
}

func tryCreate(vc *vpc.Client, vswID, ip string) (*vpc.CreateHaVipResponse, error) {
	req := vpc.CreateCreateHaVipRequest()
	req.VSwitchId = vswID
	req.IpAddress = ip
	return vc.CreateHaVip(req)
}

func associate(vc *vpc.Client, havipID, instanceID, typ string) error {
	req := vpc.CreateAssociateHaVipRequest()
	req.HaVipId = havipID
	req.InstanceId = instanceID
	req.InstanceType = typ
	_, err := vc.AssociateHaVip(req)
	return err
}

func unassociate(vc *vpc.Client, havipID, instanceID, typ, force string) error {
	req := vpc.CreateUnassociateHaVipRequest()
	req.HaVipId = havipID
	req.InstanceId = instanceID
	req.InstanceType = typ
	req.Force = force
	_, err := vc.UnassociateHaVip(req)
	return err
}

func delHaVip(vc *vpc.Client, id string) error {
	req := vpc.CreateDeleteHaVipRequest()
	req.HaVipId = id
	_, err := vc.DeleteHaVip(req)
	return err
}

func assocEip(vc *vpc.Client, allocID, instanceID, typ string) error {
	req := vpc.CreateAssociateEipAddressRequest()
	req.AllocationId = allocID
	req.InstanceId = instanceID
	req.InstanceType = typ
	_, err := vc.AssociateEipAddress(req)
	return err
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// describeHaVips returns every page of DescribeHaVips with the given
// filters, paging the way the provider does (PageSize 50, stop on a short
// page), and checks that TotalCount matches what was collected.
func listHaVips(t testing.TB, vc *vpc.Client, filters map[string][]string) []vpc.HaVip {
	t.Helper()
	var all []vpc.HaVip
	for page := 1; page < 100; page++ {
		req := vpc.CreateDescribeHaVipsRequest()
		req.PageSize = "50"
		req.PageNumber = requests.NewInteger(page)
		if len(filters) > 0 {
			var fs []vpc.DescribeHaVipsFilter
			for k, v := range filters {
				v := v
				fs = append(fs, vpc.DescribeHaVipsFilter{Key: k, Value: &v})
			}
			req.Filter = &fs
		}
		resp, err := vc.DescribeHaVips(req)
		if err != nil {
			t.Fatalf("DescribeHaVips: %v", err)
		}
		all = append(all, resp.HaVips.HaVip...)
		if len(resp.HaVips.HaVip) < 50 {
			if resp.TotalCount != len(all) {
				t.Fatalf("TotalCount %d, but %d HaVips were listed", resp.TotalCount, len(all))
			}
			return all
		}
	}
	t.Fatal("DescribeHaVips never returned a short page")
	return nil
}

// haVip describes one HaVip by ID; it fails the test if it does not exist.
func haVip(t testing.TB, vc *vpc.Client, id string) vpc.HaVip {
	t.Helper()
	got := listHaVips(t, vc, map[string][]string{"HaVipId": {id}})
	if len(got) != 1 {
		t.Fatalf("HaVip %s: described %d times", id, len(got))
	}
	return got[0]
}

var rawNonce atomic.Int64

// signedValues builds a V1-signed parameter set for a raw request.
func signedValues(c Credential, method, action, version string, extra url.Values) url.Values {
	v := url.Values{
		"Action": {action}, "Version": {version}, "Format": {"JSON"}, "AccessKeyId": {c.AccessKeyID},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"},
		"SignatureNonce": {fmt.Sprintf("raw-%d-%d", time.Now().UnixNano(), rawNonce.Add(1))},
		"Timestamp":      {time.Now().UTC().Format(timestampV1Fmt)}, "SignatureType": {""},
	}
	for k, vals := range extra {
		v[k] = vals
	}
	v.Set("Signature", SignV1(method, v, c.AccessKeySecret))
	return v
}

// rawDo sends a request with net/http and decodes the JSON answer.
func rawDo(t testing.TB, req *http.Request) (int, map[string]any, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s %s: status %d, body is not JSON: %q", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	return resp.StatusCode, m, b
}

func rawGet(t testing.TB, rawURL string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, m, _ := rawDo(t, req)
	return st, m
}

// checkEnvelope asserts an error answer is the API envelope with string
// fields, and returns its Code.
func checkEnvelope(t testing.TB, status int, m map[string]any) string {
	t.Helper()
	if status < 400 || status > 599 {
		t.Fatalf("status %d is not an error: %v", status, m)
	}
	for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
		v, ok := m[k].(string)
		if !ok {
			t.Fatalf("error envelope field %s is %T, not a string: %v", k, m[k], m)
		}
		if k != "Recommend" && v == "" {
			t.Fatalf("error envelope field %s is empty: %v", k, m)
		}
	}
	return m["Code"].(string)
}

func instanceCount(t testing.TB, ec *ecs.Client, id string) int {
	t.Helper()
	req := ecs.CreateDescribeInstancesRequest()
	req.InstanceIds = `["` + id + `"]`
	r, err := ec.DescribeInstances(req)
	must(t, err)
	return r.TotalCount
}

func eniCount(t testing.TB, ec *ecs.Client, instanceID string) int {
	t.Helper()
	req := ecs.CreateDescribeNetworkInterfacesRequest()
	req.InstanceId = instanceID
	r, err := ec.DescribeNetworkInterfaces(req)
	must(t, err)
	return r.TotalCount
}
