package mockapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// The fuzz targets below run their seeds (f.Add and testdata/fuzz/<name>/)
// in every `go test`; `go test -run='^$' -fuzz='^FuzzName$' ./internal/mockapi`
// searches for new inputs. They send what a confused or hostile client
// could send through the whole handler (httptest.NewRecorder, no network)
// and check that the mock never panics, never answers 2xx to garbage, and
// always explains a refusal with a JSON {"Message": ...} body.

// fuzzServer is a fresh mock per input, so that no input changes what the
// next one meets (settings, faults, the store): the reference request,
// Approved, under exampleID, and the example profile templates.
func fuzzServer() *Server {
	s := New(Options{Now: func() time.Time { return t0 }})
	s.Seed(requestWith(exampleID, mimcm.StatusApproved))
	if err := s.SeedProfileTemplates(ExampleProfileTemplates()...); err != nil {
		panic(err)
	}
	return s
}

// fuzzCall sends one call through the handler. target is a path with an
// optional query; it is used as it is, without URL parsing, as a server
// hands the decoded path to its handler.
func fuzzCall(s *Server, method, target string, body []byte) *httptest.ResponseRecorder {
	if method == "" {
		method = http.MethodGet
	}
	p, q, _ := strings.Cut(target, "?")
	r := &http.Request{
		Method:        method,
		URL:           &url.URL{Path: p, RawQuery: q},
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Host:          "mimcm.test",
		RemoteAddr:    "192.0.2.1:50000",
		RequestURI:    target,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// checkAnswer checks what every answer of the mock must be: a body only
// where HTTP allows one, always JSON, and a {"Message": ...} that says
// why for every refusal.
func checkAnswer(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	body := w.Body.Bytes()
	if w.Code < 200 || w.Code > 599 {
		t.Fatalf("%s: status %d", what, w.Code)
	}
	if w.Code == http.StatusNoContent || w.Code == http.StatusNotModified {
		if len(body) != 0 {
			t.Fatalf("%s: %d with a body: %q", what, w.Code, body)
		}
		return
	}
	if len(body) == 0 {
		if w.Code >= 400 {
			t.Fatalf("%s: %d without a body", what, w.Code)
		}
		return
	}
	if ct := w.Header().Get("Content-Type"); ct != contentTypeJSON {
		t.Fatalf("%s: %d with Content-Type %q, want %q", what, w.Code, ct, contentTypeJSON)
	}
	if !json.Valid(body) {
		t.Fatalf("%s: %d with a body that is not JSON: %q", what, w.Code, body)
	}
	if w.Code >= 300 {
		var m struct{ Message *string }
		if err := json.Unmarshal(body, &m); err != nil || m.Message == nil || strings.TrimSpace(*m.Message) == "" {
			t.Fatalf("%s: %d with body %s, want {\"Message\": why}", what, w.Code, body)
		}
	}
}

func is2xx(code int) bool { return code >= 200 && code < 300 }

// looksLikeGUID is an oracle independent of parseRouteGUID: the forms
// .NET's Guid.Parse takes from a URL, 32 hexadecimal digits with or
// without hyphens, optionally in braces or parentheses.
func looksLikeGUID(s string) bool {
	if len(s) >= 2 && (s[0] == '{' && s[len(s)-1] == '}' || s[0] == '(' && s[len(s)-1] == ')') {
		s = s[1 : len(s)-1]
	}
	if len(s) == 36 {
		for _, i := range []int{8, 13, 18, 23} {
			if s[i] != '-' {
				return false
			}
		}
		s = strings.ReplaceAll(s, "-", "")
	}
	if len(s) != 32 {
		return false
	}
	for _, c := range []byte(s) {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
			return false
		}
	}
	return true
}

// namesDesiredStatus is an oracle for a PUT body worth a 2xx: a JSON
// object holding, somewhere among its values, a status a request can be
// set to.
func namesDesiredStatus(body []byte) bool {
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		return false
	}
	for k, v := range obj {
		name, ok := v.(string)
		if !ok || !strings.EqualFold(k, "status") {
			continue
		}
		for _, d := range []string{"Completed", "Canceled", "Abandoned"} {
			if strings.EqualFold(name, d) {
				return true
			}
		}
	}
	return false
}

