package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The permission docs are generated from ramPermissions: the RAM guide
// (templates/guides/ram-policy.md.tmpl) and a block in every resource's and
// data source's template. This test fails when they differ from the table;
//
//	UPDATE_RAM_DOCS=1 go test ./internal/provider/ -run TestRAMDocs
//
// rewrites them (make docs does), and make docs then renders docs/.

const (
	ramBlockBegin = "<!-- ram-permissions:begin (generated from internal/provider/permissions.go) -->"
	ramBlockEnd   = "<!-- ram-permissions:end -->"
	ramGuidePath  = "templates/guides/ram-policy.md.tmpl"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// templateOf is the docs template of a type: havip_attachment →
// templates/resources/attachment.md.tmpl, havip → havip.md.tmpl.
func templateOf(p RAMPermissions) string {
	dir := "resources"
	if p.Kind == "data source" {
		dir = "data-sources"
	}
	name := strings.TrimPrefix(p.Type, "havip_")
	return filepath.Join("templates", dir, name+".md.tmpl")
}

func stepList(u RAMUse) string {
	s := strings.Join(u.Steps, ", ")
	if u.Only != "" {
		s += " (" + u.Only + ")"
	}
	return s
}

func usesTable(p RAMPermissions) string {
	if len(p.Uses) == 0 {
		return fmt.Sprintf("`%s` makes no API call and needs no RAM permission.\n", p.Type)
	}
	var b strings.Builder
	b.WriteString("| Action | Resource | When |\n|---|---|---|\n")
	for _, u := range p.Uses {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", u.Action, strings.Join(u.Resources, "`, `"), stepList(u))
	}
	return b.String()
}

// resourceBlock is the section a type's own page carries.
func resourceBlock(p RAMPermissions) string {
	var b strings.Builder
	b.WriteString(ramBlockBegin + "\n## Permissions\n\n")
	if len(p.Uses) == 0 {
		b.WriteString(usesTable(p))
	} else {
		fmt.Fprintf(&b, "The RAM actions `%s` calls, and when. The [RAM policy guide](%s) has one policy for the whole provider.\n\n", p.Type, RAMPolicyDocs)
		b.WriteString(usesTable(p))
		if p.Unproven {
			b.WriteString("\nThis list is read from the code; the RAM acceptance tests do not run this resource yet.\n")
		}
	}
	b.WriteString(ramBlockEnd + "\n")
	return b.String()
}

func ramGuide() string {
	var b strings.Builder
	b.WriteString(`---
page_title: "RAM policy: least privilege"
subcategory: "Guides"
description: |-
  The RAM actions each resource and data source of the havip provider calls, and one minimal policy for the whole provider.
---

<!-- Generated from internal/provider/permissions.go by TestRAMDocs; edit there, then run make docs. -->

# RAM policy: least privilege

Give Terraform a RAM user or an STS role with this policy and nothing more. It lists every action the
provider calls and no other; the region and account of every ARN are ` + "`*`" + `, so narrow them to
yours (` + "`acs:vpc:cn-hangzhou:1234567890123456:havip/*`" + `). The ` + "`Describe*`" + ` actions act on no
resource, so RAM grants them only with ` + "`\"Resource\": \"*\"`" + `, except ` + "`vpc:DescribeVSwitchAttributes`" + `,
which is authorised on the vSwitch it reads (` + "`acs:vpc:*:*:vswitch/*`" + `).

## The whole provider

` + "```json\n")
	b.WriteString(RAMPolicy(nil))
	b.WriteString("\n```\n\n## Per resource and data source\n\n")
	b.WriteString("Steps: **plan** is the plan-time check of a new resource; **create**, **update** and **delete** are the\n" +
		"apply (delete also runs a plan-time check); **read** is every refresh; **import** is `terraform import`.\n\n")
	var unproven []string
	for _, p := range ramPermissions {
		fmt.Fprintf(&b, "### %s (%s)\n\n%s\n", p.Type, p.Kind, usesTable(p))
		if p.Unproven {
			unproven = append(unproven, "`"+p.Type+"`")
		}
	}
	b.WriteString(`## When a call is refused

A call the policy does not allow fails at the step that makes it, with a diagnostic that names the
action, the resource it was refused on, and what to grant, instead of the service's generic text:

` + "```" + `
Error: Error associating the HaVip member

  with havip_attachment.ecs1,

AssociateHaVip: Forbidden.RAM: access denied to vpc:AssociateHaVip on
acs:vpc:cn-hangzhou:1234567890123456:havip/havip-bp1…: no statement of the
credentials' RAM policy allows it (RequestId: …)

Grant vpc:AssociateHaVip to the RAM user or role of these credentials on
acs:vpc:cn-hangzhou:1234567890123456:havip/havip-bp1…. The provider calls
vpc:AssociateHaVip in: resource havip_attachment (create). …
` + "```" + `

A refused call changes nothing and is not retried: grant the action and apply again. An explicit
` + "`Deny`" + ` in any policy of the user or role wins over every ` + "`Allow`" + `; the diagnostic says
when a Deny refused the call. Alibaba Cloud answers ` + "`Forbidden.RAM`" + ` (VPC, ECS) or ` + "`NoPermission`" + `
(newer gateways); the provider reads both.

## STS sessions

With ` + "`security_token`" + ` (or an aliyun CLI profile in ` + "`StsToken`" + ` mode) the session's own policy
applies as well. A session that expires during an apply stops the resource being changed with an error
naming it and ` + "`InvalidSecurityToken.Expired`" + `; what finished before is in the state, and a resource that
was created but not yet confirmed is kept in the state as tainted, never orphaned. When the
credentials come from a profile, the provider reads the profile again once the session has expired
and, if it holds a new session, goes on with it.

## How this list is kept true

The list is the provider's own permission table (` + "`internal/provider/permissions.go`" + `), and the
acceptance tests prove it against the mock endpoint, whose RAM evaluation follows Alibaba's policy
language: the whole life of the guide's topology (create, update, refresh, import, destroy) succeeds
under exactly this policy and calls every action in it; and for each action, the same life under the
policy without it fails at the step listed here, naming the action, with nothing else changed.
`)
	if len(unproven) > 0 {
		fmt.Fprintf(&b, "\nThe permissions of %s are read from the code; the acceptance life does not run them yet.\n", strings.Join(unproven, ", "))
	}
	return b.String()
}

// replaceBlock puts block into a template: in place of the old block, or
// before "## Example Usage" the first time.
func replaceBlock(tmpl, block string) (string, error) {
	if i := strings.Index(tmpl, ramBlockBegin); i >= 0 {
		j := strings.Index(tmpl, ramBlockEnd)
		if j < i {
			return "", fmt.Errorf("unterminated %s", ramBlockBegin)
		}
		return tmpl[:i] + block + tmpl[j+len(ramBlockEnd)+1:], nil
	}
	if i := strings.Index(tmpl, "## Example Usage"); i >= 0 {
		return tmpl[:i] + block + "\n" + tmpl[i:], nil
	}
	return tmpl + "\n" + block, nil
}

func TestRAMDocs(t *testing.T) {
	root := repoRoot(t)
	update := os.Getenv("UPDATE_RAM_DOCS") != ""
	want := map[string]string{ramGuidePath: ramGuide()}
	for _, p := range ramPermissions {
		path := templateOf(p)
		old, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Fatalf("%s: %v (every type in ramPermissions needs its docs template)", p.Type, err)
		}
		got, err := replaceBlock(string(old), resourceBlock(p))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		want[path] = got
	}
	for path, content := range want {
		full := filepath.Join(root, path)
		old, _ := os.ReadFile(full)
		if string(old) == content {
			continue
		}
		if update {
			if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote %s", path)
			continue
		}
		t.Errorf("%s is not what permissions.go says; run make docs (UPDATE_RAM_DOCS=1 go test ./internal/provider/ -run TestRAMDocs) and commit", path)
	}
}

