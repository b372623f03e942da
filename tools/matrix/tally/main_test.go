package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const pkg = "example.com/p"

// events is a go test -json stream: TestA passes, TestB is skipped by a
// tfversion check (its output arrives before its skip, as in a parallel
// run), TestC skips for another reason, TestD fails with output, TestE
// starts and never ends (the package died).
func events(withFail bool) string {
	lines := []string{
		`{"Action":"run","Package":"` + pkg + `","Test":"TestA"}`,
		`{"Action":"output","Package":"` + pkg + `","Test":"TestA","Output":"a's log\n"}`,
		`{"Action":"pass","Package":"` + pkg + `","Test":"TestA"}`,
		`{"Action":"run","Package":"` + pkg + `","Test":"TestB"}`,
		`{"Action":"output","Package":"` + pkg + `","Test":"TestB","Output":"    x_test.go:64: Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test\n"}`,
		`{"Action":"skip","Package":"` + pkg + `","Test":"TestB"}`,
		`{"Action":"run","Package":"` + pkg + `","Test":"TestC"}`,
		`{"Action":"output","Package":"` + pkg + `","Test":"TestC","Output":"    x_test.go:9: skipping: no keepalived\n"}`,
		`{"Action":"skip","Package":"` + pkg + `","Test":"TestC"}`,
		`{"Action":"run","Package":"` + pkg + `","Test":"TestC/sub"}`,
		`{"Action":"fail","Package":"` + pkg + `","Test":"TestC/sub"}`,
	}
	if withFail {
		lines = append(lines,
			`{"Action":"run","Package":"`+pkg+`","Test":"TestD"}`,
			`{"Action":"output","Package":"`+pkg+`","Test":"TestD","Output":"d went wrong\n"}`,
			`{"Action":"fail","Package":"`+pkg+`","Test":"TestD"}`,
			`{"Action":"run","Package":"`+pkg+`","Test":"TestE"}`,
			`{"Action":"output","Package":"`+pkg+`","Test":"TestE","Output":"panic: e\n"}`,
			`{"Action":"output","Package":"`+pkg+`","Output":"FAIL\t`+pkg+`\t1.0s\n"}`,
			`{"Action":"fail","Package":"`+pkg+`"}`)
	} else {
		lines = append(lines,
			`{"Action":"output","Package":"`+pkg+`","Output":"ok  \t`+pkg+`\t1.0s\n"}`,
			`{"Action":"pass","Package":"`+pkg+`"}`)
	}
	return strings.Join(lines, "\n") + "\n"
}

func run(t *testing.T, in string, strict bool) (out, record string, rc int) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "r.tsv")
	var b strings.Builder
	rc = tally(strings.NewReader(in), &b, file, false, strict)
	rec, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), string(rec), rc
}

func TestTally(t *testing.T) {
	out, rec, rc := run(t, events(false), false)
	if rc != 0 {
		t.Fatalf("rc %d without a failure:\n%s", rc, out)
	}
	want := pkg + " TestA\tpass\n" + pkg + " TestB\tskip-version\n" + pkg + " TestC\tskip\n"
	if rec != want {
		t.Fatalf("record:\n%s\nwant:\n%s", rec, want)
	}
	if strings.Contains(out, "a's log") || !strings.Contains(out, "ok  \t"+pkg) {
		t.Fatalf("a passing test's output was printed, or the package result was not:\n%s", out)
	}
	if !strings.Contains(out, "tally: 1 passed, 1 skipped by CLI version, 1 skipped otherwise, 0 failed") {
		t.Fatalf("no tally line:\n%s", out)
	}
	// Strict (CI): a skip not by CLI version fails the run.
	if _, _, rc := run(t, events(false), true); rc == 0 {
		t.Fatal("strict tally passed a skip that is not by CLI version")
	}
}

func TestTally_failures(t *testing.T) {
	out, rec, rc := run(t, events(true), false)
	if rc == 0 {
		t.Fatalf("rc 0 with failed tests:\n%s", out)
	}
	for _, w := range []string{pkg + " TestD\tfail", pkg + " TestE\tfail"} {
		if !strings.Contains(rec, w) {
			t.Fatalf("record lacks %q:\n%s", w, rec)
		}
	}
	for _, w := range []string{"d went wrong", "panic: e", "FAIL\t" + pkg, "2 failed"} {
		if !strings.Contains(out, w) {
			t.Fatalf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestCheckRecords(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := write("old.tsv", "p TestA\tpass\np TestIdentity\tskip-version\n")
	newest := write("new.tsv", "p TestA\tpass\np TestIdentity\tpass\n")
	if rc := checkRecords([]string{old, newest}); rc != 0 {
		t.Fatal("a test that passed on one CLI was counted as run on none")
	}
	if rc := checkRecords([]string{old}); rc == 0 {
		t.Fatal("a test skipped by version on every CLI passed the check")
	}
	if rc := checkRecords(nil); rc == 0 {
		t.Fatal("no records passed the check")
	}
}
