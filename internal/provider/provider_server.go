package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ProtocolServer is what the provider's protocol 6 server implements: the
// calls of every provider, and those of list resources and actions.
type ProtocolServer interface {
	tfprotov6.ProviderServerWithListResource //nolint:staticcheck // the framework still serves these through the separate interfaces
	tfprotov6.ProviderServerWithActions      //nolint:staticcheck // the framework still serves these through the separate interfaces
}

// NewProtocol6 returns a function that creates the provider's protocol 6
// server for the given version: the framework's, with the calls whose cost
// grows with the entries of a mimcm_request_statuses answered by the
// resource without the framework's copies (Server).
func NewProtocol6(version string) func() ProtocolServer {
	return func() ProtocolServer {
		p := &MimcmProvider{version: version}
		full, ok := providerserver.NewProtocol6(p)().(ProtocolServer)
		if !ok {
			// The pinned framework serves both, as every test that starts
			// a provider shows.
			panic("terraform-plugin-framework's server does not serve list resources and actions")
		}
		return &Server{ProtocolServer: full, provider: p}
	}
}

// Server is the framework's server for the provider, which lets
// mimcm_request_statuses answer the calls whose values hold all of its
// entries without the framework's work around its code: a refresh
// (RequestStatusesResource.readDirect calls its Read), a plan that changes
// nothing (planUnchanged does what its ModifyPlan would), any other plan
// but a destroy's (planChanged calls modifyPlan, ModifyPlan's work), and
// the apply of a create or an update (applyDirect calls Create or Update).
// Every other call, and these whenever the resource cannot answer them as
// the framework would, go to the framework.
//
// The framework (v1.19) handles every value of a call several times over,
// whatever the resource's code does. A plan decodes the configuration, the
// prior state and the proposed state, copies the plan to set defaults and
// to clear write-only attributes, and converts each attribute of all three
// to its own value types for attribute plan modifiers; a refresh copies the
// state four times and walks both states for semantic equality; an apply
// decodes the configuration too, copies the planned and the new state for
// semantic equality and walks the new state for write-only attributes. This
// schema has no default, no write-only attribute, no plan modifier and no
// semantic equality, so all of that changes nothing, and for one resource
// of 5,000 entries it was about 80 MB of garbage per plan and the
// provider's peak memory (BENCHMARKS.md). Upstream, these walks are
// hashicorp/terraform-plugin-framework#775: once the framework skips them
// for schemas that need none, Server can go.
type Server struct {
	ProtocolServer
	provider *MimcmProvider
}

// PlanResourceChange plans a change.
func (s *Server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName == requestStatusesTypeName {
		r := &RequestStatusesResource{data: s.provider.data.Load()}
		if resp := r.planUnchanged(ctx, req); resp != nil {
			return resp, nil
		}
		if resp := r.planChanged(ctx, req); resp != nil {
			return resp, nil
		}
	}
	return s.ProtocolServer.PlanResourceChange(ctx, req)
}

// ApplyResourceChange applies a planned change.
func (s *Server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if req.TypeName == requestStatusesTypeName {
		r := &RequestStatusesResource{data: s.provider.data.Load()}
		if resp := r.applyDirect(ctx, req); resp != nil {
			return resp, nil
		}
	}
	return s.ProtocolServer.ApplyResourceChange(ctx, req)
}

// ReadResource refreshes a resource.
func (s *Server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if req.TypeName == requestStatusesTypeName {
		r := &RequestStatusesResource{data: s.provider.data.Load()}
		if resp := r.readDirect(ctx, req); resp != nil {
			return resp, nil
		}
	}
	return s.ProtocolServer.ReadResource(ctx, req)
}

// protocolDiagnostics converts diagnostics as the framework does when it
// answers Terraform.
func protocolDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		p := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityInvalid}
		switch d.Severity() {
		case diag.SeverityError:
			p.Severity = tfprotov6.DiagnosticSeverityError
		case diag.SeverityWarning:
			p.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			p.Attribute = attributePath(withPath.Path())
		}
		out = append(out, p)
	}
	return out
}

// attributePath converts a path of attribute names and map keys, the only
// steps the provider's own diagnostics take; any other step gives nil, a
// diagnostic of the whole resource.
func attributePath(p path.Path) *tftypes.AttributePath {
	if len(p.Steps()) == 0 {
		return nil
	}
	out := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			out = out.WithAttributeName(string(s))
		case path.PathStepElementKeyString:
			out = out.WithElementKeyString(string(s))
		case path.PathStepElementKeyInt:
			out = out.WithElementKeyInt(int(s))
		default:
			return nil
		}
	}
	return out
}
