package mimcm

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ---- test helpers shared by client_test.go and transport_test.go ----

// seenCall is what the test server saw of one call.
type seenCall struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// callLog records the calls a test server receives.
type callLog struct {
	mu    sync.Mutex
	calls []seenCall
}

func (l *callLog) record(r *http.Request) int {
	body, _ := io.ReadAll(r.Body)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, seenCall{
		Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: string(body),
	})
	return len(l.calls)
}

func (l *callLog) all() []seenCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]seenCall(nil), l.calls...)
}

func (l *callLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.calls)
}

func (l *callLog) methods() string {
	var m []string
	for _, c := range l.all() {
		m = append(m, c.Method)
	}
	return strings.Join(m, " ")
}

// reply is one scripted answer of a test server.
type reply struct {
	status int
	body   string
	header map[string]string
	// hijack closes the connection without answering.
	hijack bool
}

// jsonReply answers status with a JSON body.
func jsonReply(status int, body string) reply {
	return reply{status: status, body: body, header: map[string]string{"Content-Type": "application/json; charset=utf-8"}}
}

// requestJSON is a minimal request object in status s.
func requestJSON(id GUID, s Status) string {
	return fmt.Sprintf(`{"Uuid":%q,"Status":%d,"Submitted":"2015-07-07T23:36:21.93Z","Completed":"0001-01-01T00:00:00"}`, id, int(s))
}

// write sends r on w.
func (r reply) write(t *testing.T, w http.ResponseWriter) {
	if r.hijack {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijacking: %v", err)
			return
		}
		conn.Close()
		return
	}
	for k, v := range r.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(r.status)
	io.WriteString(w, r.body)
}

// scriptedServer answers the n-th call with replies[n], repeating the last
// reply once the script runs out.
func scriptedServer(t *testing.T, replies ...reply) (*httptest.Server, *callLog) {
	t.Helper()
	log := &callLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := log.record(r)
		replies[min(n, len(replies))-1].write(t, w)
	}))
	t.Cleanup(srv.Close)
	return srv, log
}

// handlerServer serves h and records every call before h sees it.
func handlerServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) (*httptest.Server, *callLog) {
	t.Helper()
	log := &callLog{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, log.record(r))
	}))
	t.Cleanup(srv.Close)
	return srv, log
}

// testConfig is a fast configuration: millisecond backoffs and polls.
func testConfig(host string) Config {
	return Config{
		Host:            host,
		MaxRetries:      3,
		RequestTimeout:  10 * time.Second,
		RetryWaitMin:    1 * time.Millisecond,
		RetryWaitMax:    5 * time.Millisecond,
		PollIntervalMin: 1 * time.Millisecond,
		PollIntervalMax: 5 * time.Millisecond,
	}
}

// fakeClock is a clock whose Sleep returns at once, having moved the time
// on: a retry window of minutes runs in no time, and the same way every run.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	return nil
}

// withFakeClock makes c go by a fake clock, and returns it.
func withFakeClock(c *Client) *fakeClock {
	f := &fakeClock{now: time.Now()}
	c.clock = f
	return f
}

func newTestClient(t *testing.T, host string, edit ...func(*Config)) *Client {
	t.Helper()
	cfg := testConfig(host)
	for _, e := range edit {
		e(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// asAPIError fails the test unless err is an *APIError of the given kind.
func asAPIError(t *testing.T, err error, kind error) *APIError {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", kind)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error %q (%T) does not match %v", err, err, kind)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %q is a %T, want an *APIError", err, err)
	}
	return apiErr
}

func containsAll(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s %q\ndoes not contain %q", what, s, w)
		}
	}
}

// ---- NewClient and configuration ----

func TestNewClient_badConfig(t *testing.T) {
	tests := []struct {
		name        string
		cfg         Config
		wantInError string
	}{
		{"no host", Config{}, "host: "},
		{"host with path", Config{Host: "https://api.contoso.com/cm"}, "host: "},
		{"relative base path", Config{Host: "https://api.contoso.com", BasePath: "cm"}, "base_path: "},
		{"garbage CA", Config{Host: "https://api.contoso.com", CACertPEM: "not a certificate"}, "ca_cert_pem"},
		{"PEM of another type", Config{Host: "https://api.contoso.com", CACertPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}, "ca_cert_pem"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(tc.cfg)
			if err == nil {
				t.Fatalf("NewClient(%+v) = %v, want an error", tc.cfg, c)
			}
			if !strings.Contains(err.Error(), tc.wantInError) {
				t.Errorf("error %q does not contain %q", err, tc.wantInError)
			}
		})
	}
}

