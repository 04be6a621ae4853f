package mockapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

func TestAdmin_health(t *testing.T) {
	f := newFixture(t, Options{})
	r := f.do(t, http.MethodGet, "/_mock/health", "")
	wantStatus(t, r, 200)
	wantJSONType(t, r)
	if string(r.body) != `{"status":"ok"}` {
		t.Fatalf("body %s", r.body)
	}
	r = f.do(t, http.MethodPost, "/_mock/health", "")
	wantStatus(t, r, 405)
	if got := r.header.Get("Allow"); got != "GET" {
		t.Fatalf("Allow %q", got)
	}
}

func TestAdmin_seedAndRead(t *testing.T) {
	f := newFixture(t, Options{})

	// One object in, one object out.
	ref := wireJSON(t, ExampleRequest())
	r := f.do(t, http.MethodPost, "/_mock/requests", ref)
	wantStatus(t, r, 201)
	wantJSONType(t, r)
	if string(r.body) != ref {
		t.Fatalf("seeded:\n want %s\n got  %s", ref, r.body)
	}
	if got, _ := f.Request(exampleID); !reflect.DeepEqual(got, ExampleRequest()) {
		t.Fatalf("stored %+v", got)
	}

	// An array in, an array out; a missing Uuid is generated; upsert.
	r = f.do(t, http.MethodPost, "/_mock/requests", `[{"Status":16,"Comment":"new"},{"Uuid":"`+strings.ToUpper(exampleID)+`","Status":17}]`)
	wantStatus(t, r, 201)
	var seeded []mimcm.Request
	if err := json.Unmarshal(r.body, &seeded); err != nil {
		t.Fatal(err)
	}
	if len(seeded) != 2 || seeded[0].Uuid == "" || seeded[0].Status != mimcm.StatusPending || seeded[0].Comment != "new" || seeded[1].Status != mimcm.StatusCanceled {
		t.Fatalf("seeded %+v", seeded)
	}
	if _, err := mimcm.ParseGUID(string(seeded[0].Uuid)); err != nil {
		t.Fatalf("generated Uuid: %v", err)
	}
	if got, _ := f.Request(exampleID); got.Status != mimcm.StatusCanceled || got.Flags != 0 {
		t.Fatalf("upsert replaces the whole request: %+v", got)
	}
	if n := len(f.Requests()); n != 2 {
		t.Fatalf("want 2 requests, got %d", n)
	}

	// GET all, in list order, with the wire quirks.
	r = f.do(t, http.MethodGet, "/_mock/requests", "")
	wantStatus(t, r, 200)
	var all []mimcm.Request
	if err := json.Unmarshal(r.body, &all); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(all, f.Requests()) {
		t.Fatalf("GET /_mock/requests:\n want %+v\n got  %+v", f.Requests(), all)
	}
	if !strings.Contains(string(r.body), `"Completed":"0001-01-01T00:00:00"`) || !strings.Contains(string(r.body), `\u0000"`) {
		t.Fatalf("admin JSON is not in wire form: %s", r.body)
	}

	r = f.do(t, http.MethodGet, "/_mock/requests/"+strings.ToUpper(exampleID), "")
	wantStatus(t, r, 200)
	if got := r.request(t); got.Uuid != exampleID || got.Status != mimcm.StatusCanceled {
		t.Fatalf("GET one: %+v", got)
	}

	// Admin calls are never logged.
	if got := f.Calls(); len(got) != 0 {
		t.Fatalf("admin calls logged: %+v", got)
	}
	if got := f.Counts()["total"]; got != 0 {
		t.Fatalf("admin calls counted: %d", got)
	}

	// An empty store lists [].
	f.Reset()
	r = f.do(t, http.MethodGet, "/_mock/requests", "")
	wantStatus(t, r, 200)
	if string(r.body) != "[]" {
		t.Fatalf("empty store: %s", r.body)
	}
}

