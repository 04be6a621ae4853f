package mimcm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	createdID       GUID = "c4ea7ed0-0000-4000-8000-000000000001"
	createTemplate  GUID = "7e3fa1a7-0000-4000-8000-0000000000aa"
	createTarget    GUID = "7a49e700-0000-4000-8000-0000000000bb"
	createSmartcard GUID = "5ca4dca4-0000-4000-8000-0000000000cc"
	createComment        = "VPN for the field team"
)

// createInput is the input the create tests send unless they say otherwise.
func createInput() CreateRequestInput {
	return CreateRequestInput{
		ProfileTemplate: createTemplate, Type: RequestTypeEnroll, Comment: createComment,
		DataCollection: map[string]string{"Reason": "VPN"},
	}
}

// listed is a request as the create tests' server lists it.
type listed struct {
	id, template, target GUID
	comment              string
	typ                  int
	submitted            time.Time // zero: sent as DateTime.MinValue
	status               Status    // zero: Pending
}

func (l listed) json() string {
	submitted := DotNetMinValue
	if !l.submitted.IsZero() {
		submitted = l.submitted.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	status := l.status
	if status == 0 {
		status = StatusPending
	}
	return fmt.Sprintf(`{"Uuid":%q,"RequestType":%d,"Status":%d,"ProfileTemplateUuid":%q,"TargetUserUuid":%q,"Comment":%q,"Submitted":%q,"Completed":%q,"SecurityDescriptor":"O:SY\u0000","DataCollection":[{"Name":"Reason","Value":"VPN"}]}`,
		l.id, l.typ, int(status), l.template, l.target, l.comment, submitted, DotNetMinValue)
}

// matching is a request that matches createInput, submitted now.
func matching(id GUID) listed {
	return listed{id: id, template: createTemplate, target: createTarget, comment: createComment, typ: 1, submitted: time.Now()}
}

// cmServer is a CM server for the create tests: it lists the requests it holds on GET /requests,
// and answers the n-th POST (from 1) with post, which may add a request first.
type cmServer struct {
	mu       sync.Mutex
	requests []listed
	post     func(s *cmServer, w http.ResponseWriter, n int)
	posts    atomic.Int32
	// listStatus, when set, is the status GET /requests answers with, and no list.
	listStatus int
}

func (s *cmServer) add(l listed) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, l)
}

func (s *cmServer) start(t *testing.T) (*httptest.Server, *callLog) {
	t.Helper()
	return handlerServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == DefaultBasePath+"/requests":
			s.post(s, w, int(s.posts.Add(1)))
		case r.Method == http.MethodGet && r.URL.Path == DefaultBasePath+"/requests" && s.listStatus != 0:
			jsonReply(s.listStatus, `{"Message":"Access denied."}`).write(t, w)
		case r.Method == http.MethodGet && r.URL.Path == DefaultBasePath+"/requests":
			s.mu.Lock()
			items := make([]string, len(s.requests))
			for i, l := range s.requests {
				items[i] = l.json()
			}
			s.mu.Unlock()
			jsonReply(200, "["+strings.Join(items, ",")+"]").write(t, w)
		default:
			t.Errorf("unexpected call %s %s", r.Method, r.URL)
			w.WriteHeader(404)
		}
	})
}

// created answers a POST with 201 and the new request's URI, as the reference does.
func created(s *cmServer, w http.ResponseWriter, _ int) {
	s.add(matching(createdID))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(201)
	fmt.Fprintf(w, `"api/v1.0/requests/%s"`, createdID)
}

