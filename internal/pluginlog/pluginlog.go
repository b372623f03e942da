// Package pluginlog keeps the provider process from writing logs nobody
// reads: the plugin SDK's trace output, which Terraform parses and drops
// unless the user asked for provider logs.
package pluginlog

import (
	"os"
	"strings"
)

// levels are the variables that set the log levels of the plugin
// SDK (its protocol and framework parts) and of this provider's own logs.
// Unset, each of them means "trace".
var levels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"}

// SilenceDiscarded turns this process's logs off when Terraform will
// drop them unread. Terraform launches the provider with its own
// environment and shows provider logs only when TF_LOG or TF_LOG_PROVIDER
// asks for them; the plugin SDK, though, logs at trace level unless told
// otherwise, writing a JSON line per attribute validator and plan modifier
// to stderr, which Terraform then parses and throws away. For this
// provider's schemas that was about 20 ms of each apply and each destroy of
// the seed stack (tools/bench). A level the user set is left as it is, and
// so is everything in debug mode, where the provider's stderr is the
// user's terminal.
func SilenceDiscarded(debug bool) {
	if debug || logsWanted(os.Getenv("TF_LOG")) || logsWanted(os.Getenv("TF_LOG_PROVIDER")) {
		return
	}
	for _, v := range levels {
		if _, set := os.LookupEnv(v); !set {
			os.Setenv(v, "off")
		}
	}
}

func logsWanted(level string) bool {
	return level != "" && !strings.EqualFold(level, "off")
}
