package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The protocol tests call the provider's protocol 6 server directly, as
// Terraform does, so that the identity, the list resource and the action —
// which need Terraform 1.12 and 1.14 — are checked on any Terraform, CI's
// 1.11.4 included. The acceptance tests check the same features through a
// real Terraform when it is new enough.

// protocolServer is a provider server, with its list resource and action
// methods, and its schemas.
type protocolServer struct {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	schemas *tfprotov6.GetProviderSchemaResponse
}

// newProtocolServer starts a provider server; when m is not nil, the
// provider is configured for it, with short waits.
func newProtocolServer(t testing.TB, m *testMock) *protocolServer {
	t.Helper()
	server := protoServer(t)
	schemas, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	expectNoDiagnostics(t, "GetProviderSchema", schemas.Diagnostics)
	withList, ok := server.(tfprotov6.ProviderServerWithListResource) //nolint:staticcheck // the framework still serves these through the separate interfaces
	if !ok {
		t.Fatal("the provider server has no list resource methods")
	}
	withActions, ok := server.(tfprotov6.ProviderServerWithActions) //nolint:staticcheck // the framework still serves these through the separate interfaces
	if !ok {
		t.Fatal("the provider server has no action methods")
	}
	s := &protocolServer{ProviderServer: server, ListResourceServer: withList, ActionServer: withActions, schemas: schemas}
	if m == nil {
		return s
	}
	resp, err := server.ConfigureProvider(t.Context(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.14.0",
		Config:           dynamicValue(t, schemas.Provider, map[string]any{"host": m.URL, "request_timeout": "5s", "max_retries": 3}),
	})
	if err != nil {
		t.Fatal(err)
	}
	expectNoErrors(t, "ConfigureProvider", resp.Diagnostics)
	return s
}

// resourceSchema is the schema of mimcm_request_status.
func (s *protocolServer) resourceSchema() *tfprotov6.Schema {
	return s.schemas.ResourceSchemas["mimcm_request_status"]
}

// resourceType is the value type of mimcm_request_status.
func (s *protocolServer) resourceType() tftypes.Type {
	return s.resourceSchema().ValueType()
}

// identityType is the value type of mimcm_request_status's identity.
var identityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}

// identityValue builds a mimcm_request_status identity.
func identityValue(t *testing.T, id string) *tfprotov6.ResourceIdentityData {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(identityType, tftypes.NewValue(identityType, map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)}))
	if err != nil {
		t.Fatal(err)
	}
	return &tfprotov6.ResourceIdentityData{IdentityData: &dv}
}

// decodeObject reads an object value's attributes.
func decodeObject(t *testing.T, typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	t.Helper()
	if dv == nil {
		t.Fatal("no value")
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]tftypes.Value
	if err := v.As(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// identityID reads the id of a mimcm_request_status identity.
func identityID(t *testing.T, identity *tfprotov6.ResourceIdentityData) string {
	t.Helper()
	if identity == nil {
		t.Fatal("no identity")
	}
	return stringAttr(t, decodeObject(t, identityType, identity.IdentityData), "id")
}

// stringAttr reads a string attribute; null reads as "<null>".
func stringAttr(t *testing.T, values map[string]tftypes.Value, name string) string {
	t.Helper()
	v, ok := values[name]
	if !ok {
		t.Fatalf("no attribute %q", name)
	}
	if v.IsNull() {
		return "<null>"
	}
	var s string
	if err := v.As(&s); err != nil {
		t.Fatalf("attribute %q: %v", name, err)
	}
	return s
}

// describeDiagnostics renders diagnostics as "severity: summary: detail
// (attribute)" lines.
func describeDiagnostics(diags []*tfprotov6.Diagnostic) string {
	var lines []string
	for _, d := range diags {
		line := fmt.Sprintf("%s: %s: %s", d.Severity, d.Summary, d.Detail)
		if d.Attribute != nil {
			line += fmt.Sprintf(" (%s)", d.Attribute)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func expectNoDiagnostics(t testing.TB, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	if len(diags) > 0 {
		t.Fatalf("%s: want no diagnostics, got:\n%s", call, describeDiagnostics(diags))
	}
}

func expectNoErrors(t testing.TB, call string, diags []*tfprotov6.Diagnostic) {
	t.Helper()
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("%s: want no errors, got:\n%s", call, describeDiagnostics(diags))
		}
	}
}

// expectError checks that diags hold exactly one error, on attribute when
// it is not empty, whose summary and detail contain each of texts.
func expectError(t *testing.T, call string, diags []*tfprotov6.Diagnostic, attribute string, texts ...string) {
	t.Helper()
	var errs []*tfprotov6.Diagnostic
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, d)
		}
	}
	if len(errs) != 1 {
		t.Fatalf("%s: want one error, got:\n%s", call, describeDiagnostics(diags))
	}
	d := errs[0]
	if attribute != "" {
		want := tftypes.NewAttributePath().WithAttributeName(attribute)
		if d.Attribute == nil || !d.Attribute.Equal(want) {
			t.Errorf("%s: want the error on %s, got it on %v", call, attribute, d.Attribute)
		}
	}
	for _, text := range texts {
		if !strings.Contains(d.Summary+"\n"+d.Detail, text) {
			t.Errorf("%s: error does not say %q:\n%s", call, text, describeDiagnostics(diags))
		}
	}
}
