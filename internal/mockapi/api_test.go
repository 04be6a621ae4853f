package mockapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// TestGet_quirks checks the raw JSON of an Approved request for every quirk
// of the reference example.
func TestGet_quirks(t *testing.T) {
	f := newFixture(t, Options{}, ExampleRequest())
	r := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "")
	wantStatus(t, r, http.StatusOK)
	wantJSONType(t, r)
	body := string(r.body)

	for _, want := range []string{
		`"Completed":"0001-01-01T00:00:00"`,
		`"Submitted":"2015-07-07T23:36:21.93Z"`,
		`"OldProfileUuid":"00000000-0000-0000-0000-000000000000"`,
		`"OldSmartcardUuid":"00000000-0000-0000-0000-000000000000"`,
		`"DataCollection":[]`,
		`(A;;CCDCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)` + strings.Repeat(`\u0000`, 9) + `"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %s:\n%s", want, body)
		}
	}
	if n := strings.Count(body, `\u0000`); n != 9 {
		t.Errorf("want 9 \\u0000, got %d", n)
	}

	// PascalCase keys, in the reference's order.
	keys := regexp.MustCompile(`"([A-Za-z]+)":`).FindAllStringSubmatch(body, -1)
	var got []string
	for _, k := range keys {
		got = append(got, k[1])
	}
	want := []string{"Uuid", "RequestType", "Status", "Flags", "DataCollection", "DataCollectionFlags",
		"OriginatorUserUuid", "TargetUserUuid", "Submitted", "Completed", "NewProfileUuid", "OldProfileUuid",
		"NewSmartcardUuid", "OldSmartcardUuid", "Priority", "Comment", "ProfileTemplateUuid", "SecurityDescriptor",
		"IsSmartcard", "IsEnrollmentAgent", "IsDataCollectionComplete"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keys:\n want %v\n got  %v", want, got)
	}

	// The client's decoder gets back exactly what the mock holds.
	held, _ := f.Request(exampleID)
	if dec := r.request(t); !reflect.DeepEqual(dec, held) {
		t.Errorf("decoded:\n want %+v\n got  %+v", held, dec)
	}
	if held.SecurityDescriptor != strings.TrimRight(held.SecurityDescriptor, "\x00") {
		t.Errorf("the store holds the NUL padding")
	}
}

// TestGet_roundTrip: what the mock writes decodes to what it holds, for
// requests with every kind of value.
func TestGet_roundTrip(t *testing.T) {
	reqs := []mimcm.Request{
		ExampleRequest(),
		{
			Uuid:                otherID,
			RequestType:         5,
			Status:              mimcm.StatusCanceled,
			Flags:               7,
			DataCollection:      []mimcm.DataCollectionItem{{Name: "reason", Value: str("lost <card> & \"pin\"")}, {Name: "empty", Value: nil}, {Name: "blank", Value: str("")}},
			DataCollectionFlags: 1,
			OriginatorUserUuid:  "11111111-2222-4333-8444-555555555555",
			TargetUserUuid:      "",
			Submitted:           mimcm.NewTimestamp(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
			Completed:           mimcm.NewTimestamp(time.Date(2026, 1, 2, 3, 4, 6, 120_000_000, time.UTC)),
			Priority:            -3,
			Comment:             "ünïcødé\ttab",
			SecurityDescriptor:  "",
			IsEnrollmentAgent:   true,
		},
		{Uuid: "22222222-0000-4000-8000-000000000005", Status: mimcm.Status(42)},
	}
	f := newFixture(t, Options{}, reqs...)
	for _, want := range reqs {
		t.Run(string(want.Uuid), func(t *testing.T) {
			r := f.do(t, http.MethodGet, base+"/requests/"+string(want.Uuid), "")
			wantStatus(t, r, http.StatusOK)
			held, _ := f.Request(want.Uuid)
			if got := r.request(t); !reflect.DeepEqual(got, held) {
				t.Fatalf("decoded:\n want %+v\n got  %+v", held, got)
			}
			if !strings.HasSuffix(mustField(t, r.body, "SecurityDescriptor"), `\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000"`) {
				t.Fatalf("SecurityDescriptor without padding: %s", r.body)
			}
		})
	}
}

// mustField returns the raw JSON of one member of an object.
func mustField(t *testing.T, body []byte, key string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return string(m[key])
}