// FuzzParseAPIRoute checks the route parser on its own: an item route
// always has its segment, and its GUID, when it has one, is lower case and
// names the segment.
func FuzzParseAPIRoute(f *testing.F) {
	for _, s := range []string{
		"/requests", "/Requests/", "/requests/" + exampleID, "/REQUESTS/{" + strings.ToUpper(exampleID) + "}",
		"/requests/a9b4b42ccc504c9b89d1bbc0bcd5a099", "/requests/x", "/requests//", "/requests/a/b", "", "/", "//requests",
		"/profiletemplates", "/ProfileTemplates/" + exampleID, "/profiletemplates/x/policies/enroll", "/profiletemplates/" + exampleID + "/POLICY/workflow/Unblock/",
		"/profiletemplates//policies/enroll", "/profiletemplates/" + exampleID + "/policies", "/profiletemplates/" + exampleID + "/policy/enroll",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rest string) {
		r := parseAPIRoute(rest)
		switch r.kind {
		case routeUnknown, routeCollection, routeTemplates:
			if r.idText != "" || r.id != "" || r.templateText != "" || r.template != "" || r.policyText != "" {
				t.Errorf("parseAPIRoute(%q) = %+v: only an item route has an id", rest, r)
			}
		case routeTemplate, routePolicies, routeWorkflow:
			if r.idText != "" || r.id != "" {
				t.Errorf("parseAPIRoute(%q) = %+v: a template route names no request", rest, r)
			}
			if r.templateText == "" || strings.Contains(r.templateText, "/") || (r.kind == routeTemplate) != (r.policyText == "") || strings.Contains(r.policyText, "/") {
				t.Errorf("parseAPIRoute(%q) = %+v: want one non-empty template segment, and a policy segment on the policy routes", rest, r)
			}
			if r.template != "" && !looksLikeGUID(r.templateText) {
				t.Errorf("parseAPIRoute(%q) = %+v: a GUID from a segment that is none", rest, r)
			}
		case routeItem:
			if r.idText == "" || strings.Contains(r.idText, "/") {
				t.Errorf("parseAPIRoute(%q) = %+v: want one non-empty id segment", rest, r)
			}
			if r.id != "" {
				if g, err := mimcm.ParseGUID(string(r.id)); err != nil || g != r.id {
					t.Errorf("parseAPIRoute(%q) = %+v: id is not a lower-case GUID", rest, r)
				}
				if !looksLikeGUID(r.idText) {
					t.Errorf("parseAPIRoute(%q) = %+v: a GUID from a segment that is none", rest, r)
				}
				if hex := strings.ReplaceAll(string(r.id), "-", ""); !strings.Contains(strings.ToLower(r.idText), hex[:8]) {
					t.Errorf("parseAPIRoute(%q) = %+v: the GUID is not the segment's", rest, r)
				}
			}
		default:
			t.Errorf("parseAPIRoute(%q): unknown kind %d", rest, r.kind)
		}
	})
}

