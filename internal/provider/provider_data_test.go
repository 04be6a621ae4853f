package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestProviderNotConfigured_everyObject calls every object that needs the
// API on a provider whose arguments are not known yet: each fails with the
// one error, which names the object's kind and type, and says what to do.
func TestProviderNotConfigured_everyObject(t *testing.T) {
	s := newProtocolServer(t, nil)
	const request = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"
	wantError := func(t *testing.T, diags []*tfprotov6.Diagnostic, object, verb string) {
		t.Helper()
		expectError(t, object, diags, "", "Provider not configured", "arguments are not known yet",
			object+" cannot be "+verb, "Set host and the credentials", "terraform apply -target")
	}

	for _, typeName := range []string{"mimcm_request", "mimcm_requests", "mimcm_profile_templates", "mimcm_profile_template_policy"} {
		t.Run("data source "+typeName, func(t *testing.T) {
			resp, err := s.ReadDataSource(t.Context(), &tfprotov6.ReadDataSourceRequest{
				TypeName: typeName,
				Config:   dynamicValue(t, s.schemas.DataSourceSchemas[typeName], nil),
			})
			if err != nil {
				t.Fatal(err)
			}
			wantError(t, resp.Diagnostics, "the data source "+typeName, "read")
		})
	}
	for typeName, planned := range map[string]map[string]any{
		"mimcm_request_status": {"request_id": request, "status": "Completed"},
		"mimcm_request":        {},
	} {
		t.Run("resource "+typeName, func(t *testing.T) {
			schema := s.schemas.ResourceSchemas[typeName]
			resp, err := s.ApplyResourceChange(t.Context(), &tfprotov6.ApplyResourceChangeRequest{
				TypeName:     typeName,
				PriorState:   nullValue(t, schema),
				PlannedState: dynamicValue(t, schema, planned),
				Config:       dynamicValue(t, schema, planned),
			})
			if err != nil {
				t.Fatal(err)
			}
			wantError(t, resp.Diagnostics, "the resource "+typeName, "applied")
		})
	}
	t.Run("list resource mimcm_request_status", func(t *testing.T) {
		_, diags := s.list(t, nil, false, 10)
		wantError(t, diags, "the list resource mimcm_request_status", "listed")
	})
	t.Run("resource that does not name itself", func(t *testing.T) {
		var diags diag.Diagnostics
		if configured(nil, &diags) {
			t.Fatal("configured(nil) = true")
		}
		if len(diags) != 1 || !strings.Contains(diags[0].Detail(), "so this resource cannot be applied. Set host") {
			t.Errorf("want one error about this resource, got %v", diags)
		}
	})
	t.Run("action "+actionType, func(t *testing.T) {
		_, diags := s.invoke(t, map[string]any{"request_id": request, "status": "Completed"})
		wantError(t, diags, "the action "+actionType, "invoked")
	})
}
