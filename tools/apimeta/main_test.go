package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// metaDir is shared/api-meta beside the checkout, where CI puts it.
const metaDir = "../../../shared/api-meta"

func TestCommittedTableMatchesMetadata(t *testing.T) {
	if _, err := os.Stat(metaDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have shared/ beside the checkout: %v", err)
		}
		t.Skipf("shared/api-meta not found beside the checkout (%v); CI runs this check", err)
	}
	want, err := Generate(metaDir)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("../../internal/mockcloud/zz_apimeta.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Fatal("internal/mockcloud/zz_apimeta.go differs from a fresh generation; run `make generate`")
	}
}

func TestGenerateRefusesUnknownTypes(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"vpc", "ecs", "sts"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, body string) {
		if err := os.WriteFile(filepath.Join(dir, path), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ecs/DescribeInstances.json", `{"name":"DescribeInstances","parameters":[{"name":"RegionId","type":"String","required":true}]}`)
	write("sts/GetCallerIdentity.json", `{"name":"GetCallerIdentity","parameters":[]}`)
	write("vpc/CreateHaVip.json", `{"name":"CreateHaVip","parameters":[{"name":"X","type":"Matrix"}]}`)
	if _, err := Generate(dir); err == nil || !strings.Contains(err.Error(), "Matrix") {
		t.Fatalf("expected an unknown-type error, got %v", err)
	}
	write("vpc/CreateHaVip.json", `{"name":"DeleteHaVip","parameters":[]}`)
	if _, err := Generate(dir); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("expected a name mismatch error, got %v", err)
	}
	write("vpc/CreateHaVip.json", `{"name":"CreateHaVip","parameters":[{"name":"VSwitchId","type":"String","required":true}]}`)
	src, err := Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte(`{Name: "VSwitchId", Type: "String", Required: true}`)) {
		t.Fatalf("generated source lacks the required flag:\n%s", src)
	}
}
