package mockapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

func TestRequestTypeNumbers(t *testing.T) {
	seen := map[int]mimcm.RequestType{}
	for _, rt := range mimcm.RequestTypes() {
		n, ok := RequestTypeNumber(rt)
		if !ok {
			t.Fatalf("%s has no number in the mock", rt)
		}
		if other, dup := seen[n]; dup {
			t.Fatalf("%s and %s share %d", rt, other, n)
		}
		seen[n] = rt
		if confirmed, ok := rt.Number(); ok && n != confirmed {
			t.Fatalf("%s: the mock says %d, the confirmed number is %d", rt, n, confirmed)
		}
		if _, ok := rt.Number(); !ok && n < 100 {
			t.Fatalf("%s: the mock's own number %d could pass for one of CM's; the mock's start at 100", rt, n)
		}
		if back, ok := RequestTypeForNumber(n); !ok || back != rt {
			t.Fatalf("RequestTypeForNumber(%d) = %s, %v; want %s", n, back, ok, rt)
		}
	}
	if _, ok := RequestTypeForNumber(2); ok {
		t.Fatal("2 is no number of CM's or the mock's")
	}
}

func TestExampleProfileTemplates(t *testing.T) {
	s := New(Options{})
	if err := s.SeedProfileTemplates(ExampleProfileTemplates()...); err != nil {
		t.Fatal(err)
	}
	got := s.ProfileTemplates()
	if !reflect.DeepEqual(got, []ProfileTemplate{ExampleProfileTemplates()[1], ExampleProfileTemplates()[2], ExampleProfileTemplates()[0]}) {
		t.Fatalf("stored differently from what was seeded: %+v", got)
	}
	// What the documentation promises of them.
	vpn, card, virtual := got[2], got[0], got[1]
	enroll := vpn.Policies[mimcm.RequestTypeEnroll]
	if vpn.Name != "VPN User" || vpn.IsSmartcardProfileTemplate || enroll.ApprovalsNeeded != 1 ||
		!reflect.DeepEqual(enroll.DataCollection, []DataItem{{Name: "Reason", Required: true}, {Name: "Department"}}) ||
		vpn.Policies[mimcm.RequestTypeRetire].ApprovalsNeeded != 0 || len(vpn.Policies) != 2 {
		t.Errorf("VPN User: %+v", vpn)
	}
	if card.Name != "Smart Card Logon" || card.Uuid != ExampleRequest().ProfileTemplateUuid || !card.IsSmartcardProfileTemplate ||
		card.Policies[mimcm.RequestTypeEnroll].ApprovalsNeeded != 0 || len(card.Policies[mimcm.RequestTypeEnroll].DataCollection) != 0 ||
		card.Policies[mimcm.RequestTypeUnblock].ApprovalsNeeded != 0 || card.Policies[mimcm.RequestTypeRetire].ApprovalsNeeded != 1 {
		t.Errorf("Smart Card Logon: %+v", card)
	}
	if virtual.Name != "Virtual Smart Card" || !virtual.IsVirtualSmartcardProfileTemplate || virtual.Policies[mimcm.RequestTypeEnroll].ApprovalsNeeded != 2 ||
		!virtual.Policies[mimcm.RequestTypeRenew].Disabled {
		t.Errorf("Virtual Smart Card: %+v", virtual)
	}
	// Each call is a fresh copy.
	a := ExampleProfileTemplates()
	a[0].Policies[mimcm.RequestTypeEnroll] = WorkflowPolicy{}
	if ExampleProfileTemplates()[0].Policies[mimcm.RequestTypeEnroll].ApprovalsNeeded != 1 {
		t.Fatal("ExampleProfileTemplates shares its maps between calls")
	}
}