func TestConfig_applyDefaults(t *testing.T) {
	tests := []struct {
		name  string
		in    Config
		check func(t *testing.T, c Config)
	}{
		{"zero", Config{}, func(t *testing.T, c Config) {
			if c.RequestTimeout != DefaultRequestTimeout || c.MaxRetries != 0 ||
				c.RetryWaitMin != defaultRetryWaitMin || c.RetryWaitMax != defaultRetryWaitMax ||
				c.PollIntervalMin != defaultPollIntervalMin || c.PollIntervalMax != defaultPollIntervalMax ||
				c.MaxConcurrentRequests != DefaultMaxConcurrentRequests || c.MaxIdleConnsPerHost != DefaultMaxConcurrentRequests+2 || c.Auth == nil || c.Auth.Name() != "none" ||
				c.UserAgent != "terraform-provider-mimcm/dev" {
				t.Errorf("defaults = %+v", c)
			}
		}},
		{"negative retries", Config{MaxRetries: -1}, func(t *testing.T, c Config) {
			if c.MaxRetries != DefaultMaxRetries {
				t.Errorf("MaxRetries = %d, want %d", c.MaxRetries, DefaultMaxRetries)
			}
		}},
		{"max below min", Config{RetryWaitMin: time.Minute, RetryWaitMax: time.Second, PollIntervalMin: time.Minute, PollIntervalMax: time.Second}, func(t *testing.T, c Config) {
			if c.RetryWaitMax < c.RetryWaitMin || c.PollIntervalMax < c.PollIntervalMin {
				t.Errorf("max below min: %+v", c)
			}
		}},
		{"kept", testConfig("http://x"), func(t *testing.T, c Config) {
			want := testConfig("http://x")
			if c.MaxRetries != want.MaxRetries || c.RequestTimeout != want.RequestTimeout ||
				c.RetryWaitMin != want.RetryWaitMin || c.RetryWaitMax != want.RetryWaitMax ||
				c.PollIntervalMin != want.PollIntervalMin || c.PollIntervalMax != want.PollIntervalMax {
				t.Errorf("explicit values changed: %+v", c)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.in
			c.applyDefaults()
			tc.check(t, c)
		})
	}
}

// ---- what goes on the wire ----

func TestClient_requestHeadersAndPaths(t *testing.T) {
	srv, calls := scriptedServer(t, jsonReply(200, requestJSON(exampleID, StatusCompleted)))
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.UserAgent = "terraform-provider-mimcm/1.2.3 (+test)"
		cfg.Headers = map[string]string{"X-Tenant": "contoso", "X-Trace": "abc"}
	})
	ctx := context.Background()
	if _, err := c.GetRequest(ctx, exampleID); err != nil {
		t.Fatalf("GetRequest: %v", err)
	}
	if _, err := c.SetStatus(ctx, exampleID, DesiredCompleted); err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	got := calls.all()
	if len(got) != 2 {
		t.Fatalf("server saw %d calls, want 2", len(got))
	}
	wantPath := "/CertificateManagement/api/v1.0/requests/" + string(exampleID)
	for i, call := range got {
		wantMethod := []string{"GET", "PUT"}[i]
		if call.Method != wantMethod || call.Path != wantPath {
			t.Errorf("call %d = %s %s, want %s %s", i, call.Method, call.Path, wantMethod, wantPath)
		}
		checks := map[string]string{
			"User-Agent": "terraform-provider-mimcm/1.2.3 (+test)",
			"Accept":     "application/json",
			"X-Tenant":   "contoso",
			"X-Trace":    "abc",
		}
		if call.Method == "PUT" {
			checks["Content-Type"] = "application/json"
			checks["Content-Length"] = "22"
		}
		for k, v := range checks {
			if call.Header.Get(k) != v {
				t.Errorf("%s: header %s = %q, want %q", call.Method, k, call.Header.Get(k), v)
			}
		}
		if call.Method == "GET" && (call.Header.Get("Content-Type") != "" || call.Body != "") {
			t.Errorf("GET carries a body or Content-Type: %q %q", call.Header.Get("Content-Type"), call.Body)
		}
		if h := call.Header.Get("Authorization"); h != "" {
			t.Errorf("no auth configured, but Authorization = %q", h)
		}
	}
}

func TestClient_defaultUserAgent(t *testing.T) {
	srv, calls := scriptedServer(t, jsonReply(200, requestJSON(exampleID, StatusPending)))
	c := newTestClient(t, srv.URL)
	if _, err := c.GetRequest(context.Background(), exampleID); err != nil {
		t.Fatal(err)
	}
	if ua := calls.all()[0].Header.Get("User-Agent"); ua != "terraform-provider-mimcm/dev" {
		t.Errorf("User-Agent = %q, want the default", ua)
	}
}

func TestClient_basePaths(t *testing.T) {
	tests := []struct{ basePath, wantPath string }{
		{"", "/CertificateManagement/api/v1.0/requests/" + string(exampleID)},
		{"/certificatemanagement/api/v1.0", "/certificatemanagement/api/v1.0/requests/" + string(exampleID)},
		{"/cm/api/v2.0/", "/cm/api/v2.0/requests/" + string(exampleID)},
		{"/", "/requests/" + string(exampleID)},
	}
	for _, tc := range tests {
		t.Run(tc.basePath, func(t *testing.T) {
			srv, calls := scriptedServer(t, jsonReply(200, requestJSON(exampleID, StatusPending)))
			c := newTestClient(t, srv.URL+"/", func(cfg *Config) { cfg.BasePath = tc.basePath })
			if _, err := c.GetRequest(context.Background(), exampleID); err != nil {
				t.Fatal(err)
			}
			if got := calls.all()[0].Path; got != tc.wantPath {
				t.Errorf("path = %q, want %q", got, tc.wantPath)
			}
		})
	}
}

func TestClient_auth(t *testing.T) {
	tests := []struct {
		name        string
		auth        Authenticator
		wantName    string
		wantSecrets bool
		check       func(t *testing.T, r seenCall)
	}{
		{"none", NoAuth(), "none", false, func(t *testing.T, r seenCall) {
			if h := r.Header.Get("Authorization"); h != "" {
				t.Errorf("Authorization = %q, want none", h)
			}
		}},
		{"basic", BasicAuth(`CONTOSO\alice`, "p@ss:w0rd"), "basic", true, func(t *testing.T, r seenCall) {
			req := &http.Request{Header: r.Header}
			user, pass, ok := req.BasicAuth()
			if !ok || user != `CONTOSO\alice` || pass != "p@ss:w0rd" {
				t.Errorf("basic credentials = %q, %q, %v", user, pass, ok)
			}
		}},
		{"bearer", BearerAuth("eyJ0eXAi.token"), "bearer", true, func(t *testing.T, r seenCall) {
			if h := r.Header.Get("Authorization"); h != "Bearer eyJ0eXAi.token" {
				t.Errorf("Authorization = %q", h)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.auth.Name() != tc.wantName || tc.auth.SendsSecrets() != tc.wantSecrets {
				t.Errorf("Name, SendsSecrets = %q, %v; want %q, %v", tc.auth.Name(), tc.auth.SendsSecrets(), tc.wantName, tc.wantSecrets)
			}
			// A 503 first, so that the retried attempt is checked too.
			srv, calls := scriptedServer(t, jsonReply(503, `{}`), jsonReply(200, requestJSON(exampleID, StatusCompleted)))
			c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Auth = tc.auth })
			if _, err := c.SetStatus(context.Background(), exampleID, DesiredCompleted); err != nil {
				t.Fatal(err)
			}
			for _, call := range calls.all() {
				tc.check(t, call)
			}
			if calls.count() != 2 {
				t.Errorf("server saw %d calls, want 2", calls.count())
			}
		})
	}
}

