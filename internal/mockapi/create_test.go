package mockapi

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// referenceCard is the smart card the reference request enrolled.
const referenceCard = "17cf063d-e337-4aa9-a822-346554ddd3c9"

// newWorkflowFixture is a mock holding the reference request and the
// example profile templates, as mimcm-mock -seed-example starts.
func newWorkflowFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	f := newFixture(t, opts, ExampleRequest())
	if err := f.SeedProfileTemplates(ExampleProfileTemplates()...); err != nil {
		t.Fatal(err)
	}
	return f
}

// create POSTs a request and returns the request it stored, failing the
// test unless the answer is 201 with the relative URI.
func (f *fixture) create(t *testing.T, body string) mimcm.Request {
	t.Helper()
	r := f.do(t, http.MethodPost, base+"/requests", body)
	wantStatus(t, r, http.StatusCreated)
	m := relativeURI.FindStringSubmatch(string(r.body))
	if m == nil {
		t.Fatalf("body %s is not \"api/v1.0/requests/<v4 GUID>\"", r.body)
	}
	req, ok := f.Request(mimcm.GUID(m[1]))
	if !ok {
		t.Fatalf("POST answered %s, but the mock holds no such request", r.body)
	}
	return req
}

// createBodyWith is a POST body for the reference's template with the
// given datacollection JSON.
func createBodyWith(datacollection string) string {
	return `{"profiletemplateuuid":"` + string(ExampleSmartCardLogonTemplateID) + `","datacollection":` + datacollection + `,"type":"Enroll","comment":""}`
}

func items(pairs ...string) []mimcm.DataCollectionItem {
	out := []mimcm.DataCollectionItem{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v := pairs[i+1]
		it := mimcm.DataCollectionItem{Name: pairs[i]}
		if v != "<null>" {
			it.Value = &v
		}
		out = append(out, it)
	}
	return out
}