func TestSeedProfileTemplates(t *testing.T) {
	t.Run("Uuids made, lower-cased, replaced in any case", func(t *testing.T) {
		s := New(Options{})
		err := s.SeedProfileTemplates(
			ProfileTemplate{Name: "A", Policies: map[mimcm.RequestType]WorkflowPolicy{mimcm.RequestTypeEnroll: {}}},
			ProfileTemplate{Uuid: mimcm.GUID(strings.ToUpper(otherID)), Name: "B"},
		)
		if err != nil {
			t.Fatal(err)
		}
		got := s.ProfileTemplates()
		if len(got) != 2 || !v4GUID.MatchString(string(got[0].Uuid)) || !v4GUID.MatchString(string(got[0].Policies[mimcm.RequestTypeEnroll].Uuid)) || got[1].Uuid != otherID {
			t.Fatalf("stored %+v", got)
		}
		if err := s.SeedProfileTemplates(ProfileTemplate{Uuid: otherID, Name: "B2"}); err != nil {
			t.Fatal(err)
		}
		if b, ok := s.ProfileTemplate(mimcm.GUID(strings.ToUpper(otherID))); !ok || b.Name != "B2" || len(s.ProfileTemplates()) != 2 {
			t.Fatalf("upsert: %+v", s.ProfileTemplates())
		}
		if err := s.SetProfileTemplates(ProfileTemplate{Name: "C"}); err != nil || len(s.ProfileTemplates()) != 1 {
			t.Fatalf("SetProfileTemplates: %v, %+v", err, s.ProfileTemplates())
		}
		if !s.DeleteProfileTemplate(s.ProfileTemplates()[0].Uuid) || s.DeleteProfileTemplate(otherID) || len(s.ProfileTemplates()) != 0 {
			t.Fatal("DeleteProfileTemplate")
		}
	})
	t.Run("the store keeps its own copy", func(t *testing.T) {
		s := New(Options{})
		tpl := ProfileTemplate{Uuid: otherID, Policies: map[mimcm.RequestType]WorkflowPolicy{mimcm.RequestTypeEnroll: {ApprovalsNeeded: 1}}}
		if err := s.SeedProfileTemplates(tpl); err != nil {
			t.Fatal(err)
		}
		tpl.Policies[mimcm.RequestTypeEnroll] = WorkflowPolicy{}
		got, _ := s.ProfileTemplate(otherID)
		got.Policies[mimcm.RequestTypeRetire] = WorkflowPolicy{}
		if again, _ := s.ProfileTemplate(otherID); again.Policies[mimcm.RequestTypeEnroll].ApprovalsNeeded != 1 || len(again.Policies) != 1 {
			t.Fatalf("the store shares maps with its callers: %+v", again)
		}
	})
	refusals := []struct {
		name string
		tpl  ProfileTemplate
		want string
	}{
		{"bad Uuid", ProfileTemplate{Uuid: "vpn", Name: "VPN"}, `profile template 2 of 2 ('VPN' vpn): Uuid: "vpn" is not a GUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got 3`},
		{"zero Uuid", ProfileTemplate{Uuid: mimcm.ZeroGUID}, "profile template 2 of 2 (00000000-0000-0000-0000-000000000000): Uuid: the all-zero GUID names nothing"},
		{"unknown type", ProfileTemplate{Name: "X", Policies: map[mimcm.RequestType]WorkflowPolicy{"Steal": {}}},
			"profile template 2 of 2 ('X'): policy for \"Steal\": not a request type; want one of " + strings.Join(mimcm.RequestTypeNames(), ", ")},
		{"negative approvals", ProfileTemplate{Name: "X", Policies: map[mimcm.RequestType]WorkflowPolicy{mimcm.RequestTypeRenew: {ApprovalsNeeded: -1}}},
			"profile template 2 of 2 ('X'): Renew policy: ApprovalsNeeded -1: want 0 (auto-approved) or more"},
		{"unnamed item", ProfileTemplate{Name: "X", Policies: map[mimcm.RequestType]WorkflowPolicy{mimcm.RequestTypeEnroll: {DataCollection: []DataItem{{Name: "A"}, {Name: " "}}}}},
			"profile template 2 of 2 ('X'): Enroll policy: data collection item 2 of 2 has no Name"},
		{"item twice", ProfileTemplate{Name: "X", Policies: map[mimcm.RequestType]WorkflowPolicy{mimcm.RequestTypeEnroll: {DataCollection: []DataItem{{Name: "Reason"}, {Name: "reason"}}}}},
			`profile template 2 of 2 ('X'): Enroll policy: data collection item "reason" is there twice`},
		{"policy Uuid twice", ProfileTemplate{Name: "X", Policies: map[mimcm.RequestType]WorkflowPolicy{mimcm.RequestTypeEnroll: {Uuid: otherID}, mimcm.RequestTypeTemporaryCards: {Uuid: otherID}}},
			"profile template 2 of 2 ('X'): TemporaryEnroll policy: Uuid " + otherID + " is the Enroll policy's too"},
		{"body not JSON", ProfileTemplate{Name: "X", PolicyBodies: map[mimcm.RequestType]json.RawMessage{mimcm.RequestTypeEnroll: json.RawMessage("{")}},
			`profile template 2 of 2 ('X'): Enroll policy body: not JSON: "{"`},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{})
			err := s.SeedProfileTemplates(ProfileTemplate{Name: "fine"}, tt.tpl)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error:\n want %s\n got  %v", tt.want, err)
			}
			if n := len(s.ProfileTemplates()); n != 0 {
				t.Fatalf("a refused seed stored %d templates", n)
			}
		})
	}
}