// wireJSON is the mock's JSON for a request.
func wireJSON(t *testing.T, r mimcm.Request) string {
	t.Helper()
	b, err := encodeJSON(wireForm(r))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAdmin_seedTenThousand seeds 10,000 full requests in one body, as a
// scale test does, and checks that a body over the documented limit is
// refused with the limit named.
func TestAdmin_seedTenThousand(t *testing.T) {
	const n = 10_000
	f := newFixture(t, Options{})
	var body strings.Builder
	body.WriteString("[")
	for i := range n {
		if i > 0 {
			body.WriteString(",")
		}
		r := ExampleRequest()
		r.Uuid = mimcm.GUID(fmt.Sprintf("a9b4b42c-cc50-4c9b-89d1-%012x", i))
		body.WriteString(wireJSON(t, r))
	}
	body.WriteString("]")
	if body.Len() <= 1<<20 {
		t.Fatalf("the seed is %d bytes; the test needs one above the old 1 MiB limit", body.Len())
	}
	r := f.do(t, http.MethodPost, "/_mock/requests", body.String())
	wantStatus(t, r, 201)
	if got := len(f.Requests()); got != n {
		t.Fatalf("seeded %d requests, want %d", got, n)
	}

	r = f.do(t, http.MethodPost, "/_mock/requests", "["+strings.Repeat(" ", MaxSeedBytes)+"]")
	wantStatus(t, r, 400)
	if got, want := r.message(t), fmt.Sprintf("Cannot seed: The request body is larger than %d bytes", MaxSeedBytes); got != want {
		t.Fatalf("message:\n want %q\n got  %q", want, got)
	}
}

func TestAdmin_patch(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		change func(*mimcm.Request)
	}{
		{"status and comment", `{"Status":17,"Comment":"x"}`, func(r *mimcm.Request) { r.Status = 17; r.Comment = "x" }},
		{"keys in any case", `{"status":9,"COMPLETED":"2026-01-02T03:04:05.5Z"}`, func(r *mimcm.Request) {
			r.Status = 9
			r.Completed = mimcm.NewTimestamp(time.Date(2026, 1, 2, 3, 4, 5, 500_000_000, time.UTC))
		}},
		{"data collection is replaced", `{"DataCollection":[{"Name":"a"}]}`, func(r *mimcm.Request) {
			r.DataCollection = []mimcm.DataCollectionItem{{Name: "a"}}
		}},
		{"null data collection empties it", `{"DataCollection":null}`, func(r *mimcm.Request) { r.DataCollection = []mimcm.DataCollectionItem{} }},
		{"padding stripped", `{"SecurityDescriptor":"O:BAD:(A;;RC;;;WD)\u0000\u0000"}`, func(r *mimcm.Request) { r.SecurityDescriptor = "O:BAD:(A;;RC;;;WD)" }},
		{"zero GUID clears", `{"NewProfileUuid":"00000000-0000-0000-0000-000000000000"}`, func(r *mimcm.Request) { r.NewProfileUuid = "" }},
		{"same Uuid allowed", `{"Uuid":"` + strings.ToUpper(exampleID) + `","Priority":3}`, func(r *mimcm.Request) { r.Priority = 3 }},
		{"empty object", `{}`, func(*mimcm.Request) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ExampleRequest()
			before.DataCollection = []mimcm.DataCollectionItem{{Name: "x", Value: str("y")}}
			f := newFixture(t, Options{}, before)
			r := f.do(t, http.MethodPatch, "/_mock/requests/"+exampleID, tt.body)
			wantStatus(t, r, 200)
			want := cloneRequest(before)
			tt.change(&want)
			got, _ := f.Request(exampleID)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("stored:\n want %+v\n got  %+v", want, got)
			}
			if answered := r.request(t); !reflect.DeepEqual(answered, want) {
				t.Fatalf("answered:\n want %+v\n got  %+v", want, answered)
			}
			// The API serves the drifted request.
			if served := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "").request(t); !reflect.DeepEqual(served, want) {
				t.Fatalf("served:\n want %+v\n got  %+v", want, served)
			}
		})
	}
}

