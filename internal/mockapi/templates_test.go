package mockapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

const (
	vpnEnrollPolicyID = "3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b11"
	// vpnEnrollPolicy is the body the policy routes answer for VPN User's Enroll.
	vpnEnrollPolicy = `{"Uuid":"3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b11","Enabled":true,"ApprovalsNeeded":1,"CollectComments":true,` +
		`"CollectRequestPriority":false,"DefaultRequestPriority":5,"EnrollAgentRequired":false,"SelfServiceEnabled":true,` +
		`"AuthorizedApprover":"O:SYG:SYD:(A;;CCLCRPRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)",` +
		`"AuthorizedInitiator":"O:SYG:SYD:(A;;CCLCRPRC;;;S-1-5-21-2127521184-1604012920-1887927527-513)",` +
		`"AuthorizedEnrollmentAgent":"O:SYG:SYD:(A;;CCLCRPRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094534)",` +
		`"DataCollection":[{"Name":"Reason","Required":true,"ValidationData":""},{"Name":"Department","Required":false,"ValidationData":""}]}`
	// exampleViews is GET /profiletemplates?targetuser=current of the example templates, by name.
	exampleViews = `[{"Name":"Smart Card Logon","Description":"Smart card for Windows logon, issued at the service desk","Uuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3","IsSmartcardProfileTemplate":true,"IsVirtualSmartcardProfileTemplate":false},` +
		`{"Name":"Virtual Smart Card","Description":"TPM virtual smart card for administrators","Uuid":"3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a03","IsSmartcardProfileTemplate":false,"IsVirtualSmartcardProfileTemplate":true},` +
		`{"Name":"VPN User","Description":"Certificate-based VPN access, one certificate on the user's computer","Uuid":"3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a01","IsSmartcardProfileTemplate":false,"IsVirtualSmartcardProfileTemplate":false}]`
)

func TestProfileTemplates_list(t *testing.T) {
	f := newWorkflowFixture(t, Options{})
	for _, q := range []string{"targetuser=current", "TargetUser=CURRENT"} {
		r := f.do(t, http.MethodGet, "/certificatemanagement/api/v1.0/ProfileTemplates?"+q, "")
		wantStatus(t, r, http.StatusOK)
		wantJSONType(t, r)
		if string(r.body) != exampleViews {
			t.Fatalf("%s:\n want %s\n got  %s", q, exampleViews, r.body)
		}
	}
	wantServerError(t, f.do(t, http.MethodGet, base+"/profiletemplates?targetuser="+otherID, ""),
		"targetuser '"+otherID+"' is not supported; profiletemplates supports only targetuser=current")
	wantServerError(t, f.do(t, http.MethodGet, base+"/profiletemplates", ""),
		"targetuser is required; profiletemplates supports only targetuser=current")
	r := f.do(t, http.MethodPost, base+"/profiletemplates", `{}`)
	wantStatus(t, r, http.StatusMethodNotAllowed)
	if got := r.header.Get("Allow"); got != "GET" {
		t.Fatalf("Allow %q", got)
	}
	if c := f.Calls(); len(c) != 5 || c[0].RequestID != "" || c[0].Status != 200 {
		t.Fatalf("calls: %+v", c)
	}

	empty := newFixture(t, Options{})
	wantNoContent(t, empty.do(t, http.MethodGet, base+"/profiletemplates?targetuser=current", ""))
}

func TestProfileTemplates_one(t *testing.T) {
	f := newWorkflowFixture(t, Options{})
	r := f.do(t, http.MethodGet, base+"/profiletemplates/{"+strings.ToUpper(string(ExampleVPNUserTemplateID))+"}", "")
	wantStatus(t, r, http.StatusOK)
	wantJSONType(t, r)
	var views []json.RawMessage
	if err := json.Unmarshal([]byte(exampleViews), &views); err != nil {
		t.Fatal(err)
	}
	if string(r.body) != string(views[2]) {
		t.Fatalf("want %s\n got  %s", views[2], r.body)
	}
	wantNoContent(t, f.do(t, http.MethodGet, base+"/profiletemplates/"+otherID, ""))
	wantServerError(t, f.do(t, http.MethodGet, base+"/profiletemplates/vpn", ""),
		"The request is invalid: 'vpn' is not a valid GUID for parameter 'id'")
	wantStatus(t, f.do(t, http.MethodDelete, base+"/profiletemplates/"+string(ExampleVPNUserTemplateID), ""), http.StatusMethodNotAllowed)
	wantStatus(t, f.do(t, http.MethodGet, base+"/profiletemplates/"+string(ExampleVPNUserTemplateID)+"/profiles", ""), http.StatusNotFound)
}

