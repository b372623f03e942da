package mockcloud

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// TestTLS: the SDK reaches the HTTPS endpoint when it trusts the mock's CA.
func TestTLS(t *testing.T) {
	t.Parallel()
	s := testServer(t, Options{TLS: true, Fixtures: richFixtures()})
	if s.Scheme() != "https" || len(s.CACertPEM()) == 0 {
		t.Fatalf("scheme %s, CA %d bytes", s.Scheme(), len(s.CACertPEM()))
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CACertPEM()) {
		t.Fatal("CA PEM does not parse")
	}
	c := s.Credentials()
	sdkInit.Lock()
	cfg := sdk.NewConfig()
	cfg.Scheme = "HTTPS"
	cfg.HttpTransport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	vc, err := vpc.NewClientWithOptions(s.Region(), cfg, credentials.NewStaticAKCredentialsProvider(c.AccessKeyID, c.AccessKeySecret))
	sdkInit.Unlock()
	must(t, err)
	vc.Domain = s.Endpoint()
	mkHaVip(t, vc, vswA1, "")
	if n := len(listHaVips(t, vc, nil)); n != 1 {
		t.Fatalf("%d HaVips over HTTPS", n)
	}
}