func TestRoutes(t *testing.T) {
	tests := []struct {
		name, method, path string
		want               int
		message            string // for 404 and 405: the exact message
		allow              string
	}{
		{"documented case", "GET", "/CertificateManagement/api/v1.0/requests/" + exampleID, 200, "", ""},
		{"reference example case", "GET", "/certificatemanagement/api/v1.0/requests/" + exampleID, 200, "", ""},
		{"upper-case everything", "GET", "/CERTIFICATEMANAGEMENT/API/V1.0/REQUESTS/" + strings.ToUpper(exampleID), 200, "", ""},
		{"trailing slash", "GET", base + "/requests/" + exampleID + "/", 200, "", ""},
		{"braced GUID", "GET", base + "/requests/{" + exampleID + "}", 200, "", ""},
		{"GUID without hyphens", "GET", base + "/requests/" + strings.ReplaceAll(exampleID, "-", ""), 200, "", ""},
		{"list with trailing slash", "GET", base + "/Requests/", 200, "", ""},
		{"unknown id", "GET", base + "/requests/" + otherID, 204, "", ""},
		{"base path alone", "GET", base, 404, "No HTTP resource was found that matches the request URI '{url}" + base + "'.", ""},
		{"unknown route", "GET", base + "/profiles", 404, "No HTTP resource was found that matches the request URI '{url}" + base + "/profiles'.", ""},
		{"too deep", "GET", base + "/requests/" + exampleID + "/x", 404, "No HTTP resource was found that matches the request URI '{url}" + base + "/requests/" + exampleID + "/x'.", ""},
		{"other base path", "GET", "/CertificateManagement/api/v2.0/requests/" + exampleID, 404, "No HTTP resource was found that matches the request URI '{url}/CertificateManagement/api/v2.0/requests/" + exampleID + "'.", ""},
		{"prefix of a segment", "GET", base + "x/requests", 404, "No HTTP resource was found that matches the request URI '{url}" + base + "x/requests'.", ""},
		{"root", "GET", "/", 404, "No HTTP resource was found that matches the request URI '{url}/'.", ""},
		{"query kept in the URI", "GET", "/nowhere?a=b", 404, "No HTTP resource was found that matches the request URI '{url}/nowhere?a=b'.", ""},
		{"DELETE a request", "DELETE", base + "/requests/" + exampleID, 405, "The requested resource does not support http method 'DELETE'.", "GET, PUT"},
		{"POST to a request", "POST", base + "/requests/" + exampleID, 405, "The requested resource does not support http method 'POST'.", "GET, PUT"},
		{"PUT the list", "PUT", base + "/requests", 405, "The requested resource does not support http method 'PUT'.", "GET, POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{}, ExampleRequest())
			r := f.do(t, tt.method, tt.path, "")
			wantStatus(t, r, tt.want)
			switch tt.want {
			case 200:
				wantJSONType(t, r)
			case 204:
				wantNoContent(t, r)
			default:
				wantJSONType(t, r)
				if want := strings.ReplaceAll(tt.message, "{url}", f.url); r.message(t) != want {
					t.Fatalf("message:\n want %q\n got  %q", want, r.message(t))
				}
				if got := r.header.Get("Allow"); got != tt.allow {
					t.Fatalf("Allow: want %q, got %q", tt.allow, got)
				}
			}
			if tt.want == 200 && strings.Contains(tt.path, exampleID[:8]) {
				if got := r.request(t).Uuid; got != exampleID {
					t.Fatalf("Uuid: want %s, got %s", exampleID, got)
				}
			}
		})
	}
}

func TestRoutes_customBasePath(t *testing.T) {
	if got := New(Options{BasePath: "/cm/api/v2/"}).BasePath(); got != "/cm/api/v2" {
		t.Fatalf("BasePath: %q", got)
	}
	tests := []struct {
		basePath, path string
		want           int
	}{
		{"/cm/api/v2/", "/CM/api/V2/requests/" + exampleID, 200},
		{"/cm/api/v2/", base + "/requests/" + exampleID, 404},
		{"/", "/requests/" + exampleID, 200},
		{"", base + "/requests/" + exampleID, 200},
		{"api", "/API/requests/" + exampleID, 200},
	}
	for _, tt := range tests {
		t.Run(tt.basePath+" "+tt.path, func(t *testing.T) {
			f := newFixture(t, Options{BasePath: tt.basePath}, ExampleRequest())
			wantStatus(t, f.do(t, http.MethodGet, tt.path, ""), tt.want)
		})
	}
}

func TestGet_malformedID(t *testing.T) {
	for _, id := range []string{"nope", exampleID[:35], exampleID + "0", "{" + exampleID, "g9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"} {
		t.Run(id, func(t *testing.T) {
			f := newFixture(t, Options{}, ExampleRequest())
			r := f.do(t, http.MethodGet, base+"/requests/"+id, "")
			wantServerError(t, r, "The request is invalid: '"+id+"' is not a valid GUID for parameter 'id'")
		})
	}
}