// TestApprove walks requests through approval as an approver in the CM
// portal would, and checks that nothing completes or abandons a request
// still awaiting it.
func TestApprove(t *testing.T) {
	f := newWorkflowFixture(t, Options{})
	req := f.create(t, `{"profiletemplateuuid":"`+string(ExampleVirtualSmartCardTemplateID)+`","datacollection":[],"type":"Enroll","comment":""}`)
	id := req.Uuid
	put := func(status string) result {
		return f.do(t, http.MethodPut, base+"/requests/"+string(id), `{"status":"`+status+`"}`)
	}
	for _, status := range []string{"Completed", "Abandoned"} {
		wantServerError(t, put(status), "Request "+string(id)+" is Pending (status 16) and awaits approval, so it cannot be "+strings.ToLower(status)+
			"; only a request that is Approved or Executing can be, and an approver approves it in the CM portal")
	}
	if given, needed, err := f.Approvals(id); err != nil || given != 0 || needed != 2 {
		t.Fatalf("Approvals: %d of %d, %v", given, needed, err)
	}
	got, err := f.Approve(mimcm.GUID(strings.ToUpper(string(id))))
	if err != nil || got.Status != mimcm.StatusPending {
		t.Fatalf("first of two approvals: %s, %v", got.Status, err)
	}
	if given, needed, _ := f.Approvals(id); given != 1 || needed != 2 {
		t.Fatalf("Approvals: %d of %d", given, needed)
	}
	wantStatus(t, put("Completed"), 500)
	if got, err = f.Approve(id); err != nil || got.Status != mimcm.StatusApproved || !got.Completed.IsZero() {
		t.Fatalf("second of two approvals: %+v, %v", got, err)
	}
	if _, err := f.Approve(id); !errors.Is(err, ErrNotPending) ||
		err.Error() != "request "+string(id)+" is Approved (status 3), not Pending: only a Pending request can be approved or denied" {
		t.Fatalf("approving an Approved request: %v", err)
	}
	if _, _, err := f.Approvals(id); !errors.Is(err, ErrNotPending) {
		t.Fatalf("Approvals of an Approved request: %v", err)
	}
	r := put("Completed")
	wantStatus(t, r, 200)
	done := r.request(t)
	if done.Status != mimcm.StatusCompleted {
		t.Fatalf("completed after approval: %s", r.body)
	}
	// A completed enrollment names what it created: for this virtual smart
	// card template, a profile and a card.
	if done.NewProfileUuid.IsZero() || done.NewSmartcardUuid.IsZero() || done.Completed.IsZero() {
		t.Fatalf("a completed enrollment names no new profile or smart card: %s", r.body)
	}
	if _, err := f.Approve(otherID); !errors.Is(err, ErrUnknownRequest) || err.Error() != "the mock holds no request "+otherID {
		t.Fatalf("approving an unknown request: %v", err)
	}
}