func TestCreateRequest_body(t *testing.T) {
	priority := 4
	tests := []struct {
		name string
		in   CreateRequestInput
		want string
	}{
		{
			name: "required only: datacollection and comment sent empty",
			in:   CreateRequestInput{ProfileTemplate: createTemplate, Type: RequestTypeEnroll},
			want: `{"profiletemplateuuid":"` + string(createTemplate) + `","datacollection":[],"type":"Enroll","comment":""}`,
		},
		{
			name: "every field, in canonical form, items in name order",
			in: CreateRequestInput{
				ProfileTemplate: GUID(strings.ToUpper(string(createTemplate))), Type: "temporarycards",
				Target: GUID(strings.ToUpper(string(createTarget))), Comment: "for Eve",
				DataCollection: map[string]string{"Zone": "B", "Badge": "12", "Reason": "lost card"},
				Priority:       &priority, Smartcard: createSmartcard,
			},
			want: `{"profiletemplateuuid":"` + string(createTemplate) + `","datacollection":[{"Badge":"12"},{"Reason":"lost card"},{"Zone":"B"}],` +
				`"type":"TemporaryCards","comment":"for Eve","target":"` + string(createTarget) + `","priority":4,"smartcard":"` + string(createSmartcard) + `"}`,
		},
		{
			name: "a zero target and priority 0",
			in:   CreateRequestInput{ProfileTemplate: createTemplate, Type: RequestTypeUnblock, Target: ZeroGUID, Priority: new(int)},
			want: `{"profiletemplateuuid":"` + string(createTemplate) + `","datacollection":[],"type":"Unblock","comment":"","priority":0}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &cmServer{post: created}
			srv, calls := s.start(t)
			got, err := newTestClient(t, srv.URL).CreateRequest(context.Background(), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if *got != (CreatedRequest{ID: createdID, Attempts: 1}) {
				t.Errorf("got %+v", got)
			}
			call := calls.all()[0]
			if call.Method != "POST" || call.Path != DefaultBasePath+"/requests" || call.RawQuery != "" {
				t.Errorf("sent %s %s?%s", call.Method, call.Path, call.RawQuery)
			}
			if call.Body != tc.want {
				t.Errorf("body\n got %s\nwant %s", call.Body, tc.want)
			}
			if ct := call.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if calls.count() != 1 {
				t.Errorf("server saw %q, want one POST", calls.methods())
			}
		})
	}
}

func TestCreateRequest_badInput(t *testing.T) {
	tests := map[string]struct {
		edit func(*CreateRequestInput)
		want string
	}{
		"no template":        {func(in *CreateRequestInput) { in.ProfileTemplate = "" }, "profile template: a profile template GUID is required"},
		"zero template":      {func(in *CreateRequestInput) { in.ProfileTemplate = ZeroGUID }, "all-zero GUID"},
		"malformed template": {func(in *CreateRequestInput) { in.ProfileTemplate = "nope" }, `profile template: "nope" is not a GUID`},
		"unknown type":       {func(in *CreateRequestInput) { in.Type = "Approve" }, `type: "Approve" is not a request type; want one of Enroll, Duplicate`},
		"malformed target":   {func(in *CreateRequestInput) { in.Target = "me" }, `target: "me" is not a GUID`},
		"malformed card":     {func(in *CreateRequestInput) { in.Smartcard = "card" }, `smartcard: "card" is not a GUID`},
		"empty item name":    {func(in *CreateRequestInput) { in.DataCollection = map[string]string{" ": "x"} }, "data collection: an item's name is empty"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv, calls := scriptedServer(t, reply{status: 500})
			in := createInput()
			tc.edit(&in)
			_, err := newTestClient(t, srv.URL).CreateRequest(context.Background(), in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to say %q", err, tc.want)
			}
			if calls.count() != 0 {
				t.Errorf("server saw %q for bad input", calls.methods())
			}
		})
	}
}

func TestCreateRequest_answerForms(t *testing.T) {
	upper := strings.ToUpper(string(createdID))
	tests := []struct {
		name     string
		status   int
		body     string
		location string
	}{
		{name: "reference: relative URI", status: 201, body: `"api/v1.0/requests/` + upper + `"`},
		{name: "walkthrough: with the base path", status: 201, body: `"/CertificateManagement/api/v1.0/requests/` + string(createdID) + `"`},
		{name: "absolute URL", status: 201, body: `"https://cm.contoso.com/CertificateManagement/api/v1.0/requests/` + string(createdID) + `"`},
		{name: "trailing slash", status: 201, body: `"api/v1.0/requests/` + string(createdID) + `/"`},
		{name: "bare GUID", status: 201, body: `"` + upper + `"`},
		{name: "200 and whitespace around", status: 200, body: " \"api/v1.0/requests/" + string(createdID) + "\"\n"},
		{name: "202 accepted too", status: 202, body: `"api/v1.0/requests/` + string(createdID) + `"`},
		{name: "empty body: Location", status: 201, location: "https://cm.contoso.com/CertificateManagement/api/v1.0/requests/" + upper},
		{name: "null body: relative Location", status: 201, body: "null", location: "api/v1.0/requests/" + string(createdID)},
		{name: "empty string: Location", status: 201, body: `""`, location: "/CertificateManagement/api/v1.0/requests/" + string(createdID) + "/"},
		{name: "204: Location", status: 204, location: "api/v1.0/requests/" + string(createdID)},
		{name: "body without a GUID: Location", status: 201, body: `"created"`, location: "api/v1.0/requests/" + string(createdID)},
		{name: "the body wins over Location", status: 201, body: `"api/v1.0/requests/` + string(createdID) + `"`, location: "api/v1.0/requests/" + string(exampleID)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := reply{status: tc.status, body: tc.body, header: map[string]string{"Content-Type": "application/json"}}
			if tc.location != "" {
				r.header["Location"] = tc.location
			}
			srv, calls := scriptedServer(t, r)
			got, err := newTestClient(t, srv.URL).CreateRequest(context.Background(), createInput())
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != createdID || got.Adopted || got.Attempts != 1 {
				t.Errorf("got %+v, want %s", got, createdID)
			}
			if calls.count() != 1 {
				t.Errorf("server saw %q, want one POST", calls.methods())
			}
		})
	}
}

func TestCreateRequest_undecodableAnswer(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct {
		name     string
		body     string
		location string
		want     []string
	}{
		{name: "empty", want: []string{"got an empty body and no Location header"}},
		{name: "null", body: "null", want: []string{"got the body null and no Location header"}},
		{name: "no GUID in the URI", body: `"api/v1.0/requests/"`, want: []string{`the URI "api/v1.0/requests/", in which the last path segment is not a GUID`}},
		{name: "the all-zero GUID", body: `"api/v1.0/requests/` + ZeroGUID + `"`, want: []string{"the GUID is the all-zero one"}},
		{name: "an object", body: `{"Uuid":"` + string(createdID) + `"}`, want: []string{`a body that is not a JSON string: "{\"Uuid\":`}},
		{name: "a page", body: "<html>" + long + "</html>", want: []string{`a body that is not a JSON string: "<html>xxx`, "… (313 bytes)"}},
		{name: "a long string", body: `"` + long + `"`, want: []string{`the URI "xxx`, "… (300 bytes)"}},
		{name: "bad Location too", body: `"created"`, location: "/requests/new", want: []string{
			`the URI "created", in which the last path segment is not a GUID and the Location header "/requests/new", in which the last path segment is not a GUID`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := reply{status: 201, body: tc.body, header: map[string]string{"Content-Type": "application/json"}}
			if tc.location != "" {
				r.header["Location"] = tc.location
			}
			srv, calls := scriptedServer(t, r)
			got, err := newTestClient(t, srv.URL).CreateRequest(context.Background(), createInput())
			if got != nil {
				t.Errorf("got %+v along with the error", got)
			}
			apiErr := asAPIError(t, err, ErrUndecodable)
			if apiErr.Method != "POST" || apiErr.StatusCode != 201 {
				t.Errorf("error = %+v, want the POST's 201", apiErr)
			}
			containsAll(t, "Error()", err.Error(), append(tc.want, "HTTP 201, so it has most likely created the request", "MIM CM portal", "terraform import")...)
			if strings.Contains(err.Error(), "check host and base_path") {
				t.Errorf("Error() sends the user to the configuration, yet the server created a request: %s", err)
			}
			if calls.count() != 1 {
				t.Errorf("server saw %q, want one POST", calls.methods())
			}
		})
	}
}

// TestCreateRequest_oversizedAnswer: a 2xx answer too large to read still means a created request.
func TestCreateRequest_oversizedAnswer(t *testing.T) {
	srv, _ := handlerServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Length", fmt.Sprint(maxBodyBytes+1))
		w.WriteHeader(201)
	})
	_, err := newTestClient(t, srv.URL).CreateRequest(context.Background(), createInput())
	apiErr := asAPIError(t, err, ErrUndecodable)
	if apiErr.StatusCode != 201 {
		t.Errorf("StatusCode = %d", apiErr.StatusCode)
	}
	containsAll(t, "Error()", err.Error(), "most likely created the request", "terraform import")
}