// TestServerError_freshCorrelationID: every error has its own ID.
func TestServerError_freshCorrelationID(t *testing.T) {
	f := newFixture(t, Options{})
	a := wantServerError(t, f.do(t, http.MethodGet, base+"/requests/x", ""), "The request is invalid: 'x' is not a valid GUID for parameter 'id'")
	b := wantServerError(t, f.do(t, http.MethodGet, base+"/requests/x", ""), "The request is invalid: 'x' is not a valid GUID for parameter 'id'")
	if a == b {
		t.Fatalf("two errors share the correlation ID %s", a)
	}
}

// listSeed returns requests whose submission order differs from their GUID
// order; two share a submission time, so the GUID decides between them.
func listSeed() []mimcm.Request {
	at := func(minute int) mimcm.Timestamp {
		return mimcm.NewTimestamp(time.Date(2026, 11, 20, 9, minute, 0, 0, time.UTC))
	}
	reqs := []mimcm.Request{
		requestWith("ffffffff-0000-4000-8000-000000000001", mimcm.StatusApproved),
		requestWith("00000000-0000-4000-8000-000000000002", mimcm.StatusApproved),
		requestWith("88888888-0000-4000-8000-000000000003", mimcm.StatusCompleted),
		requestWith("11111111-0000-4000-8000-000000000004", mimcm.StatusApproved),
		requestWith("44444444-0000-4000-8000-000000000005", mimcm.StatusPending),
	}
	reqs[0].Submitted = at(1)
	reqs[1].Submitted = at(2)
	reqs[2].Submitted = at(3)
	reqs[3].Submitted = at(2)
	reqs[3].TargetUserUuid = otherID
	reqs[4].Submitted = at(0)
	reqs[4].TargetUserUuid = "8F1590DC-D932-4B66-8E68-2E91C5880780" // the current user, in upper case
	return reqs
}

func TestList(t *testing.T) {
	tests := []struct {
		name, query string
		want        []string // Uuid prefixes, in order; nil = 204
		why         string   // for a 500
	}{
		{"all", "", []string{"44444444", "ffffffff", "00000000", "11111111", "88888888"}, ""},
		{"status", "?status=Approved", []string{"ffffffff", "00000000", "11111111"}, ""},
		{"status in any case", "?STATUS=completed", []string{"88888888"}, ""},
		{"targetuser", "?targetuser=current", []string{"44444444", "ffffffff", "00000000", "88888888"}, ""},
		{"targetuser in any case", "?TargetUser=Current", []string{"44444444", "ffffffff", "00000000", "88888888"}, ""},
		{"both", "?status=approved&targetuser=current", []string{"ffffffff", "00000000"}, ""},
		{"empty filters", "?status=&targetuser=", []string{"44444444", "ffffffff", "00000000", "11111111", "88888888"}, ""},
		{"unknown parameters ignored", "?top=1", []string{"44444444", "ffffffff", "00000000", "11111111", "88888888"}, ""},
		{"nothing matches", "?status=Denied", nil, ""},
		{"unknown status", "?status=Abandoned", nil,
			"'Abandoned' is not a request status; status supports None, Approved, Denied, Completed, Failed, Pending, Canceled, Executing"},
		{"other target user", "?targetuser=" + otherID, nil, "targetuser supports only 'current'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{}, listSeed()...)
			r := f.do(t, http.MethodGet, base+"/requests"+tt.query, "")
			switch {
			case tt.why != "":
				wantServerError(t, r, tt.why)
				return
			case tt.want == nil:
				wantNoContent(t, r)
				return
			}
			wantStatus(t, r, http.StatusOK)
			wantJSONType(t, r)
			var list []mimcm.Request
			if err := json.Unmarshal(r.body, &list); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, req := range list {
				got = append(got, string(req.Uuid)[:8])
				held, _ := f.Request(req.Uuid)
				// The mock sends GUIDs in the case they were seeded in; the
				// client's decoder lower-cases them.
				held.TargetUserUuid = mimcm.GUID(strings.ToLower(string(held.TargetUserUuid)))
				if !reflect.DeepEqual(req, held) {
					t.Fatalf("listed %+v, hold %+v", req, held)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("order:\n want %v\n got  %v", tt.want, got)
			}
			if slices.Contains(tt.want, "44444444") && !strings.Contains(string(r.body), `"TargetUserUuid":"8F1590DC-D932-4B66-8E68-2E91C5880780"`) {
				t.Fatalf("the upper-case GUID was not sent as seeded: %s", r.body)
			}
			if n := strings.Count(string(r.body), strings.Repeat(`\u0000`, 9)+`"`); n != len(tt.want) {
				t.Fatalf("want %d padded security descriptors, got %d", len(tt.want), n)
			}
		})
	}
	t.Run("empty store", func(t *testing.T) {
		f := newFixture(t, Options{})
		wantNoContent(t, f.do(t, http.MethodGet, base+"/requests", ""))
	})
}