func TestAdmin_badInput(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		want                     int
		message                  string
	}{
		{"seed: not JSON", "POST", "/_mock/requests", `{`, 400, "Cannot seed: want a JSON object in the wire form of a request: unexpected end of JSON input"},
		{"seed: empty", "POST", "/_mock/requests", ``, 400, "Cannot seed: empty input; want a JSON array of requests or one request object"},
		{"seed: unknown key", "POST", "/_mock/requests", `[{"Uuid":"` + exampleID + `"},{"Stauts":3}]`, 400,
			`Cannot seed: request 2 of 2: "Stauts" is not a field of a request; the fields are ` + strings.Join(requestKeys, ", ")},
		{"seed: bad Uuid", "POST", "/_mock/requests", `{"Uuid":"nope"}`, 400,
			`Cannot seed: Uuid: "nope" is not a GUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got 4`},
		{"seed: bad type", "POST", "/_mock/requests", `{"Status":"Approved"}`, 400,
			"Cannot seed: not a request in wire form: json: cannot unmarshal string into Go struct field plain.Status of type mimcm.Status"},
		{"seed: null", "POST", "/_mock/requests", `null`, 400, "Cannot seed: want a JSON object in the wire form of a request, got null"},
		{"one: malformed id", "GET", "/_mock/requests/nope", ``, 400, "'nope' is not a valid GUID"},
		{"one: unknown", "GET", "/_mock/requests/" + otherID, ``, 404, "The mock holds no request " + otherID},
		{"patch: unknown", "PATCH", "/_mock/requests/" + otherID, `{"Status":3}`, 404, "The mock holds no request " + otherID},
		{"patch: unknown key", "PATCH", "/_mock/requests/" + exampleID, `{"Stat":3}`, 400,
			`Cannot patch request ` + exampleID + `: "Stat" is not a field of a request; the fields are ` + strings.Join(requestKeys, ", ")},
		{"patch: other Uuid", "PATCH", "/_mock/requests/" + exampleID, `{"Uuid":"` + otherID + `"}`, 400,
			`Cannot patch request ` + exampleID + `: its Uuid cannot change (got "` + otherID + `")`},
		{"patch: array", "PATCH", "/_mock/requests/" + exampleID, `[]`, 400,
			"Cannot patch request " + exampleID + ": want a JSON object in the wire form of a request: json: cannot unmarshal array into Go value of type map[string]json.RawMessage"},
		{"patch: bad time", "PATCH", "/_mock/requests/" + exampleID, `{"Completed":"yesterday"}`, 400,
			`Cannot patch request ` + exampleID + `: time "yesterday" is not an RFC 3339 date and time such as 2015-07-07T23:36:21.93Z`},
		{"delete: unknown", "DELETE", "/_mock/requests/" + otherID, ``, 404, "The mock holds no request " + otherID},
		{"requests: PUT", "PUT", "/_mock/requests", `{}`, 405, "PUT is not supported here; use GET, POST"},
		{"fault: status", "POST", "/_mock/faults", `{"status":99}`, 400, "Cannot add the fault: status 99: want an HTTP status from 200 to 599"},
		{"fault: no status", "POST", "/_mock/faults", `{"count":1}`, 400, "Cannot add the fault: status 0: want an HTTP status from 200 to 599"},
		{"fault: count", "POST", "/_mock/faults", `{"status":500,"count":-1}`, 400, "Cannot add the fault: count -1: want 0 (until cleared) or more"},
		{"fault: retry_after", "POST", "/_mock/faults", `{"status":503,"retry_after":"soon"}`, 400, `Cannot add the fault: retry_after "soon": want seconds ("2") or an HTTP date`},
		{"fault: request_id", "POST", "/_mock/faults", `{"status":503,"request_id":"x"}`, 400,
			`Cannot add the fault: request_id: "x" is not a GUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got 1`},
		{"fault: unknown key", "POST", "/_mock/faults", `{"status":503,"retry":"1"}`, 400, `Cannot add the fault: want a JSON object: json: unknown field "retry"`},
		{"fault: method", "POST", "/_mock/faults", `{"status":503,"method":"GET /x"}`, 400, `Cannot add the fault: method "GET /x" is not an HTTP method the API can be called with; want one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, or none for every method`},
		{"fault: method no server has", "POST", "/_mock/faults", `{"status":503,"method":"BREW"}`, 400,
			`Cannot add the fault: method "BREW" is not an HTTP method the API can be called with; want one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, or none for every method`},
		{"fault: message on 204", "POST", "/_mock/faults", `{"status":204,"message":"gone"}`, 400,
			`Cannot add the fault: message: a 204 answer has no body to carry it; drop message or pick another status`},
		{"fault: message on a dropped answer", "POST", "/_mock/faults", `{"drop_answer":true,"message":"gone"}`, 400,
			`Cannot add the fault: message: a dropped answer (drop_answer) carries no message; drop one of them`},
		{"fault: Retry-After on a dropped answer", "POST", "/_mock/faults", `{"drop_answer":true,"retry_after":"1"}`, 400,
			`Cannot add the fault: retry_after: a dropped answer (drop_answer) carries no header; drop one of them`},
		{"fault: after_apply without a status", "POST", "/_mock/faults", `{"after_apply":true}`, 400, "Cannot add the fault: status 0: want an HTTP status from 200 to 599"},
		{"settings: policy routes", "PUT", "/_mock/settings", `{"policy_routes":"policy"}`, 400, `Cannot change the settings: policy_routes "policy": want policies, workflow, all`},
		{"settings: negative latency", "PUT", "/_mock/settings", `{"latency_ms":-1}`, 400, "Cannot change the settings: latency_ms -1: want 0 to 600000 (10m0s)"},
		{"settings: latency of years", "PUT", "/_mock/settings", `{"latency_ms":99999999999}`, 400, "Cannot change the settings: latency_ms 99999999999: want 0 to 600000 (10m0s)"},
		{"settings: negative polls", "PUT", "/_mock/settings", `{"executing_polls":-2}`, 400, "Cannot change the settings: executing_polls -2: want 0 to 1000000"},
		{"settings: polls beyond any test", "PUT", "/_mock/settings", `{"executing_polls":1000000000}`, 400, "Cannot change the settings: executing_polls 1000000000: want 0 to 1000000"},
		{"settings: half applied", "PUT", "/_mock/settings", `{"put_no_content":true,"latency_ms":99999999999}`, 400, "Cannot change the settings: latency_ms 99999999999: want 0 to 600000 (10m0s)"},
		{"settings: unknown key", "PUT", "/_mock/settings", `{"latency":5}`, 400, `Cannot change the settings: want a JSON object: json: unknown field "latency"`},
		{"settings: two objects", "PUT", "/_mock/settings", `{} {}`, 400, `Cannot change the settings: want one JSON object, got more`},
		{"settings: POST", "POST", "/_mock/settings", `{}`, 405, "POST is not supported here; use GET, PUT"},
		{"reset: GET", "GET", "/_mock/reset", ``, 405, "GET is not supported here; use POST"},
		{"unknown route", "GET", "/_mock/nothing", ``, 404, "/_mock/nothing is not an admin route; the admin routes are listed in the README of terraform-provider-mimcm, under The mock API"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{}, ExampleRequest())
			r := f.do(t, tt.method, tt.path, tt.body)
			wantStatus(t, r, tt.want)
			wantJSONType(t, r)
			if got := r.message(t); got != tt.message {
				t.Fatalf("message:\n want %q\n got  %q", tt.message, got)
			}
			if got, _ := f.Request(exampleID); !reflect.DeepEqual(got, ExampleRequest()) {
				t.Fatalf("bad input changed the store: %+v", got)
			}
			if n := len(f.Requests()); n != 1 {
				t.Fatalf("bad input changed the store: %d requests", n)
			}
			if got := f.do(t, http.MethodGet, "/_mock/faults", ""); string(got.body) != "[]" {
				t.Fatalf("bad input added a fault: %s", got.body)
			}
		})
	}
}