// recordingLogger keeps every log entry.
type recordingLogger struct {
	mu      sync.Mutex
	entries []string
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, fmt.Sprintf("%s %v", msg, fields))
}

func TestClient_loggerGetsNoSecrets(t *testing.T) {
	srv, _ := scriptedServer(t, jsonReply(502, `{}`), jsonReply(200, requestJSON(exampleID, StatusCompleted)))
	logger := &recordingLogger{}
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.Auth = BasicAuth("alice", "s3cr3t-password")
		cfg.Logger = logger
	})
	if _, err := c.GetRequest(context.Background(), exampleID); err != nil {
		t.Fatal(err)
	}
	logger.mu.Lock()
	all := strings.Join(logger.entries, "\n")
	logger.mu.Unlock()
	containsAll(t, "logs", all, "attempt:1", "attempt:2", "status:502", "status:200", "method:GET")
	for _, secret := range []string{"s3cr3t-password", "YWxpY2U6czNjcjN0LXBhc3N3b3Jk", "Authorization"} {
		if strings.Contains(all, secret) {
			t.Errorf("logs reveal %q:\n%s", secret, all)
		}
	}
}

// ---- GetRequest ----

func TestGetRequest_decodes(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Status
	}{
		{"reference object", "", StatusCompleted},
		{"upper-case Uuid", strings.Replace(requestJSON(exampleID, StatusExecuting), string(exampleID), strings.ToUpper(string(exampleID)), 1), StatusExecuting},
		{"no Uuid: the id asked for", `{"Status":16}`, StatusPending},
		{"zero Uuid: the id asked for", `{"Uuid":"00000000-0000-0000-0000-000000000000","Status":3}`, StatusApproved},
		{"unknown status", requestJSON(exampleID, 42), Status(42)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			if body == "" {
				body = string(referenceResponse(t))
			}
			srv, _ := scriptedServer(t, jsonReply(200, body))
			got, err := newTestClient(t, srv.URL).GetRequest(context.Background(), exampleID)
			if err != nil {
				t.Fatalf("GetRequest: %v", err)
			}
			if got.Uuid != exampleID || got.Status != tc.want {
				t.Errorf("got Uuid %q status %s, want %q %s", got.Uuid, got.Status, exampleID, tc.want)
			}
		})
	}
}