var relativeURI = regexp.MustCompile(`^"api/v1\.0/requests/([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})"$`)

func TestCreate(t *testing.T) {
	const template = "a039b4d0-5ce8-4eff-8651-181c6576fda3"
	tests := []struct {
		name    string
		opts    Options
		body    string
		want    mimcm.Request // without Uuid; Submitted is t0
		wantErr string
	}{
		{
			name: "documented example (type by name, datacollection as a string)",
			body: `{"datacollection":"[]","type":"Enroll","profiletemplateuuid":"` + template + `","comment":""}`,
			want: mimcm.Request{RequestType: 1, Status: mimcm.StatusApproved, DataCollection: []mimcm.DataCollectionItem{},
				TargetUserUuid: DefaultCurrentUser},
		},
		{
			name: "everything, keys in other cases",
			body: `{"ProfileTemplateUuid":"A039B4D0-5CE8-4EFF-8651-181C6576FDA3","DataCollection":[{"Name":"reason","Value":"lost"},{"name":"note","value":null}],
				"Target":"` + otherID + `","Type":5,"Comment":"please","Priority":4}`,
			want: mimcm.Request{RequestType: 5, Status: mimcm.StatusApproved,
				DataCollection: []mimcm.DataCollectionItem{{Name: "reason", Value: str("lost")}, {Name: "note"}},
				TargetUserUuid: otherID, Comment: "please", Priority: 4},
		},
		{
			name: "Unblock by name, zero target means the current user",
			body: `{"profiletemplateuuid":"` + template + `","datacollection":[],"type":"unblock","comment":"","target":"00000000-0000-0000-0000-000000000000"}`,
			want: mimcm.Request{RequestType: 5, Status: mimcm.StatusApproved, DataCollection: []mimcm.DataCollectionItem{},
				TargetUserUuid: DefaultCurrentUser},
		},
		{
			name: "a type without a confirmed number gets the mock's",
			body: `{"profiletemplateuuid":"` + template + `","datacollection":[],"type":"renew","comment":""}`,
			want: mimcm.Request{RequestType: 105, Status: mimcm.StatusApproved, DataCollection: []mimcm.DataCollectionItem{},
				TargetUserUuid: DefaultCurrentUser},
		},
		{
			name: "pending on create, other current user",
			opts: Options{PendingOnCreate: true, CurrentUser: "11111111-2222-4333-8444-555555555555"},
			body: `{"profiletemplateuuid":"` + template + `","datacollection":[],"type":"1","comment":""}`,
			want: mimcm.Request{RequestType: 1, Status: mimcm.StatusPending, DataCollection: []mimcm.DataCollectionItem{},
				TargetUserUuid: "11111111-2222-4333-8444-555555555555", OriginatorUserUuid: "11111111-2222-4333-8444-555555555555"},
		},
		{name: "empty body", body: ``, wantErr: "The request body is empty; want profiletemplateuuid, datacollection, type and comment"},
		{name: "not JSON", body: `{`, wantErr: "The request body is not valid JSON (unexpected end of JSON input)"},
		{name: "not an object", body: `[]`, wantErr: "The request body is not a JSON object"},
		{name: "no template", body: `{"datacollection":[],"type":1,"comment":""}`,
			wantErr: "profiletemplateuuid is required; only a request about a smart card (smartcard) may leave it out"},
		{name: "bad template", body: `{"profiletemplateuuid":"x","datacollection":[],"type":1,"comment":""}`,
			wantErr: `profiletemplateuuid: "x" is not a GUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got 1`},
		// Found by FuzzCreateBody: both were stored as new requests.
		{name: "all-zero template", body: `{"profiletemplateuuid":"00000000-0000-0000-0000-000000000000","datacollection":[],"type":1,"comment":""}`,
			wantErr: "profiletemplateuuid is the all-zero GUID, which names no profile template"},
		{name: "datacollection item without a name", body: `{"profiletemplateuuid":"` + template + `","datacollection":[{"name":"a","value":"1"},{}],"type":1,"comment":""}`,
			wantErr: "datacollection item 2 of 2 has no name; each item names a data item of the profile template"},
		{name: "no datacollection", body: `{"profiletemplateuuid":"` + template + `","type":1,"comment":""}`, wantErr: "datacollection is required (it may be [])"},
		{name: "bad datacollection", body: `{"profiletemplateuuid":"` + template + `","datacollection":{"a":1},"type":1,"comment":""}`,
			wantErr: `datacollection: want an array of {"Name":"Value"} objects or of {"Name":..., "Value":...} pairs, or a string holding one, such as "[]"; got "{\"a\":1}"`},
		{name: "no type", body: `{"profiletemplateuuid":"` + template + `","datacollection":[],"comment":""}`, wantErr: "type is required"},
		{name: "type of unknown number", body: `{"profiletemplateuuid":"` + template + `","datacollection":[],"type":42,"comment":""}`,
			wantErr: "42 is not a request type number; the mock knows 1 (Enroll), 102 (Duplicate), 103 (OfflineUnblock), 104 (OnlineUpdate), 105 (Renew), 106 (Recover), 107 (RecoverOnBehalf), 108 (Reinstate), 109 (Retire), 110 (Revoke), 111 (TemporaryCards), 5 (Unblock) (only 1 and 5 are CM's confirmed numbers)"},
		{name: "not a type", body: `{"profiletemplateuuid":"` + template + `","datacollection":[],"type":"Steal","comment":""}`,
			wantErr: "'Steal' is not a request type; want one of Enroll, Duplicate, OfflineUnblock, OnlineUpdate, Renew, Recover, RecoverOnBehalf, Reinstate, Retire, Revoke, TemporaryCards, Unblock"},
		{name: "no comment", body: `{"profiletemplateuuid":"` + template + `","datacollection":[],"type":1}`, wantErr: `comment is required (it may be "")`},
		{name: "bad target", body: `{"profiletemplateuuid":"` + template + `","datacollection":[],"type":1,"comment":"","target":"me"}`,
			wantErr: `target: "me" is not a GUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.opts)
			r := f.do(t, http.MethodPost, "/certificatemanagement/api/v1.0/REQUESTS", tt.body)
			if tt.wantErr != "" {
				wantServerError(t, r, tt.wantErr)
				if n := len(f.Requests()); n != 0 {
					t.Fatalf("a refused POST stored %d requests", n)
				}
				if c := f.Calls(); len(c) != 1 || c[0].RequestID != "" || c[0].Status != 500 {
					t.Fatalf("calls: %+v", c)
				}
				return
			}
			wantStatus(t, r, http.StatusCreated)
			wantJSONType(t, r)
			m := relativeURI.FindStringSubmatch(string(r.body))
			if m == nil {
				t.Fatalf("body %s is not \"api/v1.0/requests/<v4 GUID>\"", r.body)
			}
			id := mimcm.GUID(m[1])
			if got := r.header.Values("Location"); got != nil {
				t.Fatalf("Location %q: the reference documents none", got)
			}
			want := tt.want
			want.Uuid = id
			want.ProfileTemplateUuid = template
			if want.OriginatorUserUuid == "" {
				want.OriginatorUserUuid = DefaultCurrentUser
			}
			want.Submitted = mimcm.NewTimestamp(t0)
			want.SecurityDescriptor = createdSDDL
			want.IsDataCollectionComplete = true
			got, ok := f.Request(id)
			if !ok || !reflect.DeepEqual(got, want) {
				t.Fatalf("stored:\n want %+v\n got  %+v", want, got)
			}
			if c := f.Calls(); len(c) != 1 || c[0].RequestID != id || c[0].Status != 201 || c[0].Method != "POST" {
				t.Fatalf("calls: %+v", c)
			}
			g := f.do(t, http.MethodGet, base+"/requests/"+string(id), "")
			wantStatus(t, g, http.StatusOK)
			if !strings.Contains(string(g.body), `"Completed":"0001-01-01T00:00:00"`) {
				t.Fatalf("a new request has a Completed time: %s", g.body)
			}
		})
	}
}

func TestCreate_relativeURI(t *testing.T) {
	tests := []struct{ basePath, want string }{
		{"", "api/v1.0/requests/"},
		{"/cm/api/v2", "api/v2/requests/"},
		{"/api", "api/requests/"},
		{"/", "requests/"},
	}
	for _, tt := range tests {
		t.Run(tt.basePath, func(t *testing.T) {
			s := New(Options{BasePath: tt.basePath})
			if got := s.relativeURI(exampleID); got != tt.want+exampleID {
				t.Fatalf("want %s, got %s", tt.want+exampleID, got)
			}
		})
	}
}