// TestPolicyRoutes tries each form of the workflow policy route under each
// PolicyRoutes setting: a form not served is a route the server lacks.
func TestPolicyRoutes(t *testing.T) {
	vpn := base + "/profiletemplates/" + string(ExampleVPNUserTemplateID)
	byType := vpn + "/policies/enroll"
	byID := vpn + "/policies/" + strings.ToUpper(vpnEnrollPolicyID)
	workflow := vpn + "/Policy/Workflow/ENROLL"
	tests := []struct {
		routes PolicyRoutes
		want   map[string]int
	}{
		{"", map[string]int{byType: 200, byID: 200, workflow: 404}},
		{PolicyRoutesPolicies, map[string]int{byType: 200, byID: 200, workflow: 404}},
		{PolicyRoutesWorkflow, map[string]int{byType: 404, byID: 200, workflow: 200}},
		{PolicyRoutesAll, map[string]int{byType: 200, byID: 200, workflow: 200}},
	}
	for _, tt := range tests {
		check := func(t *testing.T, f *fixture) {
			t.Helper()
			for path, want := range tt.want {
				r := f.do(t, http.MethodGet, path, "")
				wantStatus(t, r, want)
				if want == 404 {
					if msg := r.message(t); msg != "No HTTP resource was found that matches the request URI '"+f.url+path+"'." {
						t.Fatalf("%s: 404 %q is not the answer to a route the server lacks", path, msg)
					}
					continue
				}
				if string(r.body) != vpnEnrollPolicy {
					t.Fatalf("%s:\n want %s\n got  %s", path, vpnEnrollPolicy, r.body)
				}
			}
		}
		t.Run("Options "+string(tt.routes), func(t *testing.T) {
			check(t, newWorkflowFixture(t, Options{PolicyRoutes: tt.routes}))
		})
		if tt.routes == "" {
			continue
		}
		t.Run("SetPolicyRoutes "+string(tt.routes), func(t *testing.T) {
			f := newWorkflowFixture(t, Options{PolicyRoutes: PolicyRoutesAll})
			if err := f.SetPolicyRoutes(PolicyRoutes(strings.ToUpper(string(tt.routes)))); err != nil {
				t.Fatal(err)
			}
			check(t, f)
		})
		t.Run("admin settings "+string(tt.routes), func(t *testing.T) {
			f := newWorkflowFixture(t, Options{PolicyRoutes: PolicyRoutesAll})
			r := f.do(t, http.MethodPut, "/_mock/settings", `{"policy_routes":"`+string(tt.routes)+`"}`)
			wantStatus(t, r, 200)
			if !strings.Contains(string(r.body), `"policy_routes":"`+string(tt.routes)+`"`) {
				t.Fatalf("settings: %s", r.body)
			}
			check(t, f)
			// Reset restores Options' choice.
			f.Reset()
			if err := f.SeedProfileTemplates(ExampleProfileTemplates()...); err != nil {
				t.Fatal(err)
			}
			wantStatus(t, f.do(t, http.MethodGet, workflow, ""), 200)
			wantStatus(t, f.do(t, http.MethodGet, byType, ""), 200)
		})
	}
	t.Run("refused settings", func(t *testing.T) {
		f := newWorkflowFixture(t, Options{})
		for _, v := range []string{`"policy"`, `""`, `3`} {
			r := f.do(t, http.MethodPut, "/_mock/settings", `{"policy_routes":`+v+`}`)
			wantStatus(t, r, 400)
		}
		if err := f.SetPolicyRoutes("old"); err == nil || err.Error() != `policy routes "old": want policies, workflow, all` {
			t.Fatalf("SetPolicyRoutes(old): %v", err)
		}
		if got := f.currentSettings().PolicyRoutes; got != "policies" {
			t.Fatalf("a refused setting changed it to %q", got)
		}
	})
	t.Run("New refuses an unknown form", func(t *testing.T) {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), `"both"`) {
				t.Fatalf("recovered %v", r)
			}
		}()
		New(Options{PolicyRoutes: "both"})
	})
}