func TestCreateRequest_unknownOutcome(t *testing.T) {
	serverError := jsonReply(500, `{"Message":"An error has occurred. Correlation ID: `+exampleCorrelationID+`"}`)
	tests := []struct {
		name string
		// creates: the POST adds the new request before it answers.
		creates     bool
		answer      reply
		wantMethods string
		wantKind    error // nil: adopted
		wantInErr   []string
	}{
		{
			name: "answer lost after the server created it: adopted", creates: true,
			answer: reply{hijack: true}, wantMethods: "POST GET",
		},
		{
			name: "500 that hides a creation: adopted", creates: true,
			answer: serverError, wantMethods: "POST GET",
		},
		{
			name: "502 that hides a creation: adopted", creates: true,
			answer: jsonReply(502, `{"Message":"bad gateway"}`), wantMethods: "POST GET",
		},
		{
			name: "500 without a creation: not sent again", creates: false,
			answer: serverError, wantMethods: "POST GET", wantKind: ErrCreateOutcomeUnknown,
			wantInErr: []string{
				"POST " + DefaultBasePath + "/requests: the server may or may not have created the request (HTTP 500)", exampleCorrelationID,
				"no request of profile template " + string(createTemplate) + ", type Enroll and the same comment was found among the caller's requests submitted since",
				"less 5m0s for clocks that differ", "Look for the request in the MIM CM portal: if it exists, import it with terraform import; otherwise run apply again",
			},
		},
		{
			name: "answer lost without a creation: not sent again", creates: false,
			answer: reply{hijack: true}, wantMethods: "POST GET", wantKind: ErrCreateOutcomeUnknown,
			wantInErr: []string{"the server may or may not have created the request. Cause: Post ", "EOF; no request of", "terraform import"},
		},
		{
			name: "504 without a creation: not sent again", creates: false,
			answer: jsonReply(504, `{"Message":"gateway timeout"}`), wantMethods: "POST GET", wantKind: ErrCreateOutcomeUnknown,
			wantInErr: []string{"(HTTP 504)", "gateway timeout", "no request of profile template"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &cmServer{post: func(s *cmServer, w http.ResponseWriter, _ int) {
				if tc.creates {
					s.add(matching(createdID))
				}
				tc.answer.write(t, w)
			}}
			s.add(listed{id: exampleID, template: createTemplate, comment: createComment, typ: 1, submitted: time.Now().Add(-time.Hour)})
			srv, calls := s.start(t)
			c := newTestClient(t, srv.URL)
			withFakeClock(c) // a client that retried 502s would not take the whole window to fail
			got, err := c.CreateRequest(context.Background(), createInput())
			if calls.methods() != tc.wantMethods {
				t.Errorf("server saw %q, want %q", calls.methods(), tc.wantMethods)
			}
			if list := calls.all()[1]; list.Path != DefaultBasePath+"/requests" || list.RawQuery != "targetuser=current" {
				t.Errorf("looked with GET %s?%s, want the caller's requests", list.Path, list.RawQuery)
			}
			if tc.wantKind == nil {
				if err != nil {
					t.Fatal(err)
				}
				if *got != (CreatedRequest{ID: createdID, Adopted: true, Attempts: 1}) {
					t.Errorf("got %+v, want %s adopted after one POST", got, createdID)
				}
				return
			}
			if got != nil {
				t.Errorf("got %+v along with the error", got)
			}
			apiErr := asAPIError(t, err, tc.wantKind)
			if apiErr.Method != "POST" || apiErr.Attempts != 1 {
				t.Errorf("error = %+v, want the POST's after 1 attempt", apiErr)
			}
			containsAll(t, "Error()", err.Error(), tc.wantInErr...)
		})
	}
}

