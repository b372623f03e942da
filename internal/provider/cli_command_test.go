package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestClassifyCommand(t *testing.T) {
	noEnv := func(string) string { return "" }
	for _, tc := range []struct {
		line string
		want cliCommand
	}{
		{"terraform destroy", commandDestroy},
		{"/usr/local/bin/terraform destroy -auto-approve -input=false -no-color", commandDestroy},
		{"terraform -chdir=envs/prod destroy -var region=cn-beijing", commandDestroy},
		{"tofu destroy -auto-approve", commandDestroy},
		{"terraform1.11 destroy", commandDestroy},
		{"tofu-1.10.6 destroy", commandDestroy},
		{"terraform apply -destroy", commandDestroy},
		{"terraform apply -auto-approve --destroy", commandDestroy},
		{"terraform plan -destroy=true -out=tfplan", commandDestroy},
		{"terraform plan -var-file prod.tfvars -destroy", commandDestroy},

		{"terraform apply", commandOther},
		{"terraform apply -auto-approve -input=false", commandOther},
		{"terraform apply -destroy=false", commandOther},
		{"terraform plan -refresh-only", commandOther},
		{"terraform import havip.web havip-1", commandOther},
		// -var takes the next argument as its value, whatever it looks like.
		{"terraform apply -var -destroy", commandOther},
		// The options stop at the first argument that is not one: a plan file.
		{"terraform apply tfplan -destroy", commandOther},

		{"", commandUnknown},
		{"terraform", commandUnknown},
		{"terraform-provider-havip destroy", commandUnknown},
		{"/tmp/go-build123/provider.test -test.run TestAcc", commandUnknown},
		{"bash -c terraform destroy", commandUnknown},
		{"dlv exec terraform destroy", commandUnknown},
		{"terraform apply -some-new-option -destroy", commandUnknown},
		{"terraform apply -destroy=maybe", commandUnknown},
		{"terraform destroy -destroy=false", commandUnknown},
	} {
		var args []string
		if tc.line != "" {
			args = strings.Fields(tc.line)
		}
		if got := classifyCommand(args, noEnv); got != tc.want {
			t.Errorf("%q: got %d, want %d", tc.line, got, tc.want)
		}
	}
	// Options added by TF_CLI_ARGS are not on the command line.
	for _, env := range []string{"TF_CLI_ARGS", "TF_CLI_ARGS_apply"} {
		getenv := func(k string) string {
			if k == env {
				return "-destroy=false"
			}
			return ""
		}
		if got := classifyCommand(strings.Fields("terraform apply -destroy"), getenv); got != commandUnknown {
			t.Errorf("with %s set: got %d, want unknown", env, got)
		}
	}
}

func TestAdjustRefusals(t *testing.T) {
	at := path.Root("instance_id")
	refusals := func() diag.Diagnostics {
		var d diag.Diagnostics
		d.AddAttributeError(at, "Too many HaVip members", "HaVip havip-1 would have 11 members.")
		d.AddError("Cannot check HaVip havip-1", "throttled")
		d.AddAttributeWarning(at, "Some warning", "kept as it is")
		return d
	}

	d := refusals()
	adjustRefusals(commandOther, &d)
	if d.ErrorsCount() != 2 || strings.Contains(d[0].Detail(), "-refresh=false") {
		t.Errorf("a plan of another command changed its refusals: %v", d)
	}

	d = refusals()
	adjustRefusals(commandDestroy, &d)
	if d.HasError() || d.WarningsCount() != 3 {
		t.Fatalf("in a destroy, the refusals of its refresh plan must be warnings: %v", d)
	}
	if p, ok := d[0].(diag.DiagnosticWithPath); !ok || !p.Path().Equal(at) || d[0].Summary() != "Too many HaVip members" ||
		!strings.Contains(d[0].Detail(), "11 members") || !strings.Contains(d[0].Detail(), "terraform destroy runs first") {
		t.Errorf("the warning lost the refusal's attribute or text: %#v", d[0])
	}
	if d[2].Detail() != "kept as it is" {
		t.Errorf("a warning was changed: %q", d[2].Detail())
	}

	d = refusals()
	adjustRefusals(commandUnknown, &d)
	if d.ErrorsCount() != 2 {
		t.Fatalf("with the command unknown the refusals must stay errors: %v", d)
	}
	for _, e := range d.Errors() {
		if !strings.HasSuffix(e.Detail(), "terraform destroy -refresh=false") {
			t.Errorf("%q does not name terraform destroy -refresh=false:\n%s", e.Summary(), e.Detail())
		}
	}
	if p, ok := d[0].(diag.DiagnosticWithPath); !ok || !p.Path().Equal(at) {
		t.Errorf("the refusal lost its attribute: %#v", d[0])
	}
}