// TestClient_errorMapping checks how each failing answer becomes an
// *APIError: its kind, fields and rendering.
func TestClient_errorMapping(t *testing.T) {
	path := DefaultBasePath + "/requests/" + string(exampleID)
	iisPage := "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\">\r\n<html><head><title>404 - File or directory not found.</title></head><body><div id=\"header\"><h1>Server Error</h1></div></body></html>"
	tests := []struct {
		name         string
		reply        reply
		kind         error
		wantStatus   int
		wantAttempts int
		wantMessage  string
		wantCorr     string
		wantInError  []string
		// busy: the answer is retried for the call's whole retry window,
		// run on a fake clock; wantAttempts is then a minimum.
		busy bool
	}{
		{
			name: "204 is request not found", reply: reply{status: 204},
			kind: ErrRequestNotFound, wantStatus: 204, wantAttempts: 1,
			wantInError: []string{"request not found", string(exampleID), "(HTTP 204)"},
		},
		{
			name: "404 is a wrong route", reply: reply{status: 404, body: iisPage, header: map[string]string{"Content-Type": "text/html"}},
			kind: ErrRouteNotFound, wantStatus: 404, wantAttempts: 1,
			wantMessage: "404 - File or directory not found.",
			wantInError: []string{"base_path", "Clm.WebApi.Enabled", "(HTTP 404)", "404 - File or directory not found."},
		},
		{
			name: "401", reply: reply{status: 401, header: map[string]string{"WWW-Authenticate": "Negotiate"}},
			kind: ErrUnauthorized, wantStatus: 401, wantAttempts: 1,
			wantInError: []string{"authentication failed", "(HTTP 401)", "auth_method"},
		},
		{
			name: "403 with the server's message", reply: jsonReply(403, `{"Message":"Authorization has been denied for this request."}`),
			kind: ErrForbidden, wantStatus: 403, wantAttempts: 1,
			wantMessage: "Authorization has been denied for this request.",
			wantInError: []string{"forbidden", "(HTTP 403)", `"Authorization has been denied for this request."`},
		},
		{
			name:  "500 with a correlation ID",
			reply: jsonReply(500, `{"Message":"An error has occurred. Correlation ID: `+exampleCorrelationID+`"}`),
			kind:  ErrServer, wantStatus: 500, wantAttempts: 2,
			wantMessage: "An error has occurred. Correlation ID: " + exampleCorrelationID,
			wantCorr:    exampleCorrelationID,
			wantInError: []string{"GET " + path, "(request " + string(exampleID) + ")", "server error", "(HTTP 500)", "after 2 attempts", "An error has occurred.", exampleCorrelationID},
		},
		{
			name:  "502 HTML page from a proxy",
			reply: reply{status: 502, body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", header: map[string]string{"Content-Type": "text/html"}},
			kind:  ErrServer, wantStatus: 502, wantAttempts: 5, busy: true, // more than 1 + max_retries (3)
			wantMessage: "502 Bad Gateway",
			wantInError: []string{"(HTTP 502)", "attempts", `"502 Bad Gateway"`, "Not retried again", "left of this call's time"},
		},
		{
			name:  "400 plain text",
			reply: reply{status: 400, body: "Bad Request - Invalid URL\r\n", header: map[string]string{"Content-Type": "text/plain"}},
			kind:  ErrRejected, wantStatus: 400, wantAttempts: 1,
			wantMessage: "Bad Request - Invalid URL",
			wantInError: []string{"request rejected", "(HTTP 400)", "Bad Request - Invalid URL"},
		},
		{
			name:  "409 empty body",
			reply: reply{status: 409},
			kind:  ErrRejected, wantStatus: 409, wantAttempts: 1,
			wantInError: []string{"(HTTP 409)"},
		},
		{
			name:  "500 empty body",
			reply: reply{status: 500},
			kind:  ErrServer, wantStatus: 500, wantAttempts: 2,
			wantInError: []string{"(HTTP 500)", "event log"},
		},
		{
			name:  "200 HTML login page",
			reply: reply{status: 200, body: "<html><title>Sign in</title></html>", header: map[string]string{"Content-Type": "text/html; charset=utf-8"}},
			kind:  ErrUndecodable, wantStatus: 200, wantAttempts: 1,
			wantInError: []string{"undecodable response", "but got text/html; charset=utf-8", "want a JSON request object", "proxy"},
		},
		{
			name:  "200 JSON of the wrong shape",
			reply: jsonReply(200, `["a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"]`),
			kind:  ErrUndecodable, wantStatus: 200, wantAttempts: 1,
			wantInError: []string{"want a JSON request object"},
		},
		{
			name:  "200 for another request",
			reply: jsonReply(200, requestJSON("0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b", StatusCompleted)),
			kind:  ErrUndecodable, wantStatus: 200, wantAttempts: 1,
			wantInError: []string{"0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b instead"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := scriptedServer(t, tc.reply)
			c := newTestClient(t, srv.URL)
			if tc.busy {
				withFakeClock(c)
			}
			got, err := c.GetRequest(context.Background(), exampleID)
			if got != nil {
				t.Errorf("got a request %+v along with the error", got)
			}
			apiErr := asAPIError(t, err, tc.kind)
			if apiErr.Method != "GET" || apiErr.Path != path || apiErr.RequestID != exampleID {
				t.Errorf("Method, Path, RequestID = %q, %q, %q", apiErr.Method, apiErr.Path, apiErr.RequestID)
			}
			if apiErr.StatusCode != tc.wantStatus {
				t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, tc.wantStatus)
			}
			switch {
			case apiErr.Attempts != calls.count():
				t.Errorf("Attempts = %d, but the server saw %d calls", apiErr.Attempts, calls.count())
			case tc.busy && apiErr.Attempts < tc.wantAttempts:
				t.Errorf("Attempts = %d, want at least %d: retried for the whole window", apiErr.Attempts, tc.wantAttempts)
			case !tc.busy && apiErr.Attempts != tc.wantAttempts:
				t.Errorf("Attempts = %d, want %d", apiErr.Attempts, tc.wantAttempts)
			}
			if apiErr.Message != tc.wantMessage {
				t.Errorf("Message = %q, want %q", apiErr.Message, tc.wantMessage)
			}
			if apiErr.CorrelationID != tc.wantCorr {
				t.Errorf("CorrelationID = %q, want %q", apiErr.CorrelationID, tc.wantCorr)
			}
			containsAll(t, "Error()", err.Error(), tc.wantInError...)
		})
	}
}

func TestClient_oversizedBody(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 64 MiB")
	}
	chunk := []byte(strings.Repeat(" ", 1<<20))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for range maxBodyBytes >> 20 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte("{}"))
	}))
	t.Cleanup(srv.Close)
	_, err := newTestClient(t, srv.URL).GetRequest(context.Background(), exampleID)
	apiErr := asAPIError(t, err, ErrUndecodable)
	containsAll(t, "Error()", apiErr.Error(), "larger than 64 MiB")
}

func TestClient_truncatedBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		io.WriteString(w, `{"Uuid":`)
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	_, err := newTestClient(t, srv.URL).GetRequest(context.Background(), exampleID)
	apiErr := asAPIError(t, err, ErrTransport)
	containsAll(t, "Error()", apiErr.Error(), "reading the answer")
}

// ---- ListRequests ----