func TestApprove_withoutPolicy(t *testing.T) {
	// A seeded Pending request, and one created without a policy, need one approval.
	f := newWorkflowFixture(t, Options{PendingOnCreate: true})
	f.Seed(requestWith(otherID, mimcm.StatusPending))
	created := f.create(t, `{"profiletemplateuuid":"`+string(ExampleVPNUserTemplateID)+`","datacollection":[],"type":"Revoke","comment":""}`)
	for _, id := range []mimcm.GUID{otherID, created.Uuid} {
		if got, err := f.Approve(id); err != nil || got.Status != mimcm.StatusApproved {
			t.Fatalf("%s: %+v, %v", id, got, err)
		}
	}
	// Approvals are forgotten when a request leaves Pending another way.
	vpn := f.create(t, `{"profiletemplateuuid":"`+string(ExampleVirtualSmartCardTemplateID)+`","datacollection":[],"type":"Enroll","comment":""}`)
	if _, err := f.Approve(vpn.Uuid); err != nil {
		t.Fatal(err)
	}
	f.Update(vpn.Uuid, func(r *mimcm.Request) { r.Status = mimcm.StatusApproved })
	f.Update(vpn.Uuid, func(r *mimcm.Request) { r.Status = mimcm.StatusPending })
	if given, _, _ := f.Approvals(vpn.Uuid); given != 0 {
		t.Fatalf("approvals kept through a status change: %d", given)
	}
	if _, err := f.Approve(vpn.Uuid); err != nil {
		t.Fatal(err)
	}
	f.Update(vpn.Uuid, func(r *mimcm.Request) { r.Comment = "drift that keeps it Pending" })
	if given, _, _ := f.Approvals(vpn.Uuid); given != 1 {
		t.Fatalf("approvals lost through a change that kept the request Pending: %d", given)
	}
	wantStatus(t, f.do(t, http.MethodPut, base+"/requests/"+string(vpn.Uuid), `{"status":"Canceled"}`), 200)
	if _, err := f.Approve(vpn.Uuid); !errors.Is(err, ErrNotPending) {
		t.Fatalf("approving a Canceled request: %v", err)
	}
}

func TestDeny(t *testing.T) {
	f := newWorkflowFixture(t, Options{})
	req := f.create(t, `{"profiletemplateuuid":"`+string(ExampleVPNUserTemplateID)+`","datacollection":[{"Reason":"VPN"}],"type":"Enroll","comment":""}`)
	f.clock.Set(t0.Add(time.Minute))
	got, err := f.Deny(req.Uuid)
	if err != nil || got.Status != mimcm.StatusDenied || got.Completed != mimcm.NewTimestamp(t0.Add(time.Minute)) {
		t.Fatalf("Deny: %+v, %v", got, err)
	}
	if _, err := f.Deny(req.Uuid); !errors.Is(err, ErrNotPending) {
		t.Fatalf("denying a Denied request: %v", err)
	}
	if _, err := f.Approve(req.Uuid); !errors.Is(err, ErrNotPending) {
		t.Fatalf("approving a Denied request: %v", err)
	}
	wantServerError(t, f.do(t, http.MethodPut, base+"/requests/"+string(req.Uuid), `{"status":"Canceled"}`),
		"Request "+string(req.Uuid)+" is Denied (status 4), a terminal status, and cannot be canceled")
	if _, err := f.Deny(otherID); !errors.Is(err, ErrUnknownRequest) {
		t.Fatalf("denying an unknown request: %v", err)
	}
}

func TestAdmin_approveAndDeny(t *testing.T) {
	f := newWorkflowFixture(t, Options{})
	req := f.create(t, `{"profiletemplateuuid":"`+string(ExampleVirtualSmartCardTemplateID)+`","datacollection":[],"type":"Enroll","comment":""}`)
	approve := "/_mock/requests/" + strings.ToUpper(string(req.Uuid)) + "/Approve"
	for i, want := range []mimcm.Status{mimcm.StatusPending, mimcm.StatusApproved} {
		r := f.do(t, http.MethodPost, approve, "")
		wantStatus(t, r, 200)
		wantJSONType(t, r)
		if got := r.request(t); got.Status != want || got.Uuid != req.Uuid {
			t.Fatalf("approval %d: %s", i+1, r.body)
		}
	}
	r := f.do(t, http.MethodPost, approve, "")
	wantStatus(t, r, http.StatusConflict)
	if want := "Cannot approve: request " + string(req.Uuid) + " is Approved (status 3), not Pending: only a Pending request can be approved or denied"; r.message(t) != want {
		t.Fatalf("message %q", r.message(t))
	}

	other := f.create(t, `{"profiletemplateuuid":"`+string(ExampleVirtualSmartCardTemplateID)+`","datacollection":[],"type":"Enroll","comment":""}`)
	r = f.do(t, http.MethodPost, "/_mock/requests/"+string(other.Uuid)+"/deny", "")
	wantStatus(t, r, 200)
	if got := r.request(t); got.Status != mimcm.StatusDenied || !strings.Contains(string(r.body), strings.Repeat(`\u0000`, 9)) {
		t.Fatalf("deny: %s", r.body)
	}

	wantStatus(t, f.do(t, http.MethodPost, "/_mock/requests/"+otherID+"/approve", ""), http.StatusNotFound)
	wantStatus(t, f.do(t, http.MethodPost, "/_mock/requests/nope/deny", ""), http.StatusBadRequest)
	r = f.do(t, http.MethodGet, approve, "")
	wantStatus(t, r, http.StatusMethodNotAllowed)
	if r.header.Get("Allow") != "POST" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
	wantStatus(t, f.do(t, http.MethodPost, "/_mock/requests/"+string(req.Uuid)+"/complete", ""), http.StatusNotFound)
	if n := len(f.Calls()); n != 2 {
		t.Fatalf("the admin routes appear in the call log: %d calls, want the two POSTs", n)
	}
}