func TestCreateRequest_refusedBeforeActingIsSentAgain(t *testing.T) {
	for _, status := range []int{429, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			s := &cmServer{post: func(s *cmServer, w http.ResponseWriter, n int) {
				if n == 1 {
					jsonReply(status, `{"Message":"busy"}`).write(t, w)
					return
				}
				created(s, w, n)
			}}
			srv, calls := s.start(t)
			got, err := newTestClient(t, srv.URL).CreateRequest(context.Background(), createInput())
			if err != nil {
				t.Fatal(err)
			}
			if *got != (CreatedRequest{ID: createdID, Attempts: 2}) {
				t.Errorf("got %+v", got)
			}
			if calls.methods() != "POST POST" {
				t.Errorf("server saw %q, want the POST sent again without a search", calls.methods())
			}
		})
	}
}

// TestCreateRequest_nothingSentIsSentAgain: a connection that could not be made carried no POST.
func TestCreateRequest_nothingSentIsSentAgain(t *testing.T) {
	s := &cmServer{post: created}
	srv, calls := s.start(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusing := closed.Addr().String()
	closed.Close()
	c := newTestClient(t, srv.URL)
	var dials atomic.Int32
	c.http.Transport = &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			addr = refusing
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	got, err := c.CreateRequest(context.Background(), createInput())
	if err != nil {
		t.Fatal(err)
	}
	if *got != (CreatedRequest{ID: createdID, Attempts: 2}) {
		t.Errorf("got %+v, want the second attempt's request", got)
	}
	if dials.Load() != 2 || calls.methods() != "POST" {
		t.Errorf("%d dials, server saw %q; want 2 dials and one POST", dials.Load(), calls.methods())
	}
}

func TestCreateRequest_ambiguous(t *testing.T) {
	for _, n := range []int{2, 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := &cmServer{post: func(_ *cmServer, w http.ResponseWriter, _ int) { reply{hijack: true}.write(t, w) }}
			base := time.Now()
			var want []GUID
			for i := n - 1; i >= 0; i-- { // listed newest first, named oldest first
				l := matching(GUID(fmt.Sprintf("a0b1c2d3-0000-4000-8000-%012d", i)))
				l.submitted = base.Add(time.Duration(i) * time.Second)
				s.add(l)
				want = append([]GUID{l.id}, want...)
			}
			srv, calls := s.start(t)
			_, err := newTestClient(t, srv.URL).CreateRequest(context.Background(), createInput())
			apiErr := asAPIError(t, err, ErrAmbiguousCreate)
			var amb *AmbiguousCreateError
			if !errors.As(err, &amb) {
				t.Fatalf("err = %v, want an *AmbiguousCreateError", err)
			}
			if fmt.Sprint(amb.Candidates) != fmt.Sprint(want) {
				t.Errorf("candidates %v, want %v", amb.Candidates, want)
			}
			if apiErr.Method != "POST" || calls.methods() != "POST GET" {
				t.Errorf("error from %s, server saw %q", apiErr.Method, calls.methods())
			}
			msg := err.Error()
			containsAll(t, "Error()", msg, fmt.Sprintf("%d requests match what was sent", n), string(want[0]), string(want[1]),
				"Import the right one with terraform import, and cancel the others in the MIM CM portal")
			if n > maxCandidatesShown {
				containsAll(t, "Error()", msg, string(want[maxCandidatesShown-1])+fmt.Sprintf(" and %d more", n-maxCandidatesShown))
				if strings.Contains(msg, string(want[maxCandidatesShown])) {
					t.Errorf("Error() names more than %d candidates: %s", maxCandidatesShown, msg)
				}
			}
		})
	}
}

