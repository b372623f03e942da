package mockcloud

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// TestSignatureV1Vector is the documented test vector (alibaba-sdk.md §12).
func TestSignatureV1Vector(t *testing.T) {
	t.Parallel()
	v := url.Values{
		"AccessKeyId": {"testid"}, "Action": {"DescribeRegions"}, "Format": {"XML"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureNonce": {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
		"SignatureVersion": {"1.0"}, "Timestamp": {"2016-02-23T12:46:24Z"}, "Version": {"2014-05-26"},
	}
	if got := SignV1("GET", v, "testsecret"); got != "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" {
		t.Fatalf("SignV1 = %s", got)
	}
	// The Signature parameter itself is not signed.
	v.Set("Signature", "anything")
	if got := SignV1("GET", v, "testsecret"); got != "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" {
		t.Fatalf("SignV1 with a Signature parameter = %s", got)
	}
	// RFC 3986 details: space %20, * %2A, ~ kept.
	sts := StringToSignV1("POST", url.Values{"a": {"x y*~"}})
	if sts != "POST&%2F&a%3Dx%2520y%252A~" {
		t.Fatalf("StringToSignV1 = %s", sts)
	}
}

// TestGatewayErrorsSDK: every gateway refusal, as the SDK sees it.
func TestGatewayErrorsSDK(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	good := s.Credentials()

	t.Run("wrong secret", func(t *testing.T) {
		bad, _ := clients(t, s, Credential{AccessKeyID: good.AccessKeyID, AccessKeySecret: "not-the-secret"})
		_, err := bad.DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
		se := serverErr(t, err, 400, "SignatureDoesNotMatch")
		if !strings.Contains(se.Message(), "server string to sign is:") {
			t.Fatalf("message lacks the server string to sign: %s", se.Message())
		}
	})
	t.Run("unknown AccessKeyId", func(t *testing.T) {
		bad, _ := clients(t, s, Credential{AccessKeyID: "LTAI5nobody", AccessKeySecret: good.AccessKeySecret})
		_, err := bad.DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
		serverErr(t, err, 404, "InvalidAccessKeyId.NotFound")
	})
	t.Run("unknown action", func(t *testing.T) {
		req := requests.NewCommonRequest()
		req.Product, req.Version, req.ApiName = "Vpc", vpcVersion, "DescribeSpaceships"
		_, err := vc.ProcessCommonRequest(req)
		serverErr(t, err, 404, "InvalidAction.NotFound")
		// A HaVip action under the ECS version is not served either.
		req = requests.NewCommonRequest()
		req.Product, req.Version, req.ApiName = "Ecs", ecsVersion, "CreateHaVip"
		req.QueryParams["VSwitchId"] = vswA1
		_, err = vc.ProcessCommonRequest(req)
		se := serverErr(t, err, 404, "InvalidAction.NotFound")
		if !strings.Contains(se.Message(), vpcVersion) {
			t.Fatalf("message does not point at the served version: %s", se.Message())
		}
	})
	t.Run("unknown version", func(t *testing.T) {
		req := requests.NewCommonRequest()
		req.Product, req.Version, req.ApiName = "Vpc", "2099-01-01", "DescribeHaVips"
		_, err := vc.ProcessCommonRequest(req)
		serverErr(t, err, 400, "InvalidVersion")
	})
	t.Run("missing parameter", func(t *testing.T) {
		_, err := vc.CreateHaVip(vpc.CreateCreateHaVipRequest())
		serverErr(t, err, 400, "MissingVSwitchId")
		req := vpc.CreateAssociateHaVipRequest()
		req.HaVipId = "havip-x"
		_, err = vc.AssociateHaVip(req)
		serverErr(t, err, 400, "MissingInstanceId")
		_, err = vc.ReleaseEipAddress(vpc.CreateReleaseEipAddressRequest())
		serverErr(t, err, 400, "MissingAllocationId")
	})
	t.Run("bad values", func(t *testing.T) {
		req := vpc.CreateDescribeHaVipsRequest()
		req.PageSize = "abc"
		_, err := vc.DescribeHaVips(req)
		serverErr(t, err, 400, "InvalidParameter")
		id := mkHaVip(t, vc, vswA1, "").HaVipId
		must(t, associate(vc, id, ecs1, ""))
		serverErr(t, unassociate(vc, id, ecs1, "", "maybe"), 400, "InvalidParameter")
		ureq := vpc.CreateUnassociateEipAddressRequest()
		ureq.AllocationId = eipHZ1
		ureq.Force = "sometimes" // a Boolean parameter
		_, err = vc.UnassociateEipAddress(ureq)
		serverErr(t, err, 400, "InvalidParameter")
	})
	t.Run("unknown parameter strict", func(t *testing.T) {
		req := vpc.CreateDescribeHaVipsRequest()
		req.QueryParams["Colour"] = "blue"
		_, err := vc.DescribeHaVips(req)
		se := serverErr(t, err, 400, "InvalidParameter")
		if !strings.Contains(se.Message(), "Colour") {
			t.Fatalf("message does not name the parameter: %s", se.Message())
		}
	})
	t.Run("clock skew", func(t *testing.T) {
		s2, vc2, _ := richServer(t, nil)
		for _, off := range []time.Duration{20 * time.Minute, -20 * time.Minute} {
			s2.SetClockOffset(off)
			_, err := vc2.DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
			serverErr(t, err, 400, "InvalidTimeStamp.Expired")
		}
		s2.SetClockOffset(14 * time.Minute)
		_, err := vc2.DescribeHaVips(vpc.CreateDescribeHaVipsRequest())
		must(t, err)
	})
}

// TestLooseMode: unknown parameters are ignored with Options.Loose.
func TestLooseMode(t *testing.T) {
	t.Parallel()
	_, vc, _ := richServer(t, func(o *Options) { o.Loose = true })
	req := vpc.CreateCreateHaVipRequest()
	req.VSwitchId = vswA1
	req.QueryParams["Colour"] = "blue"
	req.QueryParams["Filter.0.Nonsense"] = "x"
	r, err := vc.CreateHaVip(req)
	must(t, err)
	if h := haVip(t, vc, r.HaVipId); h.VSwitchId != vswA1 {
		t.Fatalf("%+v", h)
	}
	// Loose is not lax about known parameters.
	dreq := vpc.CreateDescribeHaVipsRequest()
	dreq.PageSize = "abc"
	_, err = vc.DescribeHaVips(dreq)
	serverErr(t, err, 400, "InvalidParameter")
}

// TestSignatureNonceReplay sends one exact signed URL twice.
func TestSignatureNonceReplay(t *testing.T) {
	t.Parallel()
	s, _, _ := richServer(t, nil)
	c := s.Credentials()
	v := signedValues(c, http.MethodGet, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}})
	u := s.URL() + "/?" + v.Encode()
	st, m := rawGet(t, u)
	if st != 200 {
		t.Fatalf("first use: %d %v", st, m)
	}
	if _, ok := m["HaVips"].(map[string]any); !ok {
		t.Fatalf("first use: no HaVips wrapper: %v", m)
	}
	st, m = rawGet(t, u)
	if code := checkEnvelope(t, st, m); st != 400 || code != "SignatureNonceUsed" {
		t.Fatalf("replay: %d %s", st, code)
	}
	// The same nonce under another AccessKeyId is a different nonce.
	c2, err := s.NewAccount()
	must(t, err)
	v2 := signedValues(c2, http.MethodGet, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}, "SignatureNonce": {v.Get("SignatureNonce")}})
	if st, m := rawGet(t, s.URL()+"/?"+v2.Encode()); st != 200 {
		t.Fatalf("same nonce, other key: %d %v", st, m)
	}
	// A request with a bad signature does not spend its nonce.
	v3 := signedValues(c, http.MethodGet, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}})
	tampered := url.Values{}
	for k, vals := range v3 {
		tampered[k] = vals
	}
	tampered.Set("PageSize", "5")
	st, m = rawGet(t, s.URL()+"/?"+tampered.Encode())
	if code := checkEnvelope(t, st, m); code != "SignatureDoesNotMatch" {
		t.Fatalf("tampered: %s", code)
	}
	if st, m := rawGet(t, s.URL()+"/?"+v3.Encode()); st != 200 {
		t.Fatalf("nonce was spent by a refused request: %d %v", st, m)
	}
	// Missing signature fields.
	for _, drop := range []string{"Signature", "SignatureNonce", "Timestamp", "AccessKeyId"} {
		v := signedValues(c, http.MethodGet, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}})
		v.Del(drop)
		st, m := rawGet(t, s.URL()+"/?"+v.Encode())
		want := map[string]string{"Signature": "IncompleteSignature", "SignatureNonce": "MissingSignatureNonce",
			"Timestamp": "MissingTimestamp", "AccessKeyId": "MissingAccessKeyId"}[drop]
		if code := checkEnvelope(t, st, m); code != want || st != 400 {
			t.Fatalf("without %s: %d %s, want 400 %s", drop, st, code, want)
		}
	}
	v = signedValues(c, http.MethodGet, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}, "Timestamp": {"yesterday"}})
	if st, m := rawGet(t, s.URL()+"/?"+v.Encode()); checkEnvelope(t, st, m) != "InvalidTimeStamp.Format" {
		t.Fatalf("bad timestamp format: %v", m)
	}
	// Form-body parameters are signed together with the query.
	v = signedValues(c, http.MethodPost, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}, "PageSize": {"3"}})
	body := url.Values{"PageSize": {"3"}}
	v.Del("PageSize")
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/?"+v.Encode(), strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if st, m, _ := rawDo(t, req); st != 200 || m["PageSize"] != float64(3) {
		t.Fatalf("form body: %d %v", st, m)
	}
}

