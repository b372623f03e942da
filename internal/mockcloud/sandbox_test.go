package mockcloud

import (
	"testing"

	"github.com/havip-oss/terraform-provider-havip/internal/acctest/sandbox"
)

// Off Alibaba Cloud: no credentials or profiles from the environment, no
// metadata service, no connection off loopback (internal/acctest/sandbox).
// It also trusts the test CA the STS tests' TLS listeners use.
func TestMain(m *testing.M) { sandbox.MainWith(m, trustTestCA) }
