//go:build generate

// Package docs pins the documentation tooling of terraform-provider-havip
// in a module of its own, so the provider's go.mod stays free of it.
//
// Regenerate docs/ from the repository root with `make docs`.
package docs

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
