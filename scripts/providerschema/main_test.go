package main

import (
	"encoding/json"
	"testing"
)

// The JSON carries every kind of schema tfplugindocs renders, under the
// address asked for, in the shape of `terraform providers schema -json`
// (checked against Terraform 1.15's own output when this was written).
func TestProviderSchemaJSON(t *testing.T) {
	out, err := providerSchemaJSON(t.Context(), "mimcm")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		FormatVersion string `json:"format_version"`
		Schemas       map[string]struct {
			Provider      map[string]any `json:"provider"`
			Resources     map[string]any `json:"resource_schemas"`
			DataSources   map[string]any `json:"data_source_schemas"`
			ListResources map[string]any `json:"list_resource_schemas"`
			Actions       map[string]any `json:"action_schemas"`
			Identities    map[string]struct {
				Attributes map[string]struct {
					Type              string `json:"type"`
					RequiredForImport bool   `json:"required_for_import"`
				} `json:"attributes"`
			} `json:"resource_identity_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	s, ok := doc.Schemas["mimcm"]
	if doc.FormatVersion != "1.0" || !ok {
		t.Fatalf("want format 1.0 and the schemas under mimcm, got %s", out)
	}
	for kind, names := range map[string]map[string]any{
		"resource": s.Resources, "data source": s.DataSources, "list resource": s.ListResources, "action": s.Actions,
	} {
		if len(names) == 0 {
			t.Errorf("no %s schemas", kind)
		}
	}
	if s.Provider == nil || s.DataSources["mimcm_requests"] == nil || s.ListResources["mimcm_request_status"] == nil ||
		s.Actions["mimcm_set_request_status"] == nil {
		t.Errorf("a schema is missing: %s", out)
	}
	id := s.Identities["mimcm_request_status"].Attributes["id"]
	if id.Type != "string" || !id.RequiredForImport {
		t.Errorf("identity id: want a string required for import, got %+v", id)
	}
}
