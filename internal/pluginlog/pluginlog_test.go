package pluginlog

import (
	"os"
	"testing"
)

func TestLogsSilencedOnlyWhenTerraformDropsThem(t *testing.T) {
	for _, c := range []struct {
		name  string
		env   map[string]string
		debug bool
		want  map[string]string // "" : left unset
	}{
		{"nothing asked", map[string]string{}, false,
			map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER": "off"}},
		{"TF_LOG off", map[string]string{"TF_LOG": "OFF"}, false,
			map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER": "off"}},
		{"TF_LOG", map[string]string{"TF_LOG": "debug"}, false,
			map[string]string{"TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": "", "TF_LOG_PROVIDER": ""}},
		{"TF_LOG_PROVIDER", map[string]string{"TF_LOG_PROVIDER": "trace"}, false,
			map[string]string{"TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": "", "TF_LOG_PROVIDER": "trace"}},
		{"a level the user set", map[string]string{"TF_LOG_SDK_PROTO": "info"}, false,
			map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "info", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER": "off"}},
		{"debug mode", map[string]string{}, true,
			map[string]string{"TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": "", "TF_LOG_PROVIDER": ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range append([]string{"TF_LOG"}, levels...) {
				t.Setenv(v, "")
				os.Unsetenv(v)
			}
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			SilenceDiscarded(c.debug)
			for k, want := range c.want {
				if got := os.Getenv(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
}