// percent3986 is RFC 3986 encoding, written independently of the mock's.
func percent3986(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// v3Request builds an ACS3-HMAC-SHA256 request per alibaba-sdk.md §13.
func v3Request(t testing.TB, s *Server, c Credential, action, version string, query url.Values, body []byte, nonce string) *http.Request {
	t.Helper()
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var cq []string
	for _, k := range keys {
		cq = append(cq, percent3986(k)+"="+percent3986(query.Get(k)))
	}
	canonQuery := strings.Join(cq, "&")
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/?"+canonQuery, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hdr := map[string]string{
		"host":                  s.Endpoint(),
		"x-acs-action":          action,
		"x-acs-version":         version,
		"x-acs-date":            time.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": nonce,
		"x-acs-content-sha256":  bodyHash,
	}
	names := make([]string, 0, len(hdr))
	for k, v := range hdr {
		names = append(names, k)
		if k != "host" {
			req.Header.Set(k, v)
		}
	}
	sort.Strings(names)
	var ch strings.Builder
	for _, n := range names {
		ch.WriteString(n + ":" + strings.TrimSpace(hdr[n]) + "\n")
	}
	signed := strings.Join(names, ";")
	canon := strings.Join([]string{http.MethodPost, "/", canonQuery, ch.String(), signed, bodyHash}, "\n")
	csum := sha256.Sum256([]byte(canon))
	mac := hmac.New(sha256.New, []byte(c.AccessKeySecret))
	mac.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(csum[:])))
	req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+c.AccessKeyID+",SignedHeaders="+signed+",Signature="+hex.EncodeToString(mac.Sum(nil)))
	return req
}