// FuzzServeAPI sends any method, path, query and body: a 2xx comes only
// from a route that exists, about a GUID when the route names one.
func FuzzServeAPI(f *testing.F) {
	f.Add("GET", base+"/requests/"+exampleID, []byte(nil))
	f.Add("GET", strings.ToLower(base)+"/requests/{"+strings.ToUpper(exampleID)+"}/", []byte(nil))
	f.Add("GET", base+"/requests?status=Approved&TargetUser=current", []byte(nil))
	f.Add("GET", base+"/requests?status=Abandoned", []byte(nil))
	f.Add("GET", base+"/requests?targetuser=someone&status", []byte(nil))
	f.Add("PUT", base+"/requests/"+exampleID, []byte(`{"status":"Completed"}`))
	f.Add("PUT", base+"/requests/not-a-guid", []byte(`{"status":"Completed"}`))
	f.Add("POST", base+"/requests", []byte(`{"profiletemplateuuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3","datacollection":"[]","type":"Enroll","comment":""}`))
	f.Add("DELETE", base+"/requests/"+exampleID, []byte(nil))
	f.Add("GET", base+"/requests/"+exampleID+"/status", []byte(nil))
	f.Add("GET", "/CertificateManagementX/api/v1.0/requests", []byte(nil))
	f.Add("GET", "/_mock/health", []byte(nil))
	f.Add("PUT", "/_mock/settings", []byte(`{"latency_ms":5}`))
	f.Add("PATCH", "/_mock/requests/"+exampleID, []byte(`{"Status":17}`))
	f.Add("GET", base+"/profiletemplates?targetuser=current", []byte(nil))
	f.Add("GET", base+"/profiletemplates?targetuser=someone", []byte(nil))
	f.Add("GET", base+"/ProfileTemplates/"+strings.ToUpper(string(ExampleVPNUserTemplateID)), []byte(nil))
	f.Add("GET", base+"/profiletemplates/"+string(ExampleVPNUserTemplateID)+"/policies/ENROLL", []byte(nil))
	f.Add("GET", base+"/profiletemplates/"+string(ExampleVPNUserTemplateID)+"/policies/3f7c9a10-2b4e-4d6f-8a1c-5e7b9d1f3b11", []byte(nil))
	f.Add("GET", base+"/profiletemplates/"+string(ExampleVPNUserTemplateID)+"/policy/workflow/enroll", []byte(nil))
	f.Add("POST", base+"/profiletemplates/"+string(ExampleVPNUserTemplateID)+"/policies/enroll", []byte(`{}`))
	f.Add("POST", "/_mock/requests/"+exampleID+"/approve", []byte(nil))
	f.Fuzz(func(t *testing.T, method, target string, body []byte) {
		w := fuzzCall(fuzzServer(), method, target, body)
		what := method + " " + target
		checkAnswer(t, what, w)
		if !is2xx(w.Code) {
			return
		}
		p, _, _ := strings.Cut(target, "?")
		if _, ok := cutPathPrefix(p, adminPrefix); ok {
			return // the admin routes have targets of their own
		}
		rest, ok := cutPathPrefix(p, base)
		if !ok {
			t.Fatalf("%s: %d outside the base path", what, w.Code)
		}
		segs := strings.Split(strings.Trim(strings.TrimSuffix(rest, "/"), "/"), "/")
		switch {
		case len(segs) == 1 && strings.EqualFold(segs[0], "requests"):
			if method == http.MethodPost && json.Unmarshal(body, new(map[string]any)) != nil {
				t.Fatalf("%s: %d for a body that is not a JSON object: %q", what, w.Code, body)
			}
		case len(segs) == 2 && strings.EqualFold(segs[0], "requests"):
			if !looksLikeGUID(segs[1]) {
				t.Fatalf("%s: %d for an id that is not a GUID", what, w.Code)
			}
			if method == http.MethodPut && !namesDesiredStatus(body) {
				t.Fatalf("%s: %d for a body that names no status: %q", what, w.Code, body)
			}
		case strings.EqualFold(segs[0], "profiletemplates"):
			checkTemplateRoute(t, what, method, segs)
		default:
			t.Fatalf("%s: %d for a route the API does not have", what, w.Code)
		}
	})
}

// checkTemplateRoute is FuzzServeAPI's oracle for a 2xx on a profile
// template route: GET only, a GUID for the template, and no
// policy/workflow/{type} (the default PolicyRoutes does not serve it).
func checkTemplateRoute(t *testing.T, what, method string, segs []string) {
	t.Helper()
	if method != http.MethodGet {
		t.Fatalf("%s: a 2xx for a method the profile template routes lack", what)
	}
	switch {
	case len(segs) == 1:
		return
	case !looksLikeGUID(segs[1]):
		t.Fatalf("%s: a 2xx for a template id that is not a GUID", what)
	case len(segs) == 2:
	case len(segs) == 4 && strings.EqualFold(segs[2], "policies"):
	default:
		t.Fatalf("%s: a 2xx for a route the API does not have (or the mock does not serve)", what)
	}
}