func TestCreate_dataCollectionShapes(t *testing.T) {
	tests := []struct {
		name           string
		datacollection string
		want           []mimcm.DataCollectionItem
	}{
		{"one-key objects, as the client sends them", `[{"Reason":"VPN"},{"Department":"IT"}]`, items("Reason", "VPN", "Department", "IT")},
		{"one object of several keys, in the order sent", `[{"Reason":"VPN","Department":"IT","Floor":"3"}]`, items("Reason", "VPN", "Department", "IT", "Floor", "3")},
		{"Name/Value pairs", `[{"Name":"Reason","Value":"VPN"},{"Name":"Note","Value":null}]`, items("Reason", "VPN", "Note", "<null>")},
		{"Name/Value pairs, keys in any case, value left out", `[{"NAME":"Reason","vAlUe":"VPN"},{"name":"Note"}]`, items("Reason", "VPN", "Note", "<null>")},
		{"a string holding one-key objects", `"[{\"Reason\":\"VPN\"}]"`, items("Reason", "VPN")},
		{"a string holding pairs", `"[{\"name\":\"Reason\",\"value\":\"VPN\"}]"`, items("Reason", "VPN")},
		{"the walkthrough's string with typographic quotes", `"[{“Reason”:“VPN”}]"`, items("Reason", "VPN")},
		{"the reference's \"[]\"", `"[]"`, items()},
		{"an empty string for none", `""`, items()},
		{"a blank string for none", `"  "`, items()},
		{"an empty array", `[]`, items()},
		{"numbers, booleans and null as values", `[{"Floor":3},{"Remote":true},{"Note":null}]`, items("Floor", "3", "Remote", "true", "Note", "<null>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newWorkflowFixture(t, Options{})
			got := f.create(t, createBodyWith(tt.datacollection))
			if !reflect.DeepEqual(got.DataCollection, tt.want) {
				t.Fatalf("stored %s as %+v, want %+v", tt.datacollection, got.DataCollection, tt.want)
			}
			// And the API writes it back as Name/Value pairs.
			r := f.do(t, http.MethodGet, base+"/requests/"+string(got.Uuid), "")
			if want := `"DataCollection":` + string(mustJSON(t, tt.want)); !strings.Contains(string(r.body), want) {
				t.Fatalf("GET: want %s in %s", want, r.body)
			}
		})
	}
	refusals := []struct{ name, datacollection, want string }{
		{"an object", `{"Reason":"VPN"}`, `datacollection: want an array of {"Name":"Value"} objects or of {"Name":..., "Value":...} pairs, or a string holding one, such as "[]"; got "{\"Reason\":\"VPN\"}"`},
		{"a string that is no array", `"Reason=VPN"`, `datacollection: want an array of {"Name":"Value"} objects or of {"Name":..., "Value":...} pairs, or a string holding one, such as "[]"; got "Reason=VPN"`},
		{"a string holding null", `"null"`, `datacollection: want an array of {"Name":"Value"} objects or of {"Name":..., "Value":...} pairs, or a string holding one, such as "[]"; got "null"`},
		{"an item that is no object", `[{"Reason":"VPN"},1]`, `datacollection item 2 of 2 is not an object: "1"`},
		{"an object value", `[{"Reason":{"text":"VPN"}}]`, `datacollection item 1 of 1 (Reason): want a string value, got "{\"text\":\"VPN\"}"`},
		{"an empty object", `[{}]`, "datacollection item 1 of 1 has no name; each item names a data item of the profile template"},
		{"a pair without a name", `[{"Value":"VPN"}]`, "datacollection item 1 of 1 has no name; each item names a data item of the profile template"},
		{"a pair whose name is no string", `[{"Name":1,"Value":"VPN"}]`, "datacollection item 1 of 1 has a Name 1 that is not a string"},
		{"an empty key", `[{"":"VPN"}]`, "datacollection item 1 of 1 has a member without a name; each member names a data item of the profile template"},
	}
	for _, tt := range refusals {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			f := newWorkflowFixture(t, Options{})
			wantServerError(t, f.do(t, http.MethodPost, base+"/requests", createBodyWith(tt.datacollection)), tt.want)
			if n := len(f.Requests()); n != 1 {
				t.Fatalf("a refused POST left %d requests, want the reference alone", n)
			}
		})
	}
}