func TestAdmin_profileTemplates(t *testing.T) {
	f := newFixture(t, Options{})
	// One in, one out; Enabled defaults to true; keys in any case.
	r := f.do(t, http.MethodPost, "/_mock/profiletemplates", `{"uuid":"`+strings.ToUpper(otherID)+`","Name":"Badge",
		"Policies":{"enroll":{"ApprovalsNeeded":1,"DataCollection":[{"Name":"Employee ID","Required":true}]},
		            "TemporaryCards":{"Uuid":"`+vpnEnrollPolicyID+`","Enabled":false}},
		"PolicyBodies":{"Renew":{"odd":true}}}`)
	wantStatus(t, r, http.StatusCreated)
	wantJSONType(t, r)
	want := `{"Uuid":"` + otherID + `","Name":"Badge","Description":"","IsSmartcardProfileTemplate":false,"IsVirtualSmartcardProfileTemplate":false,` +
		`"Policies":{"Enroll":{"Uuid":"%s","Enabled":true,"ApprovalsNeeded":1,"CollectComments":false,"CollectRequestPriority":false,"DefaultRequestPriority":0,` +
		`"EnrollAgentRequired":false,"SelfServiceEnabled":false,"AuthorizedApprover":"","AuthorizedInitiator":"","AuthorizedEnrollmentAgent":"",` +
		`"DataCollection":[{"Name":"Employee ID","Required":true,"ValidationData":""}]},` +
		`"TemporaryEnroll":{"Uuid":"` + vpnEnrollPolicyID + `","Enabled":false,"ApprovalsNeeded":0,"CollectComments":false,"CollectRequestPriority":false,"DefaultRequestPriority":0,` +
		`"EnrollAgentRequired":false,"SelfServiceEnabled":false,"AuthorizedApprover":"","AuthorizedInitiator":"","AuthorizedEnrollmentAgent":"","DataCollection":[]}},` +
		`"PolicyBodies":{"Renew":{"odd":true}}}`
	tpl, _ := f.ProfileTemplate(otherID)
	want = strings.Replace(want, "%s", string(tpl.Policies[mimcm.RequestTypeEnroll].Uuid), 1)
	if string(r.body) != want {
		t.Fatalf("seeded:\n want %s\n got  %s", want, r.body)
	}
	if !tpl.Policies[mimcm.RequestTypeTemporaryCards].Disabled || tpl.Policies[mimcm.RequestTypeEnroll].Disabled {
		t.Fatalf("stored %+v", tpl)
	}
	if r := f.do(t, http.MethodGet, "/_mock/profiletemplates/"+otherID, ""); r.status != 200 || string(r.body) != want {
		t.Fatalf("GET one: %d %s", r.status, r.body)
	}

	// An array in, an array out, added to what is there.
	r = f.do(t, http.MethodPost, "/_mock/profiletemplates", `[{"Name":"B"},{"Name":"a"}]`)
	wantStatus(t, r, http.StatusCreated)
	var seeded []templateWire
	if err := json.Unmarshal(r.body, &seeded); err != nil || len(seeded) != 2 || seeded[0].Name != "B" {
		t.Fatalf("seeded %s: %v", r.body, err)
	}
	r = f.do(t, http.MethodGet, "/_mock/profiletemplates", "")
	var listed []templateWire
	if err := json.Unmarshal(r.body, &listed); err != nil || len(listed) != 3 || listed[0].Name != "a" || listed[2].Name != "Badge" {
		t.Fatalf("listed %s: %v", r.body, err)
	}

	// PUT replaces them all; DELETE forgets one, or all.
	r = f.do(t, http.MethodPut, "/_mock/profiletemplates", `[{"Uuid":"`+exampleID+`","Name":"Only"}]`)
	wantStatus(t, r, http.StatusOK)
	if names := templateNames(f.ProfileTemplates()); !reflect.DeepEqual(names, []string{"Only"}) {
		t.Fatalf("after PUT: %v", names)
	}
	wantStatus(t, f.do(t, http.MethodPut, "/_mock/profiletemplates", `{"Name":"one"}`), http.StatusBadRequest)
	wantNoContent(t, f.do(t, http.MethodDelete, "/_mock/profiletemplates/"+exampleID, ""))
	wantStatus(t, f.do(t, http.MethodDelete, "/_mock/profiletemplates/"+exampleID, ""), http.StatusNotFound)
	wantStatus(t, f.do(t, http.MethodGet, "/_mock/profiletemplates/"+exampleID, ""), http.StatusNotFound)
	f.do(t, http.MethodPost, "/_mock/profiletemplates", `[{"Name":"B"},{"Name":"a"}]`)
	wantNoContent(t, f.do(t, http.MethodDelete, "/_mock/profiletemplates", ""))
	if n := len(f.ProfileTemplates()); n != 0 {
		t.Fatalf("after DELETE: %d templates", n)
	}
	wantStatus(t, f.do(t, http.MethodPatch, "/_mock/profiletemplates", `{}`), http.StatusMethodNotAllowed)
	wantStatus(t, f.do(t, http.MethodPut, "/_mock/profiletemplates/"+exampleID, `{}`), http.StatusMethodNotAllowed)

	refusals := []struct{ body, want string }{
		{`{"Name":"x","Colour":"red"}`, `Cannot seed profile templates: profile template: want a JSON object: json: unknown field "Colour"`},
		{`[{"Name":"x"},{"Uuid":"vpn"}]`, `Cannot seed profile templates: profile template 2 of 2: Uuid: "vpn" is not a GUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got 3`},
		{`{"Policies":{"Steal":{}}}`, `Cannot seed profile templates: profile template: Policies: "Steal" is not a workflow policy type; want one of Enroll, Duplicate, OfflineUnblock, OnlineUpdate, Renew, Recover, RecoverOnBehalf, Reinstate, Retire, Revoke, TemporaryEnroll, Unblock`},
		{`{"Policies":{"Enroll":{},"ENROLL":{}}}`, `Cannot seed profile templates: profile template: Policies names Enroll twice`},
		{`{"Policies":{"Enroll":{"ApprovalsNeeded":-2}}}`, `Cannot seed profile templates: profile template: Enroll policy: ApprovalsNeeded -2: want 0 (auto-approved) or more`},
		{`{"Policies":{"Enroll":{"Approvals":1}}}`, `Cannot seed profile templates: profile template: want a JSON object: json: unknown field "Approvals"`},
		{`[null]`, `Cannot seed profile templates: profile template 1 of 1: want a JSON object, got "null"`},
		{``, `Cannot seed profile templates: empty input; want a JSON array of profile templates or one profile template object`},
	}
	for _, tt := range refusals {
		r := f.do(t, http.MethodPost, "/_mock/profiletemplates", tt.body)
		wantStatus(t, r, http.StatusBadRequest)
		if r.message(t) != tt.want {
			t.Errorf("POST %s:\n want %s\n got  %s", tt.body, tt.want, r.message(t))
		}
	}
	if n := len(f.ProfileTemplates()); n != 0 {
		t.Fatalf("refused seeds stored %d templates", n)
	}
}