// FuzzPutStatusBody sends any body to PUT /requests/{id} of an Approved
// request: only a body naming Completed, Canceled or Abandoned succeeds,
// and then the request is in a final status.
func FuzzPutStatusBody(f *testing.F) {
	for _, b := range []string{
		`{"status":"Completed"}`, `{"Status":"canceled"}`, `{"STATUS":"Abandoned"}`, `{"status":"Failed"}`,
		`{"status":8}`, `{"status":null}`, `{}`, `[]`, `"Completed"`, ``, `{"status":"Completed"`,
		`{"status":"Completed"} {"status":"Canceled"}`, `{"status":"Completed","status":"Nope"}`, "\xef\xbb\xbf{\"status\":\"Completed\"}",
	} {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s := fuzzServer()
		w := fuzzCall(s, http.MethodPut, base+"/requests/"+exampleID, body)
		checkAnswer(t, "PUT "+string(body), w)
		if !is2xx(w.Code) {
			if got, _ := s.Request(exampleID); got.Status != mimcm.StatusApproved {
				t.Fatalf("PUT %q answered %d but changed the request to %s", body, w.Code, got.Status)
			}
			return
		}
		if !namesDesiredStatus(body) {
			t.Fatalf("PUT %q: %d for a body that names no status", body, w.Code)
		}
		got, _ := s.Request(exampleID)
		switch got.Status {
		case mimcm.StatusCompleted, mimcm.StatusCanceled, mimcm.StatusFailed:
		default:
			t.Fatalf("PUT %q: %d, but the request is %s", body, w.Code, got.Status)
		}
	})
}

