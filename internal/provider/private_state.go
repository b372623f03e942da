package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Private state: what a resource remembers between plans that its
// attributes do not show.

// privateApplied is the private-state key of the members and EIP this
// resource last applied. A plan that re-adds one of them after it was
// deleted outside Terraform warns instead of failing: Terraform runs the
// same plan before every destroy, and an error there would block the
// destroy that removes the dead member from state.
const privateApplied = "applied"

type appliedSet struct {
	Members []string `json:"members"`
	EIP     string   `json:"eip,omitempty"`
}

type privateGetter interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}

func readApplied(ctx context.Context, p privateGetter) appliedSet {
	var a appliedSet
	if p == nil {
		return a
	}
	raw, _ := p.GetKey(ctx, privateApplied)
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &a)
	}
	return a
}

func writeApplied(ctx context.Context, p privateSetter, members []string, eip string, diags *diag.Diagnostics) {
	raw, _ := json.Marshal(appliedSet{Members: members, EIP: eip})
	diags.Append(p.SetKey(ctx, privateApplied, raw)...)
}

// privateReleased marks an association whose EIP was released outside
// Terraform.
const privateReleased = "released"

func released(ctx context.Context, p privateGetter) bool {
	if p == nil {
		return false
	}
	raw, _ := p.GetKey(ctx, privateReleased)
	return string(raw) == "true"
}