func TestAdmin_delete(t *testing.T) {
	f := newFixture(t, Options{}, ExampleRequest())
	wantNoContent(t, f.do(t, http.MethodDelete, "/_mock/requests/"+strings.ToUpper(exampleID), ""))
	wantNoContent(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""))
	if _, ok := f.Request(exampleID); ok {
		t.Fatal("still stored")
	}
}

func TestAdmin_calls(t *testing.T) {
	f := newFixture(t, Options{}, ExampleRequest())
	f.do(t, http.MethodGet, base+"/requests/"+exampleID, "")
	f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`)
	f.do(t, http.MethodPost, base+"/requests", `{}`)
	f.do(t, http.MethodGet, base+"/requests?status=Completed", "")
	f.do(t, http.MethodGet, "/_mock/health", "")
	r := f.do(t, http.MethodGet, "/_mock/calls", "")
	wantStatus(t, r, 200)
	wantJSONType(t, r)
	ts := t0.Format(time.RFC3339Nano)
	want := `{"calls":[` +
		`{"method":"GET","path":"` + base + `/requests/` + exampleID + `","query":"","request_id":"` + exampleID + `","status":200,"time":"` + ts + `"},` +
		`{"method":"PUT","path":"` + base + `/requests/` + exampleID + `","query":"","request_id":"` + exampleID + `","status":200,"time":"` + ts + `"},` +
		`{"method":"POST","path":"` + base + `/requests","query":"","request_id":"","status":500,"time":"` + ts + `"},` +
		`{"method":"GET","path":"` + base + `/requests","query":"status=Completed","request_id":"","status":200,"time":"` + ts + `"}],` +
		`"counts":{"GET":2,"POST":1,"PUT":1,"total":4},"connections":1,"handshakes":0}`
	if string(r.body) != want {
		t.Fatalf("calls:\n want %s\n got  %s", want, r.body)
	}
	wantNoContent(t, f.do(t, http.MethodDelete, "/_mock/calls", ""))
	r = f.do(t, http.MethodGet, "/_mock/calls", "")
	if want := `{"calls":[],"counts":{"GET":0,"POST":0,"PUT":0,"total":0},"connections":0,"handshakes":0}`; string(r.body) != want {
		t.Fatalf("after DELETE:\n want %s\n got  %s", want, r.body)
	}
}

func TestAdmin_faults(t *testing.T) {
	f := newFixture(t, Options{}, ExampleRequest())
	r := f.do(t, http.MethodPost, "/_mock/faults", `{"status":503,"count":2,"retry_after":"1","method":"get","request_id":"`+strings.ToUpper(exampleID)+`","message":"down"}`)
	wantStatus(t, r, 201)
	want := `{"status":503,"count":2,"retry_after":"1","method":"GET","request_id":"` + exampleID + `","message":"down"}`
	if string(r.body) != want {
		t.Fatalf("created:\n want %s\n got  %s", want, r.body)
	}
	if r := f.do(t, http.MethodGet, "/_mock/faults", ""); string(r.body) != "["+want+"]" {
		t.Fatalf("listed: %s", r.body)
	}
	a := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "")
	wantStatus(t, a, 503)
	if got := a.header.Get("Retry-After"); got != "1" {
		t.Fatalf("Retry-After %q", got)
	}
	if m := correlationSuffix.FindStringSubmatch(a.message(t)); m == nil || m[1] != "down" {
		t.Fatalf("message %q", a.message(t))
	}
	want = strings.Replace(want, `"count":2`, `"count":1`, 1)
	if r := f.do(t, http.MethodGet, "/_mock/faults", ""); string(r.body) != "["+want+"]" {
		t.Fatalf("listed after one answer: %s", r.body)
	}
	// Admin routes are never faulted.
	wantStatus(t, f.do(t, http.MethodPost, "/_mock/faults", `{"status":500}`), 201)
	wantStatus(t, f.do(t, http.MethodGet, "/_mock/health", ""), 200)
	wantNoContent(t, f.do(t, http.MethodDelete, "/_mock/faults", ""))
	wantStatus(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""), 200)
	if r := f.do(t, http.MethodGet, "/_mock/faults", ""); string(r.body) != "[]" {
		t.Fatalf("listed after DELETE: %s", r.body)
	}
}

func TestAdmin_settings(t *testing.T) {
	f := newFixture(t, Options{PendingOnCreate: true}, ExampleRequest())
	r := f.do(t, http.MethodGet, "/_mock/settings", "")
	wantStatus(t, r, 200)
	if want := `{"latency_ms":0,"put_no_content":false,"executing_polls":0,"pending_on_create":true,"policy_routes":"policies"}`; string(r.body) != want {
		t.Fatalf("initial:\n want %s\n got  %s", want, r.body)
	}
	r = f.do(t, http.MethodPut, "/_mock/settings", `{"latency_ms":50,"put_no_content":true}`)
	wantStatus(t, r, 200)
	if want := `{"latency_ms":50,"put_no_content":true,"executing_polls":0,"pending_on_create":true,"policy_routes":"policies"}`; string(r.body) != want {
		t.Fatalf("after PUT:\n want %s\n got  %s", want, r.body)
	}
	r = f.do(t, http.MethodPut, "/_mock/settings", `{"executing_polls":2,"pending_on_create":false}`)
	if want := `{"latency_ms":50,"put_no_content":true,"executing_polls":2,"pending_on_create":false,"policy_routes":"policies"}`; string(r.body) != want {
		t.Fatalf("after second PUT:\n want %s\n got  %s", want, r.body)
	}
	// The settings act on the API.
	start := time.Now()
	wantNoContent(t, f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`))
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("answered after %v, want at least 50ms", d)
	}
	if got, _ := f.Request(exampleID); got.Status != mimcm.StatusExecuting {
		t.Fatalf("want Executing, got %s", got.Status)
	}

	// Reset restores the settings from Options and empties everything.
	f.AddFault(Fault{Status: 500})
	wantNoContent(t, f.do(t, http.MethodPost, "/_mock/reset", ""))
	r = f.do(t, http.MethodGet, "/_mock/settings", "")
	if want := `{"latency_ms":0,"put_no_content":false,"executing_polls":0,"pending_on_create":true,"policy_routes":"policies"}`; string(r.body) != want {
		t.Fatalf("after reset:\n want %s\n got  %s", want, r.body)
	}
	if n := len(f.Requests()); n != 0 {
		t.Fatalf("after reset: %d requests", n)
	}
	wantNoContent(t, f.do(t, http.MethodGet, base+"/requests", ""))
	if got := f.Counts()["total"]; got != 1 {
		t.Fatalf("after reset: want only the call since, got %d", got)
	}
}