func templateNames(ts []ProfileTemplate) []string {
	var names []string
	for _, t := range ts {
		names = append(names, t.Name)
	}
	return names
}

func TestLoadSeedFile_objectForm(t *testing.T) {
	seeds, err := LoadSeedFile("testdata/seeds_object.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(seeds.Requests) != 2 || seeds.Requests[0].Uuid != "11111111-0000-4000-8000-000000000001" || seeds.Requests[1].Status != mimcm.StatusPending {
		t.Fatalf("requests: %+v", seeds.Requests)
	}
	if names := templateNames(seeds.ProfileTemplates); !reflect.DeepEqual(names, []string{"VPN User", "Kiosk"}) {
		t.Fatalf("templates: %v", names)
	}
	f := newFixture(t, Options{})
	if err := f.SeedAll(seeds); err != nil {
		t.Fatal(err)
	}
	// The seeded Pending request waits for the two approvals its template's policy needs.
	for range 2 {
		if _, err := f.Approve("11111111-0000-4000-8000-000000000002"); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := f.Request("11111111-0000-4000-8000-000000000002"); got.Status != mimcm.StatusApproved {
		t.Fatalf("after two approvals: %s", got.Status)
	}
	r := f.do(t, http.MethodPost, base+"/requests", `{"profiletemplateuuid":"3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a01","datacollection":[],"type":"Enroll","comment":""}`)
	wantServerError(t, r, "The workflow policy for Enroll on profile template 'VPN User' 3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a01 requires the data collection item Reason, which the request lacks or leaves empty")

	errs := []struct{ name, content, want string }{
		{"unknown part", `{"requests":[],"templates":[]}`, `"templates" is not a part of a seed file; its object holds requests and profile_templates`},
		{"requests not an array", `{"requests":{"Uuid":"` + otherID + `"}}`, "requests: want a JSON array of wire-form requests"},
		{"templates not an array", `{"profile_templates":{"Name":"x"}}`, "profile_templates: want a JSON array of profile templates"},
		{"bad template", `{"Profile_Templates":[{"Name":"x","Policies":{"Enroll":{"ApprovalsNeeded":-1}}}]}`,
			"profile_templates: profile template 1 of 1: Enroll policy: ApprovalsNeeded -1: want 0 (auto-approved) or more"},
		{"bad request", `{"requests":[{"Stauts":3}]}`, `requests: request 1 of 1: "Stauts" is not a field of a request; the fields are ` + strings.Join(requestKeys, ", ")},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			path := t.TempDir() + "/seed.json"
			writeFile(t, path, tt.content)
			_, err := LoadSeedFile(path)
			if want := "seed file " + path + ": " + tt.want; err == nil || err.Error() != want {
				t.Fatalf("error:\n want %s\n got  %v", want, err)
			}
		})
	}
	t.Run("a request object is still a request", func(t *testing.T) {
		path := t.TempDir() + "/seed.json"
		writeFile(t, path, `{"Uuid":"`+otherID+`","Status":16}`)
		seeds, err := LoadSeedFile(path)
		if err != nil || len(seeds.Requests) != 1 || seeds.Requests[0].Status != mimcm.StatusPending || seeds.ProfileTemplates != nil {
			t.Fatalf("%+v, %v", seeds, err)
		}
	})
}