func TestListRequests_query(t *testing.T) {
	tests := []struct {
		name      string
		filter    ListFilter
		wantQuery map[string]string // absent keys must not be sent
	}{
		{"no filter", ListFilter{}, map[string]string{}},
		{"status", ListFilter{Status: "Completed"}, map[string]string{"status": "Completed"}},
		{"target user", ListFilter{TargetUser: "current"}, map[string]string{"targetuser": "current"}},
		{"both", ListFilter{Status: "Pending", TargetUser: "current"}, map[string]string{"status": "Pending", "targetuser": "current"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := scriptedServer(t, jsonReply(200, `[]`))
			if _, err := newTestClient(t, srv.URL).ListRequests(context.Background(), tc.filter); err != nil {
				t.Fatal(err)
			}
			call := calls.all()[0]
			if call.Method != "GET" || call.Path != DefaultBasePath+"/requests" {
				t.Errorf("call = %s %s", call.Method, call.Path)
			}
			values := parseQuery(t, call.RawQuery)
			if len(values) != len(tc.wantQuery) {
				t.Errorf("query %q, want exactly %v", call.RawQuery, tc.wantQuery)
			}
			for k, v := range tc.wantQuery {
				if got := values[k]; len(got) != 1 || got[0] != v {
					t.Errorf("query %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestListRequests_answers(t *testing.T) {
	two := "[" + requestJSON(exampleID, StatusCompleted) + "," +
		strings.ToUpper(requestJSON("0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b", StatusPending)) + "]"
	// strings.ToUpper turns the field names upper-case too; encoding/json
	// matches them case-insensitively, as ASP.NET does.
	tests := []struct {
		name      string
		reply     reply
		wantIDs   []GUID
		wantKind  error
		wantInErr string
	}{
		{name: "204", reply: reply{status: 204}, wantIDs: []GUID{}},
		{name: "empty array", reply: jsonReply(200, `[]`), wantIDs: []GUID{}},
		{name: "null", reply: jsonReply(200, `null`), wantIDs: []GUID{}},
		{name: "200 empty body", reply: jsonReply(200, ""), wantIDs: []GUID{}},
		{name: "two requests", reply: jsonReply(200, two), wantIDs: []GUID{exampleID, "0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b"}},
		{name: "object instead of array", reply: jsonReply(200, `{"Message":"x"}`), wantKind: ErrUndecodable, wantInErr: "want a JSON array of requests"},
		{name: "HTML", reply: reply{status: 200, body: "<html></html>", header: map[string]string{"Content-Type": "text/html"}}, wantKind: ErrUndecodable, wantInErr: "but got text/html"},
		{name: "403", reply: jsonReply(403, `{"Message":"nope"}`), wantKind: ErrForbidden, wantInErr: `"nope"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := scriptedServer(t, tc.reply)
			list, err := newTestClient(t, srv.URL).ListRequests(context.Background(), ListFilter{Status: "Completed"})
			if tc.wantKind != nil {
				apiErr := asAPIError(t, err, tc.wantKind)
				containsAll(t, "Error()", apiErr.Error(), tc.wantInErr, "GET "+DefaultBasePath+"/requests")
				return
			}
			if err != nil {
				t.Fatalf("ListRequests: %v", err)
			}
			if list == nil {
				t.Fatal("ListRequests returned a nil list, want an empty non-nil one")
			}
			if len(list) != len(tc.wantIDs) {
				t.Fatalf("got %d requests, want %d", len(list), len(tc.wantIDs))
			}
			for i, id := range tc.wantIDs {
				if list[i].Uuid != id {
					t.Errorf("list[%d].Uuid = %q, want %q", i, list[i].Uuid, id)
				}
			}
		})
	}
}

// Keep sees every listed request, in the server's order and on either decoding path, and what it
// keeps is returned as it left it.
func TestListRequests_keep(t *testing.T) {
	other := GUID("0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b")
	lists := map[string]string{
		"fast path":     "[" + requestJSON(other, StatusCompleted) + "," + requestJSON(exampleID, StatusCompleted) + "]",
		"encoding/json": "[" + strings.ToUpper(requestJSON(other, StatusCompleted)) + "," + requestJSON(exampleID, StatusCompleted) + "]",
	}
	for name, body := range lists {
		t.Run(name, func(t *testing.T) {
			srv, calls := scriptedServer(t, jsonReply(200, body))
			var seen []GUID
			list, err := newTestClient(t, srv.URL).ListRequests(context.Background(), ListFilter{Status: "Completed", Keep: func(r *Request) bool {
				seen = append(seen, r.Uuid)
				r.Comment = "trimmed"
				return r.Uuid == exampleID
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Uuid != exampleID || list[0].Comment != "trimmed" || list[0].Status != StatusCompleted {
				t.Errorf("got %+v, want only %s, as Keep left it", list, exampleID)
			}
			if !slices.Contains(seen, other) || seen[len(seen)-1] != exampleID {
				t.Errorf("Keep saw %v, want %s and then %s", seen, other, exampleID)
			}
			if values := parseQuery(t, calls.all()[0].RawQuery); len(values) != 1 {
				t.Errorf("query %q, want only status", calls.all()[0].RawQuery)
			}
		})
	}
}

// ---- SetStatus ----

func TestSetStatus_body(t *testing.T) {
	for _, d := range DesiredStatuses() {
		t.Run(string(d), func(t *testing.T) {
			srv, calls := scriptedServer(t, jsonReply(200, requestJSON(exampleID, d.Target())))
			got, err := newTestClient(t, srv.URL).SetStatus(context.Background(), exampleID, d)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != d.Target() {
				t.Errorf("status = %s, want %s", got.Status, d.Target())
			}
			call := calls.all()[0]
			if want := `{"status":"` + string(d) + `"}`; call.Body != want {
				t.Errorf("PUT body = %s, want exactly %s", call.Body, want)
			}
		})
	}
}

func TestSetStatus_referenceAnswer(t *testing.T) {
	srv, calls := scriptedServer(t, jsonReply(200, string(referenceResponse(t))))
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.BasePath = "/certificatemanagement/api/v1.0" })
	got, err := c.SetStatus(context.Background(), exampleID, DesiredCompleted)
	if err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	if got.Status != StatusCompleted || got.Completed.String() != "2015-07-07T23:37:37.767Z" || got.SecurityDescriptor != referenceSDDL {
		t.Errorf("decoded %+v", got)
	}
	call := calls.all()[0]
	// The request line of the reference example.
	if call.Method != "PUT" || call.Path != "/certificatemanagement/api/v1.0/requests/a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099" || call.Body != `{"status":"Completed"}` {
		t.Errorf("sent %s %s %s", call.Method, call.Path, call.Body)
	}
	if calls.count() != 1 {
		t.Errorf("server saw %q, want one PUT", calls.methods())
	}
}

func TestSetStatus_answers(t *testing.T) {
	const otherID = "0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b"
	serverError := jsonReply(500, `{"Message":"An error has occurred. Correlation ID: `+exampleCorrelationID+`"}`)
	tests := []struct {
		name string
		// applyOnPut: the server moves the request to Completed when a PUT
		// arrives, whatever it answers.
		applyOnPut  bool
		put         []reply
		wantMethods string
		wantStatus  Status
		wantKind    error
		wantInErr   []string
	}{
		{
			name: "200 decoded", applyOnPut: true,
			put:         []reply{jsonReply(200, requestJSON(exampleID, StatusCompleted))},
			wantMethods: "PUT", wantStatus: StatusCompleted,
		},
		{
			name: "204 followed by one GET", applyOnPut: true,
			put:         []reply{{status: 204}},
			wantMethods: "PUT GET", wantStatus: StatusCompleted,
		},
		{
			name: "200 empty body followed by one GET", applyOnPut: true,
			put:         []reply{{status: 200}},
			wantMethods: "PUT GET", wantStatus: StatusCompleted,
		},
		{
			name: "200 null followed by one GET", applyOnPut: true,
			put:         []reply{jsonReply(200, "null")},
			wantMethods: "PUT GET", wantStatus: StatusCompleted,
		},
		{
			// Read first: the PUT is not sent again to a request that has
			// what it asked for.
			name: "500 but applied: settled by a GET", applyOnPut: true,
			put:         []reply{serverError},
			wantMethods: "PUT GET", wantStatus: StatusCompleted,
		},
		{
			name: "connection lost but applied: settled by a GET", applyOnPut: true,
			put:         []reply{{hijack: true}},
			wantMethods: "PUT GET", wantStatus: StatusCompleted,
		},
		{
			name: "502 but applied: settled by a GET", applyOnPut: true,
			put:         []reply{jsonReply(502, `{"Message":"bad gateway"}`)},
			wantMethods: "PUT GET", wantStatus: StatusCompleted,
		},
		{
			// The read shows the request still needs the PUT, which is
			// sent again once (a 500 is retried once), then read again.
			name: "500 twice and not applied: the PUT's error", applyOnPut: false,
			put:         []reply{serverError},
			wantMethods: "PUT GET PUT GET", wantKind: ErrServer,
			wantInErr: []string{"PUT " + DefaultBasePath + "/requests/" + string(exampleID), "(HTTP 500)", exampleCorrelationID},
		},
		{
			name: "connection lost and not applied: read, then sent again", applyOnPut: false,
			put:         []reply{{hijack: true}, jsonReply(200, requestJSON(exampleID, StatusCompleted))},
			wantMethods: "PUT GET PUT", wantStatus: StatusCompleted,
		},
		{
			// 429 and 503 are refusals before the server acted: sent again
			// without a read.
			name: "503 then 200: sent again without a read", applyOnPut: false,
			put:         []reply{jsonReply(503, `{"Message":"busy"}`), jsonReply(200, requestJSON(exampleID, StatusCompleted))},
			wantMethods: "PUT PUT", wantStatus: StatusCompleted,
		},
		{
			name: "429 then 200: sent again without a read", applyOnPut: false,
			put:         []reply{jsonReply(429, `{"Message":"slow down"}`), jsonReply(200, requestJSON(exampleID, StatusCompleted))},
			wantMethods: "PUT PUT", wantStatus: StatusCompleted,
		},
		{
			// The first PUT's answer was lost and the read shows the request
			// still needs it; the repeat is refused, which after a lost
			// answer may mean the first was applied late: read once more.
			name: "403 after a lost answer: read again, then the 403", applyOnPut: false,
			put:         []reply{{hijack: true}, jsonReply(403, `{"Message":"Request is in a terminal state."}`)},
			wantMethods: "PUT GET PUT GET", wantKind: ErrForbidden,
			wantInErr: []string{"(HTTP 403)", "Request is in a terminal state."},
		},
		{
			name: "403 is not settled", applyOnPut: false,
			put:         []reply{jsonReply(403, `{"Message":"Request is in a terminal state."}`)},
			wantMethods: "PUT", wantKind: ErrForbidden,
			wantInErr: []string{"PUT ", "(HTTP 403)", "Request is in a terminal state."},
		},
		{
			name: "200 for another request", applyOnPut: true,
			put:         []reply{jsonReply(200, requestJSON(otherID, StatusCompleted))},
			wantMethods: "PUT", wantKind: ErrUndecodable,
			wantInErr: []string{otherID + " instead"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var status atomic.Int64
			status.Store(int64(StatusExecuting))
			puts := 0
			var mu sync.Mutex
			srv, calls := handlerServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				switch r.Method {
				case http.MethodPut:
					if tc.applyOnPut {
						status.Store(int64(StatusCompleted))
					}
					mu.Lock()
					rep := tc.put[min(puts, len(tc.put)-1)]
					puts++
					mu.Unlock()
					rep.write(t, w)
				case http.MethodGet:
					jsonReply(200, requestJSON(exampleID, Status(status.Load()))).write(t, w)
				}
			})
			got, err := newTestClient(t, srv.URL).SetStatus(context.Background(), exampleID, DesiredCompleted)
			if calls.methods() != tc.wantMethods {
				t.Errorf("server saw %q, want %q", calls.methods(), tc.wantMethods)
			}
			if tc.wantKind != nil {
				if got != nil {
					t.Errorf("got %+v along with the error", got)
				}
				apiErr := asAPIError(t, err, tc.wantKind)
				if apiErr.Method != "PUT" {
					t.Errorf("error is from %s, want the PUT's", apiErr.Method)
				}
				containsAll(t, "Error()", err.Error(), tc.wantInErr...)
				return
			}
			if err != nil {
				t.Fatalf("SetStatus: %v", err)
			}
			if got.Uuid != exampleID || got.Status != tc.wantStatus {
				t.Errorf("got %s in %s, want %s in %s", got.Uuid, got.Status, exampleID, tc.wantStatus)
			}
		})
	}
}

func TestSetStatus_settleGetFails(t *testing.T) {
	// The PUT fails with 502s and the settling GET gets a 204: the PUT's
	// error is the one to show.
	srv, calls := handlerServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.Method == http.MethodPut {
			jsonReply(502, `{"Message":"bad gateway"}`).write(t, w)
			return
		}
		w.WriteHeader(204)
	})
	_, err := newTestClient(t, srv.URL, func(c *Config) { c.MaxRetries = 1 }).SetStatus(context.Background(), exampleID, DesiredCanceled)
	apiErr := asAPIError(t, err, ErrServer)
	// A 502's PUT may have been applied: it is read first, and without a
	// readable request it is not sent again blind.
	if apiErr.Method != "PUT" || apiErr.StatusCode != 502 || apiErr.Attempts != 1 {
		t.Errorf("error = %+v, want the PUT's 502 after 1 attempt", apiErr)
	}
	if errors.Is(err, ErrRequestNotFound) {
		t.Errorf("the settling GET's error leaked: %v", err)
	}
	if calls.methods() != "PUT GET" {
		t.Errorf("server saw %q", calls.methods())
	}
}

func TestSetStatus_settleAwaitingApproval(t *testing.T) {
	// The PUT fails with a 500 and the settling GET shows the request
	// Pending: completing or abandoning it needs an approval that only the
	// CM portal gives, so the PUT is not sent a second time. Canceling
	// needs none, and is sent again.
	tests := []struct {
		desired     DesiredStatus
		current     Status
		wantMethods string
		wantKind    error
	}{
		{DesiredCompleted, StatusPending, "PUT GET", ErrAwaitingApproval},
		{DesiredAbandoned, StatusNone, "PUT GET", ErrAwaitingApproval},
		{DesiredCanceled, StatusPending, "PUT GET PUT GET", ErrServer},
	}
	for _, tc := range tests {
		t.Run(string(tc.desired)+" from "+tc.current.String(), func(t *testing.T) {
			srv, calls := handlerServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if r.Method == http.MethodPut {
					jsonReply(500, `{"Message":"An error has occurred. Correlation ID: `+exampleCorrelationID+`"}`).write(t, w)
					return
				}
				jsonReply(200, requestJSON(exampleID, tc.current)).write(t, w)
			})
			_, err := newTestClient(t, srv.URL).SetStatus(context.Background(), exampleID, tc.desired)
			if calls.methods() != tc.wantMethods {
				t.Errorf("server saw %q, want %q", calls.methods(), tc.wantMethods)
			}
			apiErr := asAPIError(t, err, tc.wantKind)
			if apiErr.Method != "PUT" || apiErr.StatusCode != 500 {
				t.Errorf("error = %+v, want the PUT's 500", apiErr)
			}
			var approval *ApprovalError
			if got := errors.As(err, &approval); got != (tc.wantKind == ErrAwaitingApproval) {
				t.Fatalf("errors.As(*ApprovalError) = %v for %v", got, err)
			}
			if approval != nil {
				if approval.RequestID != exampleID || approval.Current != tc.current || approval.Desired != tc.desired {
					t.Errorf("ApprovalError = %+v", approval)
				}
				containsAll(t, "Error()", err.Error(), "(HTTP 500)", exampleCorrelationID, "awaits approval", "CM portal")
			}
		})
	}
}

// ---- WaitForStatus ----

func TestWaitForStatus_cases(t *testing.T) {
	tests := []struct {
		name       string
		desired    DesiredStatus
		sequence   []Status // the n-th GET answers sequence[n], the last repeats
		wantStatus Status
		wantGets   int
		wantTrans  bool
	}{
		{"completes", DesiredCompleted, []Status{StatusExecuting, StatusExecuting, StatusCompleted}, StatusCompleted, 3, false},
		{"already there", DesiredCompleted, []Status{StatusCompleted}, StatusCompleted, 1, false},
		{"abandoned is failed", DesiredAbandoned, []Status{StatusApproved, StatusFailed}, StatusFailed, 2, false},
		{"unknown status waits", DesiredCanceled, []Status{Status(42), StatusCanceled}, StatusCanceled, 2, false},
		{"another terminal status", DesiredCompleted, []Status{StatusExecuting, StatusDenied}, StatusDenied, 2, true},
		{"failed instead of completed", DesiredCompleted, []Status{StatusFailed}, StatusFailed, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := handlerServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				s := tc.sequence[min(n, len(tc.sequence))-1]
				jsonReply(200, requestJSON(exampleID, s)).write(t, w)
			})
			got, err := newTestClient(t, srv.URL).WaitForStatus(context.Background(), exampleID, tc.desired)
			if calls.count() != tc.wantGets {
				t.Errorf("server saw %d GETs, want %d", calls.count(), tc.wantGets)
			}
			if tc.wantTrans {
				var te *TransitionError
				if !errors.Is(err, ErrTransition) || !errors.As(err, &te) {
					t.Fatalf("err = %v, want a *TransitionError", err)
				}
				if te.Current != tc.wantStatus || te.Desired != tc.desired || te.RequestID != exampleID {
					t.Errorf("TransitionError = %+v", te)
				}
				return
			}
			if err != nil {
				t.Fatalf("WaitForStatus: %v", err)
			}
			if got.Status != tc.wantStatus {
				t.Errorf("status = %s, want %s", got.Status, tc.wantStatus)
			}
		})
	}
}

func TestWaitForStatus_deadline(t *testing.T) {
	srv, calls := scriptedServer(t, jsonReply(200, requestJSON(exampleID, StatusExecuting)))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	got, err := newTestClient(t, srv.URL).WaitForStatus(ctx, exampleID, DesiredCompleted)
	if err == nil {
		t.Fatalf("WaitForStatus = %+v, want an error", got)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %q does not match context.DeadlineExceeded", err)
	}
	containsAll(t, "error", err.Error(), string(exampleID), "Executing", "status 18", "Completed")
	if calls.count() < 2 {
		t.Errorf("server saw %d GETs; the client should have polled repeatedly", calls.count())
	}
}

func TestWaitForStatus_canceledBeforeFirstRead(t *testing.T) {
	srv, calls := scriptedServer(t, jsonReply(200, requestJSON(exampleID, StatusCompleted)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newTestClient(t, srv.URL).WaitForStatus(ctx, exampleID, DesiredCompleted)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	containsAll(t, "error", err.Error(), "had not been read again")
	if calls.count() != 0 {
		t.Errorf("server saw %d calls, want none", calls.count())
	}
}

func TestWaitForStatus_readError(t *testing.T) {
	tests := []struct {
		name  string
		reply reply
		kind  error
	}{
		{"gone", reply{status: 204}, ErrRequestNotFound},
		{"forbidden", jsonReply(403, `{"Message":"no"}`), ErrForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := scriptedServer(t, jsonReply(200, requestJSON(exampleID, StatusExecuting)), tc.reply)
			_, err := newTestClient(t, srv.URL).WaitForStatus(context.Background(), exampleID, DesiredCompleted)
			_ = asAPIError(t, err, tc.kind) // only the checks it makes matter here
		})
	}
}

// ---- sessions, TLS, concurrency ----

func TestClient_cookieJar(t *testing.T) {
	srv, calls := handlerServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			http.SetCookie(w, &http.Cookie{Name: "ASP.NET_SessionId", Value: "abc123", Path: "/", HttpOnly: true})
		}
		jsonReply(200, requestJSON(exampleID, StatusExecuting)).write(t, w)
	})
	c := newTestClient(t, srv.URL)
	for range 2 {
		if _, err := c.GetRequest(context.Background(), exampleID); err != nil {
			t.Fatal(err)
		}
	}
	got := calls.all()
	if cookie := got[0].Header.Get("Cookie"); cookie != "" {
		t.Errorf("first call sent Cookie %q, want none", cookie)
	}
	if cookie := got[1].Header.Get("Cookie"); cookie != "ASP.NET_SessionId=abc123" {
		t.Errorf("second call sent Cookie %q, want the session cookie", cookie)
	}
}

// tlsServer starts an HTTPS server and counts the connections it accepts.
func tlsServer(t *testing.T) (*httptest.Server, *callLog, *atomic.Int64) {
	t.Helper()
	log := &callLog{}
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.record(r)
		jsonReply(200, requestJSON(exampleID, StatusCompleted)).write(t, w)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = quietLog()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, log, &conns
}

func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

func TestClient_caCertPEM(t *testing.T) {
	srv, calls, conns := tlsServer(t)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))

	t.Run("trusted", func(t *testing.T) {
		c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.CACertPEM = caPEM })
		got, err := c.GetRequest(context.Background(), exampleID)
		if err != nil {
			t.Fatalf("GetRequest with the server's CA: %v", err)
		}
		if got.Status != StatusCompleted {
			t.Errorf("status = %s", got.Status)
		}
	})

	t.Run("untrusted is not retried", func(t *testing.T) {
		before, seen := conns.Load(), calls.count()
		c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 3 })
		_, err := c.GetRequest(context.Background(), exampleID)
		apiErr := asAPIError(t, err, ErrTransport)
		if apiErr.Attempts != 1 {
			t.Errorf("Attempts = %d, want 1: a certificate error is final", apiErr.Attempts)
		}
		if n := conns.Load() - before; n != 1 {
			t.Errorf("server accepted %d connections, want 1", n)
		}
		if calls.count() != seen {
			t.Errorf("the handler was reached without a trusted certificate")
		}
		containsAll(t, "Error()", err.Error(), "certificate", "TLS settings")
	})

	t.Run("insecure skip verify", func(t *testing.T) {
		c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.InsecureSkipVerify = true })
		if _, err := c.GetRequest(context.Background(), exampleID); err != nil {
			t.Fatalf("GetRequest with verification off: %v", err)
		}
	})

	t.Run("blank CA is ignored", func(t *testing.T) {
		if _, err := NewClient(Config{Host: srv.URL, CACertPEM: " \n\t"}); err != nil {
			t.Fatalf("NewClient with a blank ca_cert_pem: %v", err)
		}
	})

	t.Run("TLS 1.2 minimum", func(t *testing.T) {
		tc, err := newTLSConfig(Config{CACertPEM: caPEM})
		if err != nil {
			t.Fatal(err)
		}
		if tc.MinVersion != tls.VersionTLS12 || tc.RootCAs == nil {
			t.Errorf("tls.Config = MinVersion %x, RootCAs %v", tc.MinVersion, tc.RootCAs)
		}
	})
}

func TestClient_concurrentUse(t *testing.T) {
	srv, calls := handlerServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n%3 == 0 {
			jsonReply(503, `{}`).write(t, w)
			return
		}
		jsonReply(200, requestJSON(exampleID, StatusExecuting)).write(t, w)
	})
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 10 })
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			if _, err := c.GetRequest(context.Background(), exampleID); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent GetRequest: %v", err)
	}
	if calls.count() < 20 {
		t.Errorf("server saw %d calls, want at least 20", calls.count())
	}
}

func parseQuery(t *testing.T, raw string) map[string][]string {
	t.Helper()
	r, err := http.NewRequest("GET", "http://x/?"+raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r.URL.Query()
}

func TestRequestJSON_helper(t *testing.T) {
	var r Request
	if err := json.Unmarshal([]byte(requestJSON(exampleID, StatusPending)), &r); err != nil || r.Uuid != exampleID || r.Status != StatusPending {
		t.Fatalf("requestJSON helper: %+v, %v", r, err)
	}
}