// TestSignatureV3: a valid ACS3-HMAC-SHA256 request is served; tampered
// ones are refused.
func TestSignatureV3(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	c := s.Credentials()

	q := url.Values{"RegionId": {rgHZ}, "VSwitchId": {vswA1}, "Name": {"a b*~"}, "ClientToken": {"v3-tok"}}
	st, m, _ := rawDo(t, v3Request(t, s, c, "CreateHaVip", vpcVersion, q, nil, "v3-nonce-1"))
	if st != 200 {
		t.Fatalf("valid V3 CreateHaVip: %d %v", st, m)
	}
	id, _ := m["HaVipId"].(string)
	if j := s.Journal(JournalFilter{Action: "CreateHaVip"}); len(j) != 1 || j[0].Signature != "v3" || j[0].Status != 200 {
		t.Fatalf("journal of the V3 call: %+v", j)
	}
	if h := haVip(t, vc, id); h.Name != "a b*~" {
		t.Fatalf("V3-created HaVip: %+v", h)
	}

	// Replaying the nonce.
	st, m, _ = rawDo(t, v3Request(t, s, c, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}}, nil, "v3-nonce-1"))
	if code := checkEnvelope(t, st, m); code != "SignatureNonceUsed" {
		t.Fatalf("V3 nonce replay: %s", code)
	}
	// A query parameter changed after signing.
	req := v3Request(t, s, c, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}, "PageSize": {"5"}}, nil, "v3-nonce-2")
	req.URL.RawQuery = strings.Replace(req.URL.RawQuery, "PageSize=5", "PageSize=6", 1)
	st, m, _ = rawDo(t, req)
	if code := checkEnvelope(t, st, m); st != 400 || code != "SignatureDoesNotMatch" {
		t.Fatalf("tampered V3 query: %d %s", st, code)
	}
	// A signed header changed after signing.
	req = v3Request(t, s, c, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}}, nil, "v3-nonce-3")
	req.Header.Set("x-acs-action", "DescribeVpcs")
	st, m, _ = rawDo(t, req)
	if code := checkEnvelope(t, st, m); code != "SignatureDoesNotMatch" {
		t.Fatalf("tampered V3 header: %s", code)
	}
	// A body that does not match its declared hash.
	req = v3Request(t, s, c, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}}, []byte("PageSize=5"), "v3-nonce-4")
	req.Body = io.NopCloser(strings.NewReader("PageSize=7"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	st, m, _ = rawDo(t, req)
	if code := checkEnvelope(t, st, m); code != "SignatureDoesNotMatch" {
		t.Fatalf("tampered V3 body: %s", code)
	}
	// Signed with the wrong secret.
	st, m, _ = rawDo(t, v3Request(t, s, Credential{AccessKeyID: c.AccessKeyID, AccessKeySecret: "wrong"}, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}}, nil, "v3-nonce-5"))
	if code := checkEnvelope(t, st, m); code != "SignatureDoesNotMatch" {
		t.Fatalf("V3 wrong secret: %s", code)
	}
	// A malformed Authorization header.
	req = v3Request(t, s, c, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}}, nil, "v3-nonce-6")
	req.Header.Set("Authorization", "ACS3-HMAC-SHA256 garbage")
	st, m, _ = rawDo(t, req)
	if code := checkEnvelope(t, st, m); code != "IncompleteSignature" {
		t.Fatalf("malformed V3 Authorization: %s", code)
	}
	// A valid V3 call with a form body.
	body := []byte(url.Values{"PageSize": {"2"}}.Encode())
	req = v3Request(t, s, c, "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}}, body, "v3-nonce-7")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	st, m, _ = rawDo(t, req)
	if st != 200 || m["PageSize"] != float64(2) {
		t.Fatalf("V3 with form body: %d %v", st, m)
	}
}

