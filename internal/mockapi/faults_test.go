package mockapi

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// statuses returns the status of each call in the log.
func (f *fixture) statuses() []int {
	var out []int
	for _, c := range f.Calls() {
		out = append(out, c.Status)
	}
	return out
}

func TestFault_countAndRetryAfter(t *testing.T) {
	f := newFixture(t, Options{}, ExampleRequest())
	f.AddFault(Fault{Status: 503, Count: 2, RetryAfter: "1"})
	for i := range 2 {
		r := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "")
		wantStatus(t, r, 503)
		wantJSONType(t, r)
		if got := r.header.Values("Retry-After"); !reflect.DeepEqual(got, []string{"1"}) {
			t.Fatalf("call %d: Retry-After: want [1], got %q", i+1, got)
		}
		m := correlationSuffix.FindStringSubmatch(r.message(t))
		if m == nil || m[1] != "The service is unavailable" {
			t.Fatalf("call %d: message %q", i+1, r.message(t))
		}
	}
	r := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "")
	wantStatus(t, r, 200)
	if got := r.header.Get("Retry-After"); got != "" {
		t.Fatalf("Retry-After after the fault ran out: %q", got)
	}
	if got, want := f.statuses(), []int{503, 503, 200}; !reflect.DeepEqual(got, want) {
		t.Fatalf("logged statuses: want %v, got %v", want, got)
	}
}