// FuzzCreateBody sends any body to POST /requests of a mock holding the
// example profile templates: a 201 names a new request that a GET then
// returns, for a template the mock holds (or none, for a smart card), whose
// status its workflow policy explains.
func FuzzCreateBody(f *testing.F) {
	vpn, card, virtual := string(ExampleVPNUserTemplateID), string(ExampleSmartCardLogonTemplateID), string(ExampleVirtualSmartCardTemplateID)
	for _, b := range []string{
		`{"profiletemplateuuid":"` + card + `","datacollection":"[]","target":"","type":"Enroll","comment":"","priority":1}`,
		`{"ProfileTemplateUuid":"` + strings.ToUpper(card) + `","DataCollection":[{"name":"a","value":null}],"Type":5,"Comment":"x"}`,
		`{"profiletemplateuuid":"` + vpn + `","datacollection":[{"Reason":"VPN"},{"Department":"IT"}],"type":"enroll","comment":"","priority":"4"}`,
		`{"profiletemplateuuid":"` + vpn + `","datacollection":"[{\u201cReason\u201d:\u201cVPN\u201d}]","type":"Enroll","comment":""}`,
		`{"profiletemplateuuid":"` + vpn + `","datacollection":[{"Department":"IT"}],"type":"Enroll","comment":""}`,
		`{"profiletemplateuuid":"` + vpn + `","datacollection":"","type":"Retire","comment":""}`,
		`{"profiletemplateuuid":"` + virtual + `","datacollection":[],"type":"Renew","comment":""}`,
		`{"profiletemplateuuid":"` + virtual + `","datacollection":[],"type":"TemporaryCards","comment":"","priority":4.5}`,
		`{"smartcard":"17cf063d-e337-4aa9-a822-346554ddd3c9","datacollection":[],"type":"Unblock","comment":""}`,
		`{"profiletemplateuuid":"a039b4d0-5ce8-4eff-8651-181c6576fda4","datacollection":[],"type":"Renew","comment":""}`,
		`{"profiletemplateuuid":"nope","datacollection":[],"type":1,"comment":""}`,
		`{"profiletemplateuuid":"` + card + `","datacollection":"[{\"name\":1}]","type":"1","comment":""}`,
		`{}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s := fuzzServer()
		w := fuzzCall(s, http.MethodPost, base+"/requests", body)
		checkAnswer(t, "POST "+string(body), w)
		if !is2xx(w.Code) {
			if n := len(s.Requests()); n != 1 {
				t.Fatalf("POST %q answered %d but the mock holds %d requests", body, w.Code, n)
			}
			return
		}
		var in map[string]any
		if w.Code != http.StatusCreated || json.Unmarshal(body, &in) != nil {
			t.Fatalf("POST %q: %d", body, w.Code)
		}
		var uri string
		if err := json.Unmarshal(w.Body.Bytes(), &uri); err != nil {
			t.Fatalf("POST %q: 201 with %s, want a JSON string", body, w.Body)
		}
		id, err := mimcm.ParseGUID(uri[strings.LastIndex(uri, "/")+1:])
		if err != nil || w.Header().Get("Location") != "" {
			t.Fatalf("POST %q: 201 with %s and Location %q", body, w.Body, w.Header().Get("Location"))
		}
		got := fuzzCall(s, http.MethodGet, base+"/requests/"+string(id), nil)
		checkAnswer(t, "GET of the created request", got)
		var req mimcm.Request
		if got.Code != http.StatusOK || json.Unmarshal(got.Body.Bytes(), &req) != nil || req.Uuid != id {
			t.Fatalf("POST %q created %s, but GET answers %d %s", body, id, got.Code, got.Body)
		}
		tpl, held := s.ProfileTemplate(req.ProfileTemplateUuid)
		switch {
		case req.ProfileTemplateUuid == "" && !hasKeyFold(in, "smartcard"):
			t.Fatalf("POST %q created %s without a profile template", body, id)
		case req.ProfileTemplateUuid != "" && !held:
			t.Fatalf("POST %q created %s for profile template %s, which the mock does not hold", body, id, req.ProfileTemplateUuid)
		}
		rt, _ := RequestTypeForNumber(req.RequestType)
		policy, hasPolicy := tpl.Policies[rt]
		if hasPolicy && policy.Disabled {
			t.Fatalf("POST %q created %s under a disabled policy", body, id)
		}
		if want := map[bool]mimcm.Status{false: mimcm.StatusApproved, true: mimcm.StatusPending}[hasPolicy && policy.ApprovalsNeeded > 0]; req.Status != want {
			t.Fatalf("POST %q created %s %s, want %s (policy %+v)", body, id, req.Status, want, policy)
		}
		for i, it := range req.DataCollection {
			if strings.TrimSpace(it.Name) == "" {
				t.Fatalf("POST %q created %s with data collection item %d without a name", body, id, i+1)
			}
		}
	})
}

func hasKeyFold(m map[string]any, key string) bool {
	for k := range m {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// FuzzAdminFaultBody sends any body to POST /_mock/faults: a fault is
// added only from a valid one, and the API then answers with it.
func FuzzAdminFaultBody(f *testing.F) {
	for _, b := range []string{
		`{"status":503,"count":1,"retry_after":"2"}`, `{"status":500,"message":"boom"}`, `{"status":204}`, `{"status":304,"message":"x"}`,
		`{"status":200,"message":"not really"}`, `{"status":404}`, `{"status":401,"method":"get"}`,
		`{"status":429,"retry_after":"Wed, 21 Oct 2015 07:28:00 GMT","request_id":"` + strings.ToUpper(exampleID) + `"}`,
		`{"status":99}`, `{"status":500,"count":-1}`, `{"status":500,"retry_after":"soon"}`, `{"status":500,"method":"G T"}`,
		`{"status":500,"request_id":"x"}`, `{"status":500,"colour":"red"}`, `{"status":500}{}`, `null`, ``,
		`{"status":502,"after_apply":true}`, `{"drop_answer":true,"method":"GET"}`, `{"drop_answer":true,"message":"x"}`, `{"after_apply":true}`,
	} {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s := fuzzServer()
		w := fuzzCall(s, http.MethodPost, "/_mock/faults", body)
		checkAnswer(t, "POST /_mock/faults "+string(body), w)
		if !is2xx(w.Code) {
			if n := len(s.faultsSnapshot()); n != 0 {
				t.Fatalf("POST /_mock/faults %q answered %d but added %d faults", body, w.Code, n)
			}
			return
		}
		var in map[string]any
		if json.Unmarshal(body, &in) != nil {
			t.Fatalf("POST /_mock/faults %q: %d for a body that is not a JSON object", body, w.Code)
		}
		faults := s.faultsSnapshot()
		if len(faults) != 1 {
			t.Fatalf("POST /_mock/faults %q: %d, but %d faults are active", body, w.Code, len(faults))
		}
		fault := faults[0]
		id := fault.RequestID
		if id == "" {
			id = exampleID
		}
		method := fault.Method
		if method == "" {
			method = http.MethodGet
		}
		if fault.DropAnswer {
			checkDropped(t, fault, func() { fuzzCall(s, method, base+"/requests/"+string(id), nil) })
			return
		}
		got := fuzzCall(s, method, base+"/requests/"+string(id), nil)
		checkAnswer(t, "the faulted call", got)
		if got.Code != fault.Status {
			t.Fatalf("fault %+v: the API answered %d", fault, got.Code)
		}
	})
}

// checkDropped checks that call loses its answer: through a recorder, which
// cannot be hijacked, the mock aborts the handler as it does an HTTP/2 stream.
func checkDropped(t *testing.T, fault Fault, call func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Fatalf("fault %+v: want the answer dropped (http.ErrAbortHandler), recovered %v", fault, r)
		}
	}()
	call()
}

// faultsSnapshot returns the active faults.
func (s *Server) faultsSnapshot() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faultsLocked()
}

// FuzzAdminSeedBody sends any body to POST /_mock/requests: requests are
// stored only from wire-form JSON, and the API then serves each as the
// seed route answered it.
func FuzzAdminSeedBody(f *testing.F) {
	f.Add([]byte(referenceResponse))
	f.Add([]byte("\xef\xbb\xbf[" + referenceResponse + `,{"Uuid":"0B6A0F0E-5B7E-4A4E-9F5E-0C8F1D2E3A4B","Status":16}]`))
	for _, b := range []string{
		`{}`, `[]`, `[{}]`, `{"uuid":"` + strings.ToUpper(exampleID) + `","status":9,"SecurityDescriptor":"O:BA\u0000"}`,
		`[{"Uuid":"` + exampleID + `","Status":3},{"Uuid":"` + exampleID + `","Status":8}]`,
		`{"Uuid":"not-a-guid"}`, `{"Stauts":3}`, `{"Submitted":"yesterday"}`, `[1]`, `null`, `[null]`, ``, `{"Uuid":null}`,
	} {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s := New(Options{Now: func() time.Time { return t0 }})
		w := fuzzCall(s, http.MethodPost, "/_mock/requests", body)
		checkAnswer(t, "POST /_mock/requests "+string(body), w)
		if !is2xx(w.Code) {
			if n := len(s.Requests()); n != 0 {
				t.Fatalf("POST /_mock/requests %q answered %d but stored %d requests", body, w.Code, n)
			}
			return
		}
		var answered []json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &answered); err != nil {
			answered = []json.RawMessage{w.Body.Bytes()}
		}
		last := map[mimcm.GUID][]byte{}
		for _, raw := range answered {
			var r mimcm.Request
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatalf("POST /_mock/requests %q: 201 with %s, which is not requests: %v", body, w.Body, err)
			}
			if _, err := mimcm.ParseGUID(string(r.Uuid)); err != nil {
				t.Fatalf("POST /_mock/requests %q stored a request without a GUID: %s", body, raw)
			}
			last[r.Uuid] = raw
		}
		for id, want := range last {
			got := fuzzCall(s, http.MethodGet, base+"/requests/"+string(id), nil)
			checkAnswer(t, "GET of a seeded request", got)
			if got.Code != http.StatusOK || !bytes.Equal(got.Body.Bytes(), want) {
				t.Fatalf("POST /_mock/requests %q stored %s, but GET answers %d %s", body, want, got.Code, got.Body)
			}
		}
	})
}