func TestPolicyRoutes_answers(t *testing.T) {
	f := newWorkflowFixture(t, Options{PolicyRoutes: PolicyRoutesAll})
	vpn := base + "/profiletemplates/" + string(ExampleVPNUserTemplateID)
	virtual := base + "/profiletemplates/" + string(ExampleVirtualSmartCardTemplateID)

	// A disabled policy is served, Enabled false.
	r := f.do(t, http.MethodGet, virtual+"/policies/renew", "")
	wantStatus(t, r, 200)
	if !strings.Contains(string(r.body), `"Uuid":"3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b35","Enabled":false,"ApprovalsNeeded":0`) {
		t.Fatalf("disabled Renew: %s", r.body)
	}
	for _, path := range []string{
		vpn + "/policies/Revoke",                               // no policy for the type
		vpn + "/policy/workflow/TemporaryEnroll",               // nor for TemporaryCards
		vpn + "/policies/" + otherID,                           // no policy with that id
		vpn + "/policies/3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b31", // another template's policy
		base + "/profiletemplates/" + otherID + "/policies/Enroll",
		base + "/profiletemplates/" + otherID + "/policies/" + vpnEnrollPolicyID,
	} {
		wantNoContent(t, f.do(t, http.MethodGet, path, ""))
	}
	policyNames := "Enroll, Duplicate, OfflineUnblock, OnlineUpdate, Renew, Recover, RecoverOnBehalf, Reinstate, Retire, Revoke, TemporaryEnroll, Unblock"
	wantServerError(t, f.do(t, http.MethodGet, vpn+"/policies/TemporaryCards", ""),
		"The request is invalid: 'TemporaryCards' is not a workflow policy type; want one of "+policyNames)
	// The type is bound before the template is looked up.
	wantServerError(t, f.do(t, http.MethodGet, base+"/profiletemplates/"+otherID+"/policy/workflow/steal", ""),
		"The request is invalid: 'steal' is not a workflow policy type; want one of "+policyNames)
	wantServerError(t, f.do(t, http.MethodGet, base+"/profiletemplates/vpn/policies/enroll", ""),
		"The request is invalid: 'vpn' is not a valid GUID for parameter 'id'")
	// A number the mock knows stands for its type.
	if r := f.do(t, http.MethodGet, vpn+"/policies/1", ""); string(r.body) != vpnEnrollPolicy {
		t.Fatalf("policies/1: %d %s", r.status, r.body)
	}
	wantStatus(t, f.do(t, http.MethodPut, vpn+"/policies/enroll", `{}`), http.StatusMethodNotAllowed)

	// Only the default form in workflow mode is a route the server lacks,
	// whatever the method.
	if err := f.SetPolicyRoutes(PolicyRoutesWorkflow); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, f.do(t, http.MethodPost, vpn+"/policies/enroll", `{}`), http.StatusNotFound)
	wantStatus(t, f.do(t, http.MethodGet, vpn+"/policies/nonsense", ""), http.StatusNotFound)
}

// TestPolicyBodies serves policies of shapes a client does not expect,
// while POST still follows the template's policies.
func TestPolicyBodies(t *testing.T) {
	f := newFixture(t, Options{PolicyRoutes: PolicyRoutesAll})
	const odd = "{\n  \"Policy\": {\"Approvals\": \"two\"},\n  \"Items\": null\n}"
	err := f.SeedProfileTemplates(ProfileTemplate{
		Uuid: otherID, Name: "Odd",
		Policies: map[mimcm.RequestType]WorkflowPolicy{
			mimcm.RequestTypeEnroll: {Uuid: vpnEnrollPolicyID, ApprovalsNeeded: 1},
		},
		PolicyBodies: map[mimcm.RequestType]json.RawMessage{
			mimcm.RequestTypeEnroll:         json.RawMessage(odd),
			mimcm.RequestTypeTemporaryCards: json.RawMessage(`"coming soon"`),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	tpl := base + "/profiletemplates/" + otherID
	for path, want := range map[string]string{
		tpl + "/policies/enroll":                  odd,
		tpl + "/policies/" + vpnEnrollPolicyID:    odd,
		tpl + "/policy/workflow/Enroll":           odd,
		tpl + "/policies/temporaryenroll":         `"coming soon"`,
		tpl + "/policy/workflow/TEMPORARYENROLL/": `"coming soon"`,
	} {
		r := f.do(t, http.MethodGet, path, "")
		wantStatus(t, r, 200)
		wantJSONType(t, r)
		if string(r.body) != want {
			t.Fatalf("%s:\n want %s\n got  %s", path, want, r.body)
		}
	}
	got := f.create(t, `{"profiletemplateuuid":"`+otherID+`","datacollection":[],"type":"enroll","comment":""}`)
	if got.Status != mimcm.StatusPending {
		t.Fatalf("POST did not follow the policy behind the body: %s", got.Status)
	}
}
