package pluginlog

import (
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest/sandbox"
)

// Off Alibaba Cloud: no credentials or profiles from the environment, no
// metadata service, no connection off loopback (internal/acctest/sandbox).
func TestMain(m *testing.M) { sandbox.Main(m) }