func TestCreateRequest_matchRules(t *testing.T) {
	const other GUID = "0be00000-0000-4000-8000-000000000000"
	now := time.Now()
	tests := []struct {
		name    string
		edit    func(*CreateRequestInput)
		request listed
		adopted bool
	}{
		{name: "the same", request: matching(createdID), adopted: true},
		{name: "GUIDs in upper case", adopted: true,
			request: listed{id: GUID(strings.ToUpper(string(createdID))), template: GUID(strings.ToUpper(string(createTemplate))), comment: createComment, typ: 1, submitted: now}},
		{name: "submitted within the clock skew", adopted: true,
			request: listed{id: createdID, template: createTemplate, comment: createComment, typ: 1, submitted: now.Add(-createClockSkew + time.Minute)}},
		{name: "a type without a confirmed number: any number", adopted: true,
			edit:    func(in *CreateRequestInput) { in.Type = RequestTypeRenew },
			request: listed{id: createdID, template: createTemplate, comment: createComment, typ: 42, submitted: now}},
		{name: "the target given", adopted: true,
			edit:    func(in *CreateRequestInput) { in.Target = createTarget },
			request: matching(createdID)},
		{name: "another template",
			request: listed{id: createdID, template: other, comment: createComment, typ: 1, submitted: now}},
		{name: "another comment",
			request: listed{id: createdID, template: createTemplate, comment: createComment + ".", typ: 1, submitted: now}},
		{name: "another target",
			edit:    func(in *CreateRequestInput) { in.Target = createTarget },
			request: listed{id: createdID, template: createTemplate, target: other, comment: createComment, typ: 1, submitted: now}},
		{name: "another confirmed type",
			request: listed{id: createdID, template: createTemplate, comment: createComment, typ: 5, submitted: now}},
		{name: "submitted before the POST, beyond the skew",
			request: listed{id: createdID, template: createTemplate, comment: createComment, typ: 1, submitted: now.Add(-createClockSkew - time.Minute)}},
		{name: "never submitted",
			request: listed{id: createdID, template: createTemplate, comment: createComment, typ: 1}},
		{name: "no Uuid",
			request: listed{id: ZeroGUID, template: createTemplate, comment: createComment, typ: 1, submitted: now}},
		{name: "approved at once", adopted: true,
			request: listed{id: createdID, template: createTemplate, comment: createComment, typ: 1, submitted: now, status: StatusApproved}},
		{name: "already denied: an earlier request",
			request: listed{id: createdID, template: createTemplate, comment: createComment, typ: 1, submitted: now, status: StatusDenied}},
		{name: "already completed: an earlier request",
			request: listed{id: createdID, template: createTemplate, comment: createComment, typ: 1, submitted: now, status: StatusCompleted}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &cmServer{post: func(_ *cmServer, w http.ResponseWriter, _ int) {
				jsonReply(500, `{"Message":"An error has occurred."}`).write(t, w)
			}}
			s.add(tc.request)
			srv, calls := s.start(t)
			in := createInput()
			if tc.edit != nil {
				tc.edit(&in)
			}
			got, err := newTestClient(t, srv.URL).CreateRequest(context.Background(), in)
			wantQuery := "targetuser=current"
			if !in.Target.IsZero() {
				wantQuery = ""
			}
			if list := calls.all()[1]; list.RawQuery != wantQuery {
				t.Errorf("looked with ?%s, want ?%s", list.RawQuery, wantQuery)
			}
			if calls.methods() != "POST GET" {
				t.Errorf("server saw %q", calls.methods())
			}
			if !tc.adopted {
				_ = asAPIError(t, err, ErrCreateOutcomeUnknown)
				if !in.Target.IsZero() {
					containsAll(t, "Error()", err.Error(), "among the requests of target user "+string(createTarget))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != createdID || !got.Adopted {
				t.Errorf("got %+v, want %s adopted", got, createdID)
			}
		})
	}
}

func TestCreateRequest_searchFails(t *testing.T) {
	s := &cmServer{post: func(_ *cmServer, w http.ResponseWriter, _ int) { reply{hijack: true}.write(t, w) }, listStatus: 403}
	srv, calls := s.start(t)
	_, err := newTestClient(t, srv.URL).CreateRequest(context.Background(), createInput())
	apiErr := asAPIError(t, err, ErrCreateOutcomeUnknown)
	if apiErr.Method != "POST" || calls.methods() != "POST GET" {
		t.Errorf("error from %s, server saw %q", apiErr.Method, calls.methods())
	}
	if !errors.Is(err, ErrForbidden) {
		t.Errorf("the search's 403 is not among the causes: %v", err)
	}
	containsAll(t, "Error()", err.Error(), "the server may or may not have created the request. Cause: ", "looking for a request of profile template",
		"failed: GET "+DefaultBasePath+"/requests: forbidden (HTTP 403)", "Access denied.", "profile template in MIM CM. Look for the request", "terraform import")
}

// TestCreateRequest_endedBeforeSearch: an operation interrupted while the POST was under way leaves
// no time to look for the request: its outcome is unknown all the same.
func TestCreateRequest_endedBeforeSearch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &cmServer{post: func(s *cmServer, w http.ResponseWriter, _ int) {
		s.add(matching(createdID))
		cancel()
		reply{hijack: true}.write(t, w)
	}}
	srv, calls := s.start(t)
	_, err := newTestClient(t, srv.URL).CreateRequest(ctx, createInput())
	_ = asAPIError(t, err, ErrCreateOutcomeUnknown)
	containsAll(t, "Error()", err.Error(), "the operation was interrupted", "the server may or may not have created the request. Cause: ", "the call ended before the client could look for the request", "terraform import")
	if calls.methods() != "POST" {
		t.Errorf("server saw %q, want one POST", calls.methods())
	}
}
