package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Before it destroys, Terraform refreshes with a normal plan of the whole
// configuration (hashicorp/terraform#32208), and OpenTofu does the same. A
// resource a partly failed apply never created is planned there as a
// create, and a rule about creating it (an 11th member, a member in
// another vSwitch, a second EIP) would stop the destroy although nothing
// of that plan is ever applied. The protocol does not say which command a
// plan belongs to, but the CLI starts the provider as its child: the
// parent's command line says whether it is destroying.
//
// Only a command line read and understood in full counts. On any doubt
// (another OS, a provider served for debugging or tests and attached to,
// an option this parser does not know, TF_CLI_ARGS adding options it
// cannot see) the command is unknown and every refusal stays an error,
// naming terraform destroy -refresh=false as the way out.

// cliCommand is what the provider knows of the command that runs it.
type cliCommand int

const (
	commandUnknown cliCommand = iota // could not tell: refusals stay and say how to destroy anyway
	commandOther                     // a plan or apply that may create or change: refusals stay
	commandDestroy                   // terraform destroy, apply -destroy or plan -destroy
)

// runningCommand reads the parent's command line once per process.
var runningCommand = sync.OnceValue(func() cliCommand {
	if runtime.GOOS != "linux" {
		return commandUnknown
	}
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(os.Getppid()) + "/cmdline")
	if err != nil {
		return commandUnknown
	}
	return classifyCommand(strings.Split(strings.TrimSuffix(string(raw), "\x00"), "\x00"), os.Getenv)
})

// cliName matches the executables of Terraform and OpenTofu, also as
// version managers name them side by side (terraform1.11, tofu-1.10.6).
var cliName = regexp.MustCompile(`^(terraform|tofu)([-_]?v?[0-9][0-9.]*)?(\.exe)?$`)

// Options of apply and plan that take their value as the next argument
// when written without "=", and those that take none. Any other option
// makes the command unknown: the next argument could be its value.
var (
	valueOptions = map[string]bool{
		"var": true, "var-file": true, "target": true, "replace": true, "exclude": true, "lock-timeout": true,
		"parallelism": true, "state": true, "state-out": true, "backup": true, "out": true, "generate-config-out": true,
	}
	boolOptions = map[string]bool{
		"auto-approve": true, "no-color": true, "compact-warnings": true, "json": true, "refresh-only": true,
		"detailed-exitcode": true, "input": true, "lock": true, "refresh": true, "destroy": true,
	}
)

// classifyCommand classifies a CLI command line; getenv reads the
// environment the CLI gave the provider, which is its own.
func classifyCommand(args []string, getenv func(string) string) cliCommand {
	if len(args) == 0 || !cliName.MatchString(filepath.Base(args[0])) {
		return commandUnknown
	}
	rest := args[1:]
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
		rest = rest[1:] // global options: -chdir=DIR
	}
	if len(rest) == 0 {
		return commandUnknown
	}
	sub := rest[0]
	if sub != "destroy" && sub != "apply" && sub != "plan" {
		return commandOther
	}
	// TF_CLI_ARGS adds options the command line does not show.
	if getenv("TF_CLI_ARGS") != "" || getenv("TF_CLI_ARGS_"+sub) != "" {
		return commandUnknown
	}
	destroyFlag, known := parseDestroyFlag(rest[1:])
	switch {
	case !known:
		return commandUnknown
	case sub == "destroy":
		if destroyFlag != nil {
			return commandUnknown // destroy takes no -destroy: not a command line this parser understands
		}
		return commandDestroy
	case destroyFlag != nil && *destroyFlag:
		return commandDestroy
	}
	return commandOther
}

// parseDestroyFlag reads the options of apply, plan or destroy as Go's
// flag package does (up to the first argument that is not an option) and
// returns the value of -destroy if given. known is false when an option
// it does not know makes the reading uncertain.
func parseDestroyFlag(args []string) (destroy *bool, known bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") || a == "-" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		switch {
		case valueOptions[name]:
			if !hasValue {
				i++ // its value
			}
		case boolOptions[name]:
			if name != "destroy" {
				continue
			}
			v := true
			if hasValue {
				b, err := strconv.ParseBool(value)
				if err != nil {
					return nil, false
				}
				v = b
			}
			destroy = &v
		default:
			return nil, false
		}
	}
	return destroy, true
}

// Texts added to the refusals of a create or update plan.
const (
	destroyRefreshNote = "Only a warning here: this plan is the refresh that terraform destroy runs first, as the command line " +
		"that started the provider says, and nothing it plans is created or changed."
	destroyRefreshHint = "If this stops terraform destroy (which plans the whole configuration first to refresh the state, " +
		"and the provider could not tell from its command line that it is destroying), destroy without that refresh: " +
		"terraform destroy -refresh=false"
)

// adjustForCommand is deferred by the ModifyPlan of every resource for a
// plan that creates or changes something (a destroy plan's own refusals,
// such as the master guard, are never touched), by every ValidateConfig
// (Terraform validates again while it plans, once values are known) and
// by the keepalived data source's Read. In a destroy the plan is only the
// refresh, so its refusals become warnings; when the command is unknown
// they stay, with the way to destroy anyway.
func adjustForCommand(diags *diag.Diagnostics) {
	adjustRefusals(runningCommand(), diags)
}

func adjustRefusals(cmd cliCommand, diags *diag.Diagnostics) {
	if cmd == commandOther || !diags.HasError() {
		return
	}
	out := make(diag.Diagnostics, 0, len(*diags))
	for _, d := range *diags {
		if d.Severity() != diag.SeverityError {
			out = append(out, d)
			continue
		}
		p, hasPath := d.(diag.DiagnosticWithPath)
		switch {
		case cmd == commandDestroy && hasPath:
			out = append(out, diag.NewAttributeWarningDiagnostic(p.Path(), d.Summary(), d.Detail()+"\n\n"+destroyRefreshNote))
		case cmd == commandDestroy:
			out = append(out, diag.NewWarningDiagnostic(d.Summary(), d.Detail()+"\n\n"+destroyRefreshNote))
		case hasPath:
			out = append(out, diag.NewAttributeErrorDiagnostic(p.Path(), d.Summary(), d.Detail()+"\n\n"+destroyRefreshHint))
		default:
			out = append(out, diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+destroyRefreshHint))
		}
	}
	*diags = out
}
