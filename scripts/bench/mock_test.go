package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

func TestRouteOf(t *testing.T) {
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/CertificateManagement/api/v1.0/requests/a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099", routeRequest},
		{"PUT", "/certificatemanagement/api/v1.0/requests/a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099", "PUT /requests/{id}"},
		{"GET", "/CertificateManagement/api/v1.0/requests", routeList},
		{"GET", "/CertificateManagement/api/v1.0/Requests/", routeList},
		{"POST", "/CertificateManagement/api/v1.0/requests", routeCreate},
		{"GET", "/CertificateManagement/api/v1.0/profiletemplates/a039b4d0-5ce8-4eff-8651-181c6576fda3/policies/Enroll", routePolicy},
		{"GET", "/CertificateManagement/api/v1.0/ProfileTemplates/a039b4d0-5ce8-4eff-8651-181c6576fda3/policy/workflow/Enroll", routePolicy},
		{"GET", "/CertificateManagement/api/v1.0/profiletemplates/a039b4d0-5ce8-4eff-8651-181c6576fda3", routeTemplates},
		{"GET", "/CertificateManagement/api/v1.0/profiletemplates", routeTemplates},
		{"GET", "/elsewhere", "GET /elsewhere"},
	} {
		if got := routeOf(tc.method, tc.path); got != tc.want {
			t.Errorf("routeOf(%s, %s) = %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}

// TestRequestTemplateOf finds the Smart Card Logon template among the
// mock's, and refuses one mimcm_request could not create requests from
// with its configuration alone.
func TestRequestTemplateOf(t *testing.T) {
	const id mimcm.GUID = "a039b4d0-5ce8-4eff-8651-181c6576fda3"
	templates := func(name, enroll string) json.RawMessage {
		return json.RawMessage(`[{"Uuid":"3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a01","Name":"VPN User","Policies":{"Enroll":{"ApprovalsNeeded":1}}},` +
			`{"Uuid":"` + string(id) + `","Name":"` + name + `","Policies":{` + enroll + `}}]`)
	}
	for _, tc := range []struct {
		name, template, enroll, wantErr string
	}{
		{"approved at once", "Smart Card Logon", `"Enroll":{"Enabled":true,"ApprovalsNeeded":0,"DataCollection":[{"Name":"Note","Required":false}]}`, ""},
		{"Enabled left out", "Smart Card Logon", `"Enroll":{"ApprovalsNeeded":0}`, ""},
		{"absent", "Other", `"Enroll":{}`, "holds no Smart Card Logon profile template"},
		{"no Enroll policy", "Smart Card Logon", `"Retire":{}`, "has no Enroll policy"},
		{"disabled", "Smart Card Logon", `"Enroll":{"Enabled":false}`, "does not approve Enroll requests at once"},
		{"needs an approval", "Smart Card Logon", `"Enroll":{"ApprovalsNeeded":1}`, "does not approve Enroll requests at once"},
		{"required data", "Smart Card Logon", `"Enroll":{"DataCollection":[{"Name":"Reason","Required":true}]}`, `requires the data item "Reason"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := requestTemplateOf(templates(tc.template, tc.enroll))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.wantErr == "" && got != id:
				t.Errorf("got %q, want %q", got, id)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error %v, want one saying %q", err, tc.wantErr)
			}
		})
	}
}
