package mockapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

const (
	exampleID = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"
	otherID   = "0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b"
	base      = mimcm.DefaultBasePath
)

// t0 is the testing clock's start: the reference example's completion time.
var t0 = time.Date(2015, 7, 7, 23, 37, 37, 767_000_000, time.UTC)

// testClock is a clock tests can set.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture is a mock behind a loopback httptest server.
type fixture struct {
	*Server
	url   string
	clock *testClock
}

func newFixture(t *testing.T, opts Options, seed ...mimcm.Request) *fixture {
	t.Helper()
	clock := &testClock{t: t0}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	s := New(opts)
	s.Seed(seed...)
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ConnContext = s.ConnContext
	ts.Start()
	t.Cleanup(ts.Close)
	return &fixture{Server: s, url: ts.URL, clock: clock}
}

// result is an HTTP answer as a test sees it.
type result struct {
	status int
	header http.Header
	body   []byte
}

// do sends one call and reads the whole answer; any failure to get one
// ends the test.
func (f *fixture) do(t *testing.T, method, path, body string, header ...string) result {
	t.Helper()
	r, err := f.send(t, method, path, body, header...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// send is do for goroutines other than the test's: it returns the error.
func (f *fixture) send(t *testing.T, method, path, body string, header ...string) (result, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, f.url+path, rd)
	if err != nil {
		return result{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return result{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, fmt.Errorf("%s %s: reading the body: %w", method, path, err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// message returns the Message of a JSON error body.
func (r result) message(t *testing.T) string {
	t.Helper()
	var m struct{ Message *string }
	if err := json.Unmarshal(r.body, &m); err != nil || m.Message == nil {
		t.Fatalf("body %q is not {\"Message\": ...}: %v", r.body, err)
	}
	return *m.Message
}

// request decodes the body as one request.
func (r result) request(t *testing.T) mimcm.Request {
	t.Helper()
	var req mimcm.Request
	if err := json.Unmarshal(r.body, &req); err != nil {
		t.Fatalf("body %q is not a request: %v", r.body, err)
	}
	return req
}

var correlationSuffix = regexp.MustCompile(`^(.*)\. Correlation ID: ([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$`)

// wantServerError checks a 500 whose message is exactly why plus a fresh
// correlation ID, and returns the correlation ID.
func wantServerError(t *testing.T, r result, why string) string {
	t.Helper()
	if r.status != http.StatusInternalServerError {
		t.Fatalf("status: want 500, got %d (body %s)", r.status, r.body)
	}
	wantJSONType(t, r)
	msg := r.message(t)
	m := correlationSuffix.FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("message %q does not end in \". Correlation ID: <v4 GUID>\"", msg)
	}
	if m[1] != why {
		t.Fatalf("message:\n want %q\n got  %q", why, m[1])
	}
	return m[2]
}

func wantStatus(t *testing.T, r result, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status: want %d, got %d (body %s)", want, r.status, r.body)
	}
}

func wantJSONType(t *testing.T, r result) {
	t.Helper()
	if got := r.header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Fatalf("Content-Type: want application/json; charset=utf-8, got %q", got)
	}
}

func wantNoContent(t *testing.T, r result) {
	t.Helper()
	wantStatus(t, r, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Fatalf("204 with a body: %q", r.body)
	}
	if got := r.header.Get("Content-Type"); got != "" {
		t.Fatalf("204 with Content-Type %q", got)
	}
}

// requestWith returns the example request with another Uuid and status.
func requestWith(id string, status mimcm.Status) mimcm.Request {
	r := ExampleRequest()
	r.Uuid = mimcm.GUID(id)
	r.Status = status
	return r
}

// compactJSON compacts JSON text, failing the test when it is not JSON.
func compactJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return buf.Bytes()
}

func str(s string) *string { return &s }

// mustJSON encodes v as the mock writes JSON; t may be nil outside a test.
func mustJSON(t *testing.T, v any) []byte {
	b, err := encodeJSON(v)
	if err != nil {
		if t == nil {
			panic(err)
		}
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
