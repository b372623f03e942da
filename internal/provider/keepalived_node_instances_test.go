package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/havip-oss/terraform-provider-havip/internal/mockcloud"
)

// Each refusal is on the attribute of the node it is about: a wrong
// address on nodes[i].private_ip, a missing instance on
// nodes[i].instance_id. (Terraform 1.11 prints a path inside a nested
// list at the data block's header, so the summaries name the field too.)
func TestCheckNodeInstancesPaths(t *testing.T) {
	s, err := mockcloud.Start(mockcloud.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cred := s.Credentials()
	resp := configure(t, map[string]any{"region": s.Region(), "access_key": cred.AccessKeyID, "secret_key": cred.AccessKeySecret,
		"protocol": "HTTP", "endpoints": map[string]any{"vpc": s.Endpoint(), "ecs": s.Endpoint()}})
	data, ok := resp.DataSourceData.(*providerData)
	if resp.Diagnostics.HasError() || !ok || data.client == nil {
		t.Fatalf("configure: %v", resp.Diagnostics)
	}
	seed := mockcloud.SeedFixtures().Instances
	node := func(name, ip, id string) kaNodeModel {
		n := kaNodeModel{Name: types.StringValue(name), PrivateIP: types.StringValue(ip), InstanceID: types.StringNull()}
		if id != "" {
			n.InstanceID = types.StringValue(id)
		}
		return n
	}
	nodes := []kaNodeModel{
		node("ecs1", seed[0].PrivateIP, seed[0].ID),
		node("ecs2", "192.168.0.62", seed[1].ID),
		node("ecs3", "192.168.0.27", "i-bp1doesnotexist0000001"),
		node("ecs4", "192.168.0.99", ""), // taken as given
	}
	var diags diag.Diagnostics
	checkNodeInstances(context.Background(), data, nodes, &diags)
	want := map[string]string{
		path.Root("nodes").AtListIndex(1).AtName("private_ip").String():  "nodes[1].private_ip is not the address of " + seed[1].ID,
		path.Root("nodes").AtListIndex(2).AtName("instance_id").String(): "nodes[2].instance_id: ECS instance not found",
	}
	got := map[string]string{}
	for _, d := range diags {
		wp, ok := d.(diag.DiagnosticWithPath)
		if !ok || d.Severity() != diag.SeverityError {
			t.Errorf("%s %q on no attribute", d.Severity(), d.Summary())
			continue
		}
		got[wp.Path().String()] = d.Summary()
	}
	for p, summary := range want {
		if got[p] != summary {
			t.Errorf("at %s: %q, want %q (all: %v)", p, got[p], summary, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("diagnostics %v, want exactly %v", got, want)
	}

	// Without any instance_id nothing is read, and no client is needed.
	before := s.JournalSeq()
	var none diag.Diagnostics
	checkNodeInstances(context.Background(), nil, []kaNodeModel{node("a", "192.168.0.25", ""), node("b", "192.168.0.26", "")}, &none)
	if none.HasError() || s.JournalSeq() != before {
		t.Errorf("nodes without instance_id: %v, %d calls", none, s.JournalSeq()-before)
	}
}