func TestSeedAll_refusesWholly(t *testing.T) {
	s := New(Options{})
	err := s.SeedAll(Seeds{Requests: []mimcm.Request{ExampleRequest()}, ProfileTemplates: []ProfileTemplate{{Uuid: "x"}}})
	if err == nil || len(s.Requests()) != 0 || len(s.ProfileTemplates()) != 0 {
		t.Fatalf("SeedAll with a bad template: %v, %d requests", err, len(s.Requests()))
	}
	s.Reset()
	if err := s.SeedAll(Seeds{ProfileTemplates: ExampleProfileTemplates()}); err != nil {
		t.Fatal(err)
	}
	s.Reset()
	if n := len(s.ProfileTemplates()); n != 0 {
		t.Fatalf("Reset kept %d profile templates", n)
	}
}

func TestPolicyRouteNames(t *testing.T) {
	if got := PolicyRouteNames(); !slices.Equal(got, []string{"policies", "workflow", "all"}) {
		t.Fatalf("PolicyRouteNames() = %v", got)
	}
	for in, want := range map[string]PolicyRoutes{"": PolicyRoutesPolicies, "WORKFLOW": PolicyRoutesWorkflow, "All": PolicyRoutesAll} {
		if got, err := ParsePolicyRoutes(in); err != nil || got != want {
			t.Fatalf("ParsePolicyRoutes(%q) = %q, %v", in, got, err)
		}
	}
}