// TestAccountIsolation: every AccessKeyId is its own account.
func TestAccountIsolation(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	id := mkHaVip(t, vc, vswA1, "192.168.0.77").HaVipId
	c2, err := s.NewAccount()
	must(t, err)
	if c2.AccountID == s.Credentials().AccountID || c2.AccessKeyID == s.Credentials().AccessKeyID {
		t.Fatal("NewAccount reused the default account")
	}
	vc2, _ := clients(t, s, c2)
	if got := listHaVips(t, vc2, nil); len(got) != 0 {
		t.Fatalf("the new account sees %d HaVips", len(got))
	}
	serverErr(t, delHaVip(vc2, id), 404, "InvalidHaVipId.NotFound")
	// Same fixtures, own state: the same IP is free there.
	id2 := mkHaVip(t, vc2, vswA1, "192.168.0.77").HaVipId
	if len(listHaVips(t, vc, nil)) != 1 || len(listHaVips(t, vc2, nil)) != 1 || id2 == id {
		t.Fatal("accounts share HaVips")
	}
	// Quota changes are per account.
	must(t, s.SetQuota(c2.AccessKeyID, QuotaHaVipsPerAccount, 1))
	_, err = tryCreate(vc2, vswA1, "")
	serverErr(t, err, 400, "QuotaExceeded.HaVip")
	mkHaVip(t, vc, vswA1, "")
}