func TestCreate_priority(t *testing.T) {
	const retire = `{"profiletemplateuuid":"` + string(ExampleVPNUserTemplateID) + `","datacollection":[],"type":"Retire","comment":""`
	const noPolicy = `{"profiletemplateuuid":"` + string(ExampleVPNUserTemplateID) + `","datacollection":[],"type":"Revoke","comment":""`
	tests := []struct {
		name, body string
		want       int
	}{
		{"a number", retire + `,"priority":4}`, 4},
		{"a string, as the reference sends it", retire + `,"priority":"4"}`, 4},
		{"a string with spaces", retire + `,"priority":" 7 "}`, 7},
		{"a whole number written as a float", retire + `,"priority":4.0}`, 4},
		{"zero is a priority", retire + `,"priority":0}`, 0},
		{"absent: the policy's default", retire + `}`, 5},
		{"null: the policy's default", retire + `,"priority":null}`, 5},
		{"empty string: the policy's default", retire + `,"priority":""}`, 5},
		{"absent without a policy: 0", noPolicy + `}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newWorkflowFixture(t, Options{})
			if got := f.create(t, tt.body); got.Priority != tt.want {
				t.Fatalf("Priority: want %d, got %d", tt.want, got.Priority)
			}
		})
	}
	for _, p := range []string{`4.5`, `"4.5"`, `"high"`, `3e10`, `true`, `[4]`, `"0x10"`} {
		t.Run("refused: "+p, func(t *testing.T) {
			f := newWorkflowFixture(t, Options{})
			wantServerError(t, f.do(t, http.MethodPost, base+"/requests", retire+`,"priority":`+p+`}`),
				"priority "+mimcm.QuoteInput(p)+" is not a whole number from -2147483648 to 2147483647")
		})
	}
}

func TestCreate_typeNamesAndNumbers(t *testing.T) {
	for _, rt := range mimcm.RequestTypes() {
		number, _ := RequestTypeNumber(rt)
		for _, sent := range []string{`"` + string(rt) + `"`, `"` + strings.ToUpper(string(rt)) + `"`, mustString(number), `"` + mustString(number) + `"`} {
			t.Run(string(rt)+" as "+sent, func(t *testing.T) {
				f := newFixture(t, Options{}) // no templates: any type for any template
				got := f.create(t, `{"profiletemplateuuid":"`+otherID+`","datacollection":[],"type":`+sent+`,"comment":""}`)
				if got.RequestType != number {
					t.Fatalf("RequestType: want %d, got %d", number, got.RequestType)
				}
			})
		}
	}
}

// TestCreate_smartcardWithoutTemplate follows the Unblock example: a
// smartcard and no profiletemplateuuid. The card's template is the one of
// the newest request about the card.
func TestCreate_smartcardWithoutTemplate(t *testing.T) {
	const unblock = `{"smartcard":"` + referenceCard + `","datacollection":[],"type":"Unblock","comment":"forgot my PIN"}`
	t.Run("a card the mock knows", func(t *testing.T) {
		f := newWorkflowFixture(t, Options{PendingOnCreate: true}) // the Unblock policy decides, not this
		got := f.create(t, unblock)
		want := mimcm.Request{
			Uuid: got.Uuid, RequestType: 5, Status: mimcm.StatusApproved, Flags: 2, DataCollection: items(),
			OriginatorUserUuid: DefaultCurrentUser, TargetUserUuid: DefaultCurrentUser, Submitted: mimcm.NewTimestamp(t0),
			OldSmartcardUuid: referenceCard, Priority: 5, Comment: "forgot my PIN", ProfileTemplateUuid: ExampleSmartCardLogonTemplateID,
			SecurityDescriptor: createdSDDL, IsSmartcard: true, IsDataCollectionComplete: true,
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("stored:\n want %+v\n got  %+v", want, got)
		}
		// A second request about the card finds it through the first.
		f.Delete(ExampleRequestID)
		if again := f.create(t, strings.ToUpper(unblock)); again.ProfileTemplateUuid != ExampleSmartCardLogonTemplateID {
			t.Fatalf("the card's template came from the reference request only: %+v", again)
		}
	})
	t.Run("a card the mock does not know", func(t *testing.T) {
		f := newWorkflowFixture(t, Options{PendingOnCreate: true})
		got := f.create(t, `{"smartcard":"`+otherID+`","datacollection":[],"type":"Unblock","comment":""}`)
		if got.ProfileTemplateUuid != "" || got.OldSmartcardUuid != otherID || !got.IsSmartcard || got.Status != mimcm.StatusPending {
			t.Fatalf("want no template, the card, and Pending as PendingOnCreate says: %+v", got)
		}
	})
	t.Run("a template and a smartcard", func(t *testing.T) {
		f := newWorkflowFixture(t, Options{})
		got := f.create(t, `{"profiletemplateuuid":"`+string(ExampleVirtualSmartCardTemplateID)+`","smartcard":"`+referenceCard+`","datacollection":[],"type":"Retire","comment":""}`)
		if got.ProfileTemplateUuid != ExampleVirtualSmartCardTemplateID || got.OldSmartcardUuid != referenceCard {
			t.Fatalf("the template sent wins over the card's: %+v", got)
		}
	})
	t.Run("refused", func(t *testing.T) {
		f := newWorkflowFixture(t, Options{})
		wantServerError(t, f.do(t, http.MethodPost, base+"/requests", `{"smartcard":"card","datacollection":[],"type":"Unblock","comment":""}`),
			`smartcard: "card" is not a GUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got 4`)
		wantServerError(t, f.do(t, http.MethodPost, base+"/requests", `{"smartcard":"","profiletemplateuuid":"","datacollection":[],"type":"Unblock","comment":""}`),
			"profiletemplateuuid is required; only a request about a smart card (smartcard) may leave it out")
	})
}

// TestCreate_workflowPolicies creates a request of each kind the example
// templates tell apart, and checks what the policy made of it.
func TestCreate_workflowPolicies(t *testing.T) {
	body := func(template mimcm.GUID, reqType, datacollection string) string {
		return `{"profiletemplateuuid":"` + string(template) + `","datacollection":` + datacollection + `,"type":"` + reqType + `","comment":"c"}`
	}
	tests := []struct {
		name        string
		pending     bool // Options.PendingOnCreate
		body        string
		wantStatus  mimcm.Status
		wantCard    bool
		wantItems   []mimcm.DataCollectionItem
		wantRefusal string
	}{
		{name: "VPN User Enroll needs an approval", body: body(ExampleVPNUserTemplateID, "Enroll", `[{"Reason":"VPN"}]`),
			wantStatus: mimcm.StatusPending, wantItems: items("Reason", "VPN")},
		{name: "the optional item may come too, in any case", body: body(ExampleVPNUserTemplateID, "Enroll", `[{"department":"IT"},{"REASON":"VPN"}]`),
			wantStatus: mimcm.StatusPending, wantItems: items("department", "IT", "REASON", "VPN")},
		{name: "VPN User Retire is auto-approved", pending: true, body: body(ExampleVPNUserTemplateID, "Retire", `[]`),
			wantStatus: mimcm.StatusApproved, wantItems: items()},
		{name: "no policy: PendingOnCreate off", body: body(ExampleVPNUserTemplateID, "Renew", `[]`),
			wantStatus: mimcm.StatusApproved, wantItems: items()},
		{name: "no policy: PendingOnCreate on", pending: true, body: body(ExampleVPNUserTemplateID, "Renew", `[]`),
			wantStatus: mimcm.StatusPending, wantItems: items()},
		{name: "Smart Card Logon Enroll is auto-approved, on a card", pending: true, body: body(ExampleSmartCardLogonTemplateID, "Enroll", `"[]"`),
			wantStatus: mimcm.StatusApproved, wantCard: true, wantItems: items()},
		{name: "Smart Card Logon Retire needs an approval", body: body(ExampleSmartCardLogonTemplateID, "Retire", `[]`),
			wantStatus: mimcm.StatusPending, wantCard: true, wantItems: items()},
		{name: "a virtual smart card is a card too", body: body(ExampleVirtualSmartCardTemplateID, "enroll", `[]`),
			wantStatus: mimcm.StatusPending, wantCard: true, wantItems: items()},
		{name: "Reason missing", body: body(ExampleVPNUserTemplateID, "Enroll", `[{"Department":"IT"}]`),
			wantRefusal: "The workflow policy for Enroll on profile template 'VPN User' 3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a01 requires the data collection item Reason, which the request lacks or leaves empty"},
		{name: "Reason empty", body: body(ExampleVPNUserTemplateID, "Enroll", `[{"Name":"Reason","Value":"  "}]`),
			wantRefusal: "The workflow policy for Enroll on profile template 'VPN User' 3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a01 requires the data collection item Reason, which the request lacks or leaves empty"},
		{name: "Reason null", body: body(ExampleVPNUserTemplateID, "Enroll", `[{"Reason":null}]`),
			wantRefusal: "The workflow policy for Enroll on profile template 'VPN User' 3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a01 requires the data collection item Reason, which the request lacks or leaves empty"},
		{name: "a disabled policy", body: body(ExampleVirtualSmartCardTemplateID, "Renew", `[]`),
			wantRefusal: "The workflow policy for Renew on profile template 'Virtual Smart Card' 3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3a03 is disabled; no Renew request can be created from the template"},
		{name: "an unknown template", body: body("3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3aff", "Enroll", `[]`),
			wantRefusal: "Profile template 3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3aff was not found; GET profiletemplates?targetuser=current lists the templates the caller can use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newWorkflowFixture(t, Options{PendingOnCreate: tt.pending})
			if tt.wantRefusal != "" {
				wantServerError(t, f.do(t, http.MethodPost, base+"/requests", tt.body), tt.wantRefusal)
				if n := len(f.Requests()); n != 1 {
					t.Fatalf("a refused POST left %d requests, want the reference alone", n)
				}
				if c := f.Calls(); len(c) != 1 || c[0].RequestID != "" || c[0].Status != 500 {
					t.Fatalf("calls: %+v", c)
				}
				return
			}
			got := f.create(t, tt.body)
			wantFlags := map[bool]int{false: 0, true: 2}[tt.wantCard]
			if got.Status != tt.wantStatus || got.IsSmartcard != tt.wantCard || got.Flags != wantFlags || !reflect.DeepEqual(got.DataCollection, tt.wantItems) {
				t.Fatalf("want %s, IsSmartcard %v, Flags %d, items %+v; got %+v", tt.wantStatus, tt.wantCard, wantFlags, tt.wantItems, got)
			}
		})
	}
}

func TestCreate_policyDetails(t *testing.T) {
	f := newFixture(t, Options{})
	err := f.SeedProfileTemplates(ProfileTemplate{
		Uuid: otherID, Name: "Badge",
		Policies: map[mimcm.RequestType]WorkflowPolicy{
			mimcm.RequestTypeEnroll: {EnrollAgentRequired: true, DefaultRequestPriority: 9, DataCollection: []DataItem{
				{Name: "Employee ID", Required: true}, {Name: "Photo"}, {Name: "Cost Centre", Required: true}, {Name: "Manager", Required: true},
			}},
			mimcm.RequestTypeTemporaryCards: {},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := f.do(t, http.MethodPost, base+"/requests", `{"profiletemplateuuid":"`+otherID+`","datacollection":[{"Cost Centre":"42"}],"type":"Enroll","comment":""}`)
	wantServerError(t, r, "The workflow policy for Enroll on profile template 'Badge' "+otherID+
		" requires the data collection items Employee ID and Manager, which the request lacks or leaves empty")

	got := f.create(t, `{"profiletemplateuuid":"`+otherID+`","datacollection":[{"Employee ID":"7"},{"Cost Centre":"42"},{"Manager":"Ann"}],"type":"Enroll","comment":""}`)
	if !got.IsEnrollmentAgent || got.Priority != 9 || got.Status != mimcm.StatusApproved {
		t.Fatalf("want IsEnrollmentAgent, priority 9, Approved (the zero policy needs no approval): %+v", got)
	}
	// The policy routes call TemporaryCards TemporaryEnroll; POST does not.
	got = f.create(t, `{"profiletemplateuuid":"`+otherID+`","datacollection":[],"type":"TemporaryCards","comment":""}`)
	if got.RequestType != 111 || got.Status != mimcm.StatusApproved {
		t.Fatalf("TemporaryCards: %+v", got)
	}
	wantServerError(t, f.do(t, http.MethodPost, base+"/requests", `{"profiletemplateuuid":"`+otherID+`","datacollection":[],"type":"TemporaryEnroll","comment":""}`),
		"'TemporaryEnroll' is not a request type; want one of "+strings.Join(mimcm.RequestTypeNames(), ", "))
}

// TestCreate_anyTemplateUntilOneIsHeld keeps what callers that never seed
// a template relied on, and shows where it ends.
func TestCreate_anyTemplateUntilOneIsHeld(t *testing.T) {
	f := newFixture(t, Options{PendingOnCreate: true})
	body := `{"profiletemplateuuid":"` + otherID + `","datacollection":[],"type":"Enroll","comment":""}`
	if got := f.create(t, body); got.ProfileTemplateUuid != otherID || got.Status != mimcm.StatusPending {
		t.Fatalf("without templates: %+v", got)
	}
	if err := f.SeedProfileTemplates(ProfileTemplate{Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	wantServerError(t, f.do(t, http.MethodPost, base+"/requests", body),
		"Profile template "+otherID+" was not found; GET profiletemplates?targetuser=current lists the templates the caller can use")
}

func mustString(n int) string { return string(mustJSON(nil, n)) }
