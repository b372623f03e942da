// Command tally reads `go test -json` on stdin, prints what go test would
// have printed (the test output with -v, else only the failing tests'
// output and each package's result), and records the outcome of every
// top-level test: passed, skipped by CLI version (a tfversion check),
// skipped for another reason, or failed.
//
//	go test -json ./... | go run ./tools/matrix/tally -record DIR/NAME.tsv
//	go run ./tools/matrix/tally -check DIR/*.tsv
//
// The first form exits non-zero when a test failed, when the run ended
// without a result (a panic or timeout), or, with -strict, when a test
// skipped for a reason other than the CLI's version: in CI nothing else may
// skip. The second reads the records of several runs (make test and each
// CLI of the matrix) and fails, naming them, if a test passed in none.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// The outcomes a record holds.
const (
	passed         = "pass"
	skippedVersion = "skip-version"
	skipped        = "skip"
	failed         = "fail"
)

// versionSkip matches the messages of terraform-plugin-testing's tfversion
// checks ("Terraform CLI version 1.5.7 is below minimum version 1.12.0:
// skipping test", "... is above maximum version ...", "... is between ...",
// "Terraform CLI version is 1.6.0: skipping test."): the only skips a CI
// run allows.
var versionSkip = regexp.MustCompile(`Terraform CLI version (\S+ )?is .*: skipping test`)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type result struct {
	outcome string
	reason  string
}

func main() {
	record := flag.String("record", "", "write each top-level test's outcome to this file (name TAB outcome)")
	verbose := flag.Bool("v", false, "print every test's output, as go test -v")
	strict := flag.Bool("strict", false, "fail on a skip that is not by CLI version")
	check := flag.Bool("check", false, "read the record files given as arguments; fail if a test passed in none")
	flag.Parse()
	if *check {
		os.Exit(checkRecords(flag.Args()))
	}
	os.Exit(tally(os.Stdin, os.Stdout, *record, *verbose, *strict))
}

func tally(in io.Reader, out io.Writer, record string, verbose, strict bool) int {
	results := map[string]result{} // "package TestName"
	buffered := map[string][]string{}
	pkgFailed, sawEvents := false, false
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Not an event: go test's own messages (build errors
			// before Go 1.24) pass through as they are.
			fmt.Fprintln(out, string(line))
			continue
		}
		sawEvents = true
		top := e.Test != "" && !strings.Contains(e.Test, "/")
		key := e.Package + " " + rootTest(e.Test)
		switch e.Action {
		case "run":
			if top {
				results[key] = result{}
			}
		case "output", "build-output":
			switch {
			case e.Test == "" && e.Output == "PASS\n" && !verbose:
				// go test without -v prints a package's result only.
			case e.Test == "" || verbose:
				fmt.Fprint(out, e.Output)
			default:
				buffered[key] = append(buffered[key], e.Output)
			}
			if e.Test != "" && versionSkip.MatchString(e.Output) {
				r := results[key]
				r.reason = strings.TrimSpace(e.Output)
				results[key] = r
			}
		case "pass", "fail", "skip":
			if e.Test == "" {
				if e.Action == "fail" {
					pkgFailed = true
				}
				continue
			}
			if !top {
				continue
			}
			r := results[key]
			switch e.Action {
			case "pass":
				r.outcome = passed
			case "fail":
				r.outcome = failed
				if !verbose {
					for _, o := range buffered[key] {
						fmt.Fprint(out, o)
					}
				}
			case "skip":
				r.outcome = skipped
				if r.reason != "" {
					r.outcome = skippedVersion
				}
			}
			delete(buffered, key)
			results[key] = r
		case "build-fail":
			pkgFailed = true
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(out, "tally: reading go test's output: %v\n", err)
		return 1
	}
	rc := 0
	if pkgFailed || !sawEvents {
		rc = 1
	}
	var names []string
	count := map[string]int{}
	for k, r := range results {
		names = append(names, k)
		if r.outcome == "" {
			// Started, never ended: the package died (panic, timeout).
			r.outcome = failed
			results[k] = r
			for _, o := range buffered[k] {
				fmt.Fprint(out, o)
			}
		}
		count[r.outcome]++
	}
	sort.Strings(names)
	for _, k := range names {
		if r := results[k]; r.outcome == skipped {
			fmt.Fprintf(out, "tally: %s skipped, not by CLI version\n", k)
			if strict {
				rc = 1
			}
		}
	}
	if count[failed] > 0 {
		rc = 1
	}
	fmt.Fprintf(out, "tally: %d passed, %d skipped by CLI version, %d skipped otherwise, %d failed\n",
		count[passed], count[skippedVersion], count[skipped], count[failed])
	if record != "" {
		var b strings.Builder
		for _, k := range names {
			fmt.Fprintf(&b, "%s\t%s\n", k, results[k].outcome)
		}
		if err := os.WriteFile(record, []byte(b.String()), 0o644); err != nil {
			fmt.Fprintf(out, "tally: %v\n", err)
			return 1
		}
	}
	return rc
}

func rootTest(name string) string {
	root, _, _ := strings.Cut(name, "/")
	return root
}

// checkRecords fails when a test recorded in any file passed in none.
func checkRecords(files []string) int {
	if len(files) == 0 {
		fmt.Println("tally: no records to check")
		return 1
	}
	passedSomewhere := map[string]bool{}
	seen := map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Printf("tally: %v\n", err)
			return 1
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			name, outcome, ok := strings.Cut(line, "\t")
			if !ok {
				continue
			}
			seen[name] = append(seen[name], outcome)
			if outcome == passed {
				passedSomewhere[name] = true
			}
		}
	}
	var never []string
	for name := range seen {
		if !passedSomewhere[name] {
			never = append(never, name)
		}
	}
	sort.Strings(never)
	for _, name := range never {
		fmt.Printf("tally: %s ran on no CLI (%s)\n", name, strings.Join(seen[name], ", "))
	}
	fmt.Printf("tally: %d tests across %d runs, %d ran on no CLI\n", len(seen), len(files), len(never))
	if len(never) > 0 {
		return 1
	}
	return 0
}