func TestFault_filters(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		calls []struct{ method, path, body string }
		want  []int
	}{
		{
			name:  "method",
			fault: Fault{Status: 500, Method: "put"},
			calls: []struct{ method, path, body string }{
				{"GET", base + "/requests/" + exampleID, ""},
				{"PUT", base + "/requests/" + exampleID, `{"status":"Completed"}`},
				{"GET", base + "/requests", ""},
				{"PUT", base + "/requests/" + exampleID, `{"status":"Completed"}`},
			},
			want: []int{200, 500, 200, 500},
		},
		{
			name:  "request",
			fault: Fault{Status: 403, RequestID: mimcm.GUID(strings.ToUpper(exampleID))},
			calls: []struct{ method, path, body string }{
				{"GET", base + "/requests/" + otherID, ""},
				{"GET", base + "/requests/" + strings.ToUpper(exampleID), ""},
				{"GET", base + "/requests", ""},
				{"PUT", base + "/requests/" + exampleID, `{"status":"Completed"}`},
				{"PUT", base + "/requests/" + otherID, `{"status":"Completed"}`},
			},
			want: []int{200, 403, 200, 403, 200},
		},
		{
			name:  "method and request, counted",
			fault: Fault{Status: 502, Method: "GET", RequestID: exampleID, Count: 1},
			calls: []struct{ method, path, body string }{
				{"GET", base + "/requests/" + otherID, ""},
				{"PUT", base + "/requests/" + exampleID, `{"status":"Completed"}`},
				{"GET", base + "/requests/" + exampleID, ""},
				{"GET", base + "/requests/" + exampleID, ""},
			},
			want: []int{200, 200, 502, 200},
		},
		{
			name:  "until cleared, unknown routes too",
			fault: Fault{Status: 429},
			calls: []struct{ method, path, body string }{
				{"GET", base + "/requests/" + exampleID, ""},
				{"POST", base + "/requests", `{}`},
				{"GET", base + "/nothing", ""},
				{"GET", base + "/requests/" + exampleID, ""},
				{"GET", base + "/requests/" + exampleID, ""},
			},
			want: []int{429, 429, 429, 429, 429},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{}, ExampleRequest(), requestWith(otherID, mimcm.StatusApproved))
			f.AddFault(tt.fault)
			for _, c := range tt.calls {
				f.do(t, c.method, c.path, c.body)
			}
			if got := f.statuses(); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("statuses: want %v, got %v", tt.want, got)
			}
		})
	}
	t.Run("ClearFaults", func(t *testing.T) {
		f := newFixture(t, Options{}, ExampleRequest())
		f.AddFault(Fault{Status: 500})
		wantStatus(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""), 500)
		f.ClearFaults()
		wantStatus(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""), 200)
	})
	t.Run("checked in the order added", func(t *testing.T) {
		f := newFixture(t, Options{}, ExampleRequest())
		f.AddFault(Fault{Status: 504, Count: 1})
		f.AddFault(Fault{Status: 502, Count: 1})
		f.AddFault(Fault{Status: 503, Method: "GET", Count: 1})
		for range 4 {
			f.do(t, http.MethodGet, base+"/requests/"+exampleID, "")
		}
		if got, want := f.statuses(), []int{504, 502, 503, 200}; !reflect.DeepEqual(got, want) {
			t.Fatalf("statuses: want %v, got %v", want, got)
		}
	})
	t.Run("a faulted PUT changes nothing", func(t *testing.T) {
		f := newFixture(t, Options{}, ExampleRequest())
		f.AddFault(Fault{Status: 500, Method: "PUT", Count: 1})
		wantStatus(t, f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`), 500)
		if got, _ := f.Request(exampleID); got.Status != mimcm.StatusApproved {
			t.Fatalf("want Approved, got %s", got.Status)
		}
	})
}

func TestFault_answers(t *testing.T) {
	tests := []struct {
		name    string
		fault   Fault
		status  int
		message string // exact; "" for no body
		corr    bool   // message ends in a fresh correlation ID
		headers map[string][]string
	}{
		{"403 default", Fault{Status: 403}, 403, "Authorization has been denied for this request.", false, nil},
		{"403 message", Fault{Status: 403, Message: "The caller lacks the Complete permission."}, 403, "The caller lacks the Complete permission.", false, nil},
		{"404 default is the route message", Fault{Status: 404}, 404, "No HTTP resource was found that matches the request URI '{url}" + base + "/requests/" + exampleID + "'.", false, nil},
		{"500 default", Fault{Status: 500}, 500, "An error has occurred", true, nil},
		{"zero status is 500", Fault{}, 500, "An error has occurred", true, nil},
		{"500 message gets an ID", Fault{Status: 500, Message: "Object reference not set to an instance of an object."}, 500, "Object reference not set to an instance of an object", true, nil},
		{"500 message keeps its own ID", Fault{Status: 500, Message: "Boom. Correlation ID: 6f9619ff-8b86-d011-b42d-00cf4fc964ff"}, 500, "Boom. Correlation ID: 6f9619ff-8b86-d011-b42d-00cf4fc964ff", false, nil},
		{"502 default", Fault{Status: 502}, 502, "Bad Gateway", true, nil},
		{"504 with a date", Fault{Status: 504, RetryAfter: "Wed, 21 Oct 2026 07:28:00 GMT"}, 504, "Gateway Timeout", true,
			map[string][]string{"Retry-After": {"Wed, 21 Oct 2026 07:28:00 GMT"}}},
		{"429", Fault{Status: 429, RetryAfter: "2"}, 429, "Too Many Requests.", false, map[string][]string{"Retry-After": {"2"}}},
		{"401 without auth configured", Fault{Status: 401}, 401, "Authorization has been denied for this request.", false,
			map[string][]string{"Www-Authenticate": {"Negotiate", "NTLM"}}},
		{"204", Fault{Status: 204}, 204, "", false, nil},
		{"200 with a message", Fault{Status: 200, Message: "odd"}, 200, "odd", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{}, ExampleRequest())
			f.AddFault(tt.fault)
			r := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "")
			wantStatus(t, r, tt.status)
			if tt.message == "" {
				wantNoContent(t, r)
				return
			}
			wantJSONType(t, r)
			msg := r.message(t)
			want := strings.ReplaceAll(tt.message, "{url}", f.url)
			if tt.corr {
				m := correlationSuffix.FindStringSubmatch(msg)
				if m == nil {
					t.Fatalf("message %q has no fresh correlation ID", msg)
				}
				msg = m[1]
			}
			if msg != want {
				t.Fatalf("message:\n want %q\n got  %q", want, msg)
			}
			for k, v := range tt.headers {
				if got := r.header.Values(k); !reflect.DeepEqual(got, v) {
					t.Fatalf("%s: want %q, got %q", k, v, got)
				}
			}
		})
	}
}

func TestLatency(t *testing.T) {
	t.Run("delays API answers, faults included, not admin", func(t *testing.T) {
		f := newFixture(t, Options{}, ExampleRequest())
		f.SetLatency(150 * time.Millisecond)
		start := time.Now()
		wantStatus(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""), 200)
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Fatalf("answered after %v, want at least 150ms", d)
		}
		f.AddFault(Fault{Status: 503, Count: 1})
		start = time.Now()
		wantStatus(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""), 503)
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Fatalf("fault answered after %v, want at least 150ms", d)
		}
		start = time.Now()
		wantStatus(t, f.do(t, http.MethodGet, "/_mock/health", ""), 200)
		if d := time.Since(start); d >= 150*time.Millisecond {
			t.Fatalf("admin answered after %v: delayed", d)
		}
	})
	t.Run("honours the caller's cancellation", func(t *testing.T) {
		f := newFixture(t, Options{}, ExampleRequest())
		f.SetLatency(time.Minute)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.url+base+"/requests/"+exampleID, nil)
		start := time.Now()
		_, err := http.DefaultClient.Do(req)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want a deadline error, got %v", err)
		}
		// The handler gives up too: the call is logged, unanswered.
		deadline := time.Now().Add(5 * time.Second)
		for {
			calls := f.Calls()
			if len(calls) == 1 {
				if calls[0].Status != 0 || calls[0].RequestID != exampleID || calls[0].Method != "GET" {
					t.Fatalf("call: %+v", calls[0])
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the handler still waits %v after the caller left", time.Since(start))
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func TestAuth(t *testing.T) {
	const (
		user     = `CONTOSO\svc-terraform`
		password = "s3cret:Pa55"
		token    = "eyJ0eXAiOiJKV1Qi.test-token"
	)
	basic := func(u, p string) []string {
		r, _ := http.NewRequest("GET", "/", nil)
		r.SetBasicAuth(u, p)
		return []string{"Authorization", r.Header.Get("Authorization")}
	}
	tests := []struct {
		name       string
		opts       Options
		header     []string
		want       int
		challenges []string
	}{
		{"basic: none", Options{BasicUser: user, BasicPassword: password}, nil, 401, []string{`Basic realm="MIM CM"`}},
		{"basic: right", Options{BasicUser: user, BasicPassword: password}, basic(user, password), 200, nil},
		{"basic: scheme in lower case", Options{BasicUser: user, BasicPassword: password}, []string{"Authorization", "basic " + strings.TrimPrefix(basic(user, password)[1], "Basic ")}, 200, nil},
		{"basic: wrong password", Options{BasicUser: user, BasicPassword: password}, basic(user, "s3cret"), 401, []string{`Basic realm="MIM CM"`}},
		{"basic: wrong user", Options{BasicUser: user, BasicPassword: password}, basic("svc-terraform", password), 401, []string{`Basic realm="MIM CM"`}},
		{"basic: bearer sent", Options{BasicUser: user, BasicPassword: password}, []string{"Authorization", "Bearer " + password}, 401, []string{`Basic realm="MIM CM"`}},
		{"basic: garbage", Options{BasicUser: user, BasicPassword: password}, []string{"Authorization", "Basic !!!"}, 401, []string{`Basic realm="MIM CM"`}},
		{"bearer: none", Options{BearerToken: token}, nil, 401, []string{"Bearer"}},
		{"bearer: right", Options{BearerToken: token}, []string{"Authorization", "Bearer " + token}, 200, nil},
		{"bearer: wrong", Options{BearerToken: token}, []string{"Authorization", "Bearer " + token + "x"}, 401, []string{"Bearer"}},
		{"bearer: basic sent", Options{BearerToken: token}, basic(user, token), 401, []string{"Bearer"}},
		{"both: none", Options{BasicUser: user, BasicPassword: password, BearerToken: token}, nil, 401, []string{`Basic realm="MIM CM"`, "Bearer"}},
		{"both: basic", Options{BasicUser: user, BasicPassword: password, BearerToken: token}, basic(user, password), 200, nil},
		{"both: bearer", Options{BasicUser: user, BasicPassword: password, BearerToken: token}, []string{"Authorization", "Bearer " + token}, 200, nil},
		{"both: wrong", Options{BasicUser: user, BasicPassword: password, BearerToken: token}, []string{"Authorization", "Bearer nope"}, 401, []string{`Basic realm="MIM CM"`, "Bearer"}},
		{"none configured", Options{}, []string{"Authorization", "Bearer whatever"}, 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.opts, ExampleRequest())
			r := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "", tt.header...)
			wantStatus(t, r, tt.want)
			wantJSONType(t, r)
			if got := r.header.Values("WWW-Authenticate"); !reflect.DeepEqual(got, tt.challenges) {
				t.Fatalf("WWW-Authenticate: want %q, got %q", tt.challenges, got)
			}
			if tt.want == 401 {
				if got := r.message(t); got != "Authorization has been denied for this request." {
					t.Fatalf("message %q", got)
				}
				if strings.Contains(string(r.body), password) || strings.Contains(string(r.body), token) {
					t.Fatalf("the answer reveals a secret: %s", r.body)
				}
			}
			if got := f.statuses(); !reflect.DeepEqual(got, []int{tt.want}) {
				t.Fatalf("logged statuses: want [%d], got %v", tt.want, got)
			}
			// Admin routes never ask for credentials.
			wantStatus(t, f.do(t, http.MethodGet, "/_mock/requests/"+exampleID, ""), 200)
		})
	}
	t.Run("401 comes before routing", func(t *testing.T) {
		f := newFixture(t, Options{BearerToken: token})
		wantStatus(t, f.do(t, http.MethodGet, base+"/nothing", ""), 401)
		wantStatus(t, f.do(t, http.MethodPut, base+"/requests/x", "nonsense"), 401)
	})
	t.Run("faults come before auth", func(t *testing.T) {
		f := newFixture(t, Options{BearerToken: token})
		f.AddFault(Fault{Status: 503, Count: 1})
		wantStatus(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""), 503)
		wantStatus(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""), 401)
	})
	t.Run("a 401 fault challenges with the configured schemes", func(t *testing.T) {
		f := newFixture(t, Options{BearerToken: token}, ExampleRequest())
		f.AddFault(Fault{Status: 401, Count: 1})
		r := f.do(t, http.MethodGet, base+"/requests/"+exampleID, "", "Authorization", "Bearer "+token)
		wantStatus(t, r, 401)
		if got := r.header.Values("WWW-Authenticate"); !reflect.DeepEqual(got, []string{"Bearer"}) {
			t.Fatalf("WWW-Authenticate: %q", got)
		}
	})
}

func TestCalls(t *testing.T) {
	f := newFixture(t, Options{}, ExampleRequest())
	f.clock.Set(t0.Add(time.Minute))
	f.do(t, http.MethodGet, "/certificatemanagement/api/v1.0/requests/"+strings.ToUpper(exampleID)+"?x=1", "")
	f.do(t, http.MethodGet, "/_mock/requests", "")
	f.do(t, http.MethodGet, "/elsewhere", "")
	f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`)
	f.do(t, http.MethodDelete, base+"/requests/"+exampleID, "")
	f.do(t, http.MethodGet, base+"/requests?status=Completed", "")
	want := []Call{
		{Method: "GET", Path: "/certificatemanagement/api/v1.0/requests/" + strings.ToUpper(exampleID), Query: "x=1", RequestID: exampleID, Status: 200, Time: t0.Add(time.Minute)},
		{Method: "PUT", Path: base + "/requests/" + exampleID, RequestID: exampleID, Status: 200, Time: t0.Add(time.Minute)},
		{Method: "DELETE", Path: base + "/requests/" + exampleID, RequestID: exampleID, Status: 405, Time: t0.Add(time.Minute)},
		{Method: "GET", Path: base + "/requests", Query: "status=Completed", Status: 200, Time: t0.Add(time.Minute)},
	}
	if got := f.Calls(); !reflect.DeepEqual(got, want) {
		t.Fatalf("calls:\n want %+v\n got  %+v", want, got)
	}
	if got, want := f.Counts(), map[string]int{"GET": 2, "PUT": 1, "POST": 0, "DELETE": 1, "total": 4}; !reflect.DeepEqual(got, want) {
		t.Fatalf("counts: want %v, got %v", want, got)
	}
	// Calls returns a copy.
	f.Calls()[0].Status = 999
	if f.Calls()[0].Status != 200 {
		t.Fatal("Calls shares its slice with the log")
	}
	f.ResetCalls()
	if got := f.Calls(); len(got) != 0 {
		t.Fatalf("after ResetCalls: %+v", got)
	}
	if got, want := f.Counts(), map[string]int{"GET": 0, "PUT": 0, "POST": 0, "total": 0}; !reflect.DeepEqual(got, want) {
		t.Fatalf("counts after ResetCalls: want %v, got %v", want, got)
	}
}

// TestFault_afterApply carries calls out and answers them with the fault,
// as a proxy that gives up on a slow backend does: exactly one request is
// created, and the call log names it.
func TestFault_afterApply(t *testing.T) {
	const post = `{"profiletemplateuuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3","datacollection":[],"type":"Enroll","comment":""}`
	f := newFixture(t, Options{}, ExampleRequest())
	f.AddFault(Fault{Status: 502, Method: "post", Count: 1, AfterApply: true})
	r := f.do(t, http.MethodPost, base+"/requests", post)
	wantStatus(t, r, 502)
	if m := correlationSuffix.FindStringSubmatch(r.message(t)); m == nil || m[1] != "Bad Gateway" {
		t.Fatalf("message %q", r.message(t))
	}
	created := onlyCreated(t, f.Server)
	if c := f.Calls(); len(c) != 1 || c[0].RequestID != created.Uuid || c[0].Status != 502 {
		t.Fatalf("calls: %+v, want the 502 naming %s", c, created.Uuid)
	}

	// A 500 after the fact has a correlation ID, as the server's own do.
	f.AddFault(Fault{Status: 500, Method: "PUT", Count: 1, AfterApply: true})
	wantServerError(t, f.do(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Completed"}`), "An error has occurred")
	if got, _ := f.Request(exampleID); got.Status != mimcm.StatusCompleted {
		t.Fatalf("the PUT was not carried out: %s", got.Status)
	}
	// A call the server refuses is still answered with the fault, and changes nothing.
	f.AddFault(Fault{Status: 504, Count: 1, AfterApply: true})
	wantStatus(t, f.do(t, http.MethodPost, base+"/requests", `{}`), 504)
	if n := len(f.Requests()); n != 2 {
		t.Fatalf("a refused POST behind an after_apply fault stored a request: %d", n)
	}
	// Used up: the next POST is answered by the server.
	wantStatus(t, f.do(t, http.MethodPost, base+"/requests", post), 201)
}

// TestFault_dropAnswer carries calls out and loses their answers.
func TestFault_dropAnswer(t *testing.T) {
	const post = `{"profiletemplateuuid":"a039b4d0-5ce8-4eff-8651-181c6576fda3","datacollection":[],"type":"Enroll","comment":""}`
	f := newFixture(t, Options{}, ExampleRequest())
	f.AddFault(Fault{Method: "POST", Count: 1, DropAnswer: true})
	if _, err := f.chaosSend(t, http.MethodPost, base+"/requests", post); err == nil {
		t.Fatal("the POST got an answer")
	}
	created := onlyCreated(t, f.Server)
	if c := f.Calls(); len(c) != 1 || c[0].RequestID != created.Uuid || c[0].Status != 0 || c[0].Chaos != "" {
		t.Fatalf("calls: %+v, want one without an answer naming %s", c, created.Uuid)
	}

	f.AddFault(Fault{Method: "PUT", RequestID: exampleID, DropAnswer: true})
	if _, err := f.chaosSend(t, http.MethodPut, base+"/requests/"+exampleID, `{"status":"Canceled"}`); err == nil {
		t.Fatal("the PUT got an answer")
	}
	if got, _ := f.Request(exampleID); got.Status != mimcm.StatusCanceled {
		t.Fatalf("the PUT was not carried out: %s", got.Status)
	}
	// Through the admin routes, too.
	r := f.do(t, http.MethodPost, "/_mock/faults", `{"method":"POST","count":1,"drop_answer":true}`)
	wantStatus(t, r, 201)
	if want := `{"status":0,"count":1,"method":"POST","drop_answer":true}`; string(r.body) != want {
		t.Fatalf("created:\n want %s\n got  %s", want, r.body)
	}
	r = f.do(t, http.MethodPost, "/_mock/faults", `{"status":503,"method":"POST","count":1,"after_apply":true}`)
	if want := `{"status":503,"count":1,"method":"POST","after_apply":true}`; string(r.body) != want {
		t.Fatalf("created:\n want %s\n got  %s", want, r.body)
	}
	if _, err := f.chaosSend(t, http.MethodPost, base+"/requests", post); err == nil {
		t.Fatal("the POST got an answer")
	}
	wantStatus(t, f.do(t, http.MethodPost, base+"/requests", post), 503)
	if n := len(f.Requests()); n != 4 {
		t.Fatalf("want the reference and three created requests, got %d", n)
	}
}

// onlyCreated returns the one request besides the reference request.
func onlyCreated(t *testing.T, s *Server) mimcm.Request {
	t.Helper()
	var created []mimcm.Request
	for _, r := range s.Requests() {
		if r.Uuid != exampleID {
			created = append(created, r)
		}
	}
	if len(created) != 1 {
		t.Fatalf("want exactly one created request, got %d: %+v", len(created), created)
	}
	return created[0]
}