// Every resource and data source the provider serves has an entry, so a
// new one cannot ship without its permissions (and its acceptance life).
func TestRAMTableCoversEveryType(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	listed := map[string]string{}
	for _, e := range ramPermissions {
		if _, dup := listed[e.Type]; dup {
			t.Errorf("%s is listed twice", e.Type)
		}
		listed[e.Type] = e.Kind
		for _, u := range e.Uses {
			if len(u.Steps) == 0 || len(u.Resources) == 0 || !strings.Contains(u.Action, ":") {
				t.Errorf("%s: incomplete entry %+v", e.Type, u)
			}
			for _, s := range u.Steps {
				if !contains(StepOrder, s) {
					t.Errorf("%s %s: unknown step %q", e.Type, u.Action, s)
				}
			}
		}
	}
	served := map[string]string{}
	for _, f := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		f().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "havip"}, &resp)
		served[resp.TypeName] = "resource"
	}
	for _, f := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		f().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "havip"}, &resp)
		served[resp.TypeName] = "data source"
	}
	for name, kind := range served {
		if listed[name] != kind {
			t.Errorf("%s %s has no entry in ramPermissions (permissions.go): list the actions it calls", kind, name)
		}
	}
	for name := range listed {
		if served[name] == "" {
			t.Errorf("ramPermissions lists %s, which the provider does not serve", name)
		}
	}
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}