// TestErrorEnvelopeRawJSON checks the raw error body: five string fields.
func TestErrorEnvelopeRawJSON(t *testing.T) {
	t.Parallel()
	s, _, _ := richServer(t, nil)
	c := s.Credentials()
	v := signedValues(c, http.MethodGet, "DeleteHaVip", vpcVersion, url.Values{"RegionId": {rgHZ}, "HaVipId": {"havip-none"}})
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/?"+v.Encode(), nil)
	st, m, raw := rawDo(t, req)
	if code := checkEnvelope(t, st, m); st != 404 || code != "InvalidHaVipId.NotFound" {
		t.Fatalf("%d %s", st, code)
	}
	var strict map[string]json.RawMessage
	must(t, json.Unmarshal(raw, &strict))
	if len(strict) != 5 {
		t.Fatalf("envelope has %d keys, want exactly RequestId, HostId, Code, Message, Recommend: %s", len(strict), raw)
	}
	if m["HostId"] != "vpc.aliyuncs.com" {
		t.Fatalf("HostId %v", m["HostId"])
	}
	// An ECS error names the ECS host; a gateway error before routing still has a host.
	v = signedValues(c, http.MethodGet, "DescribeInstances", ecsVersion, url.Values{"RegionId": {rgHZ}, "InstanceIds": {"nope"}})
	st, m = rawGet(t, s.URL()+"/?"+v.Encode())
	if checkEnvelope(t, st, m); m["HostId"] != "ecs.aliyuncs.com" {
		t.Fatalf("ECS HostId %v", m["HostId"])
	}
	st, m = rawGet(t, s.URL()+"/?Version="+vpcVersion)
	if code := checkEnvelope(t, st, m); code != "MissingAction" {
		t.Fatalf("no Action: %s", code)
	}
}

