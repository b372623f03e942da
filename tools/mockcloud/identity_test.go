package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A user plays a CI job against the standalone mock: the binary serves
// STS over HTTPS with a CA it writes to a file, prints the STS endpoint
// and SSL_CERT_FILE, mints an OIDC token from a fixture provider whose key
// it holds, and AssumeRoleWithOIDC takes that token.
func TestCommandServesSTSOverTLSWithMintedOIDCTokens(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	fixtures, caFile, envFile := filepath.Join(dir, "fx.json"), filepath.Join(dir, "ca.pem"), filepath.Join(dir, "env")
	const fx = `{"version":1,"regions":["cn-hangzhou"],"vpcs":[],"vswitches":[],"instances":[],
		"roles":[{"name":"ci","policy":{"Version":"1","Statement":[{"Effect":"Allow","Action":"vpc:Describe*","Resource":"*"}]},
		  "trust_policy":{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
		    "Principal":{"Federated":"acs:ram::${AccountId}:oidc-provider/ci"},"Condition":{"StringEquals":{"oidc:aud":"sts.aliyuncs.com"}}}]}}],
		"oidc_providers":[{"name":"ci","issuer_url":"https://token.ci.example","client_ids":["sts.aliyuncs.com"]}]}`
	if err := os.WriteFile(fixtures, []byte(fx), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startBinary(t, bin, "-fixtures", fixtures, "-tls-listener", "-ca-file", caFile, "-env-file", envFile,
		"-access-key-id", "LTAI5ciKey", "-access-key-secret", "ci-secret", "-account-id", "1000000000000001")
	var ready map[string]string
	b, err := os.ReadFile(p.cmd.Args[2]) // the ready file startBinary passed
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ready); err != nil {
		t.Fatal(err)
	}
	sts := ready["tls_endpoint"]
	if !strings.HasPrefix(sts, "127.0.0.1:") || sts == p.ready.Endpoint || ready["ca_file"] != caFile {
		t.Fatalf("ready file: %v", ready)
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ALIBABA_CLOUD_STS_ENDPOINT=" + sts, "SSL_CERT_FILE=" + caFile} {
		if !strings.Contains(p.stdout.String(), "export "+want) || !strings.Contains(string(env), want) {
			t.Errorf("stdout and the env file must carry %q:\n%s\n%s", want, p.stdout, env)
		}
	}

	resp, err := http.Post("http://"+p.ready.Endpoint+"/_mockcloud/oidc/token", "application/json",
		strings.NewReader(`{"provider":"ci","subject":"repo:demo/x","audience":"sts.aliyuncs.com","ttl":"5m"}`))
	if err != nil {
		t.Fatal(err)
	}
	var minted map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&minted); err != nil || resp.StatusCode != 200 {
		t.Fatalf("mint: %d %v %v", resp.StatusCode, minted, err)
	}
	resp.Body.Close()

	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", caFile)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	q := url.Values{"Action": {"AssumeRoleWithOIDC"}, "Version": {"2015-04-01"}, "Format": {"JSON"}}
	form := url.Values{"OIDCProviderArn": {"acs:ram::1000000000000001:oidc-provider/ci"}, "OIDCToken": {minted["token"]},
		"RoleArn": {"acs:ram::1000000000000001:role/ci"}, "RoleSessionName": {"ci-run"}}
	resp, err = client.Post("https://"+sts+"/?"+q.Encode(), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"AccessKeyId":"STS.`) {
		t.Fatalf("AssumeRoleWithOIDC over HTTPS: %d %s", resp.StatusCode, body)
	}
	p.stop(t)
}

func TestCommandTLSListenerNeedsCAFile(t *testing.T) {
	var stdout, stderr strings.Builder
	if err := run([]string{"-tls-listener"}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "-ca-file") {
		t.Fatalf("-tls-listener without -ca-file: %v", err)
	}
}