// TestMalformedRawRequests: hostile requests get a 4xx envelope, never a
// panic, and the server keeps serving.
func TestMalformedRawRequests(t *testing.T) {
	t.Parallel()
	s, vc, _ := richServer(t, nil)
	c := s.Credentials()
	signed := func(action string, extra url.Values) string {
		return s.URL() + "/?" + signedValues(c, http.MethodGet, action, vpcVersion, extra).Encode()
	}
	many := url.Values{"RegionId": {rgHZ}}
	for i := 0; i < 600; i++ {
		many.Set(fmt.Sprintf("P%d", i), "x")
	}
	cases := []struct {
		name, method, url string
		body              string
		status            int
		code              string
	}{
		{"bad percent-encoding", "GET", s.URL() + "/?Action=DescribeHaVips&Version=" + vpcVersion + "&Name=%zz", "", 400, "InvalidParameter"},
		{"bad percent-encoding in body", "POST", s.URL() + "/", "Action=DescribeHaVips&%G0=1", 400, "InvalidParameter"},
		{"600 parameters", "GET", signed("DescribeHaVips", many), "", 400, "InvalidParameter"},
		{"huge value", "GET", signed("CreateHaVip", url.Values{"RegionId": {rgHZ}, "VSwitchId": {vswA1}, "Name": {strings.Repeat("n", 20000)}}), "", 400, "InvalidParameter"},
		{"other path", "GET", s.URL() + "/other/path?" + signedValues(c, "GET", "DescribeHaVips", vpcVersion, url.Values{"RegionId": {rgHZ}}).Encode(), "", 404, "InvalidApi.NotFound"},
		{"PUT", "PUT", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}}), "", 405, "UnsupportedHTTPMethod"},
		{"DELETE", "DELETE", s.URL() + "/", "", 405, "UnsupportedHTTPMethod"},
		{"Filter.0.Key", "GET", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}, "Filter.0.Key": {"VpcId"}, "Filter.0.Value.1": {vpcA}}), "", 400, "InvalidParameter"},
		{"Filter.x.Value.1", "GET", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}, "Filter.x.Value.1": {vpcA}}), "", 400, "InvalidParameter"},
		{"Filter.1.Value.0", "GET", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}, "Filter.1.Key": {"VpcId"}, "Filter.1.Value.0": {vpcA}}), "", 400, "InvalidParameter"},
		{"Filter.1.Value.1.2", "GET", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}, "Filter.1.Value.1.2": {vpcA}}), "", 400, "InvalidParameter"},
		{"huge index", "GET", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}, "Tags.99999999999999999999.Key": {"k"}}), "", 400, "InvalidParameter"},
		{"Filter without key", "GET", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}, "Filter.1.Value.1": {vpcA}}), "", 400, "InvalidFilterKey.ValueNotSupported"},
		{"repeated parameter", "GET", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}, "PageSize": {"1", "2"}}), "", 400, "InvalidParameter"},
		{"scalar as list", "GET", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}, "PageSize.1": {"1"}}), "", 400, "InvalidParameter"},
		{"Format XML", "GET", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}, "Format": {"XML"}}), "", 400, "InvalidParameter"},
		{"SignatureMethod", "GET", signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}, "SignatureMethod": {"HMAC-MD5"}}), "", 400, "InvalidParameter"},
		{"no Version", "GET", s.URL() + "/?Action=DescribeHaVips", "", 400, "MissingVersion"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body *strings.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			} else {
				body = strings.NewReader("")
			}
			req, err := http.NewRequest(tc.method, tc.url, body)
			must(t, err)
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			st, m, _ := rawDo(t, req)
			if code := checkEnvelope(t, st, m); st != tc.status || code != tc.code {
				t.Fatalf("%d %s, want %d %s: %v", st, code, tc.status, tc.code, m["Message"])
			}
		})
	}

	t.Run("600 parameters name the cap", func(t *testing.T) {
		// Unknown parameters are refused anyway in strict mode, so check
		// the cap's own message, and a loose server where only the cap can
		// refuse them.
		st, m := rawGet(t, signed("DescribeHaVips", many))
		if msg, _ := m["Message"].(string); st != 400 || !strings.Contains(msg, fmt.Sprintf("at most %d", maxParams)) {
			t.Fatalf("%d %v", st, m)
		}
		loose := testServer(t, Options{Loose: true, Fixtures: richFixtures()})
		lc := loose.Credentials()
		st, m = rawGet(t, loose.URL()+"/?"+signedValues(lc, http.MethodGet, "DescribeHaVips", vpcVersion, many).Encode())
		if code := checkEnvelope(t, st, m); st != 400 || code != "InvalidParameter" {
			t.Fatalf("loose server, 600 parameters: %d %s", st, code)
		}
		few := url.Values{"RegionId": {rgHZ}}
		for i := 0; i < 100; i++ {
			few.Set(fmt.Sprintf("P%d", i), "x")
		}
		if st, m := rawGet(t, loose.URL()+"/?"+signedValues(lc, http.MethodGet, "DescribeHaVips", vpcVersion, few).Encode()); st != 200 {
			t.Fatalf("loose server, 100 unknown parameters: %d %v", st, m)
		}
	})
	t.Run("body just over 1 MiB", func(t *testing.T) {
		body := bytes.Repeat([]byte("a"), maxBodyBytes+1)
		req, _ := http.NewRequest(http.MethodPost, signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}}), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		st, m, _ := rawDo(t, req)
		if code := checkEnvelope(t, st, m); st != http.StatusRequestEntityTooLarge || code != "InvalidParameter" {
			t.Fatalf("%d %s", st, code)
		}
	})
	t.Run("body of 8 MiB in process", func(t *testing.T) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, signed("DescribeHaVips", url.Values{"RegionId": {rgHZ}}), bytes.NewReader(bytes.Repeat([]byte("a=b&"), 2<<20)))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		s.ServeHTTP(w, r)
		var m map[string]any
		must(t, json.Unmarshal(w.Body.Bytes(), &m))
		if code := checkEnvelope(t, w.Code, m); w.Code != 413 || code != "InvalidParameter" {
			t.Fatalf("%d %s", w.Code, code)
		}
	})

	// Still serving, and nothing was created by any of the above.
	if got := listHaVips(t, vc, nil); len(got) != 0 {
		t.Fatalf("malformed requests created %d HaVips", len(got))
	}
	mkHaVip(t, vc, vswA1, "")
}
