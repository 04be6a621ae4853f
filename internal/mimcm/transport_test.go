package mimcm

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRetry_sequences(t *testing.T) {
	ok := jsonReply(200, requestJSON(exampleID, StatusCompleted))
	status := func(code int) reply {
		return jsonReply(code, `{"Message":"status `+strconv.Itoa(code)+`"}`)
	}
	lost := reply{hijack: true}
	tests := []struct {
		name         string
		maxRetries   int
		replies      []reply
		wantCalls    int
		wantKind     error // nil: success
		wantStatus   int
		wantAttempts int
	}{
		{name: "503 twice then 200", maxRetries: 3, replies: []reply{status(503), status(503), ok}, wantCalls: 3},
		{name: "429 then 200", maxRetries: 3, replies: []reply{status(429), ok}, wantCalls: 2},
		{name: "502 then 200", maxRetries: 3, replies: []reply{status(502), ok}, wantCalls: 2},
		{name: "504 then 200", maxRetries: 3, replies: []reply{status(504), ok}, wantCalls: 2},
		{name: "500 then 200", maxRetries: 3, replies: []reply{status(500), ok}, wantCalls: 2},
		{name: "500 retried only once", maxRetries: 3, replies: []reply{status(500), status(500), ok}, wantCalls: 2, wantKind: ErrServer, wantStatus: 500, wantAttempts: 2},
		{name: "500 once among 503s", maxRetries: 5, replies: []reply{status(500), status(503), status(500), ok}, wantCalls: 3, wantKind: ErrServer, wantStatus: 500, wantAttempts: 3},
		{name: "503 twice, max_retries 1: the window decides", maxRetries: 1, replies: []reply{status(503), status(503), ok}, wantCalls: 3},
		{name: "400 not retried", maxRetries: 3, replies: []reply{status(400), ok}, wantCalls: 1, wantKind: ErrRejected, wantStatus: 400, wantAttempts: 1},
		{name: "401 not retried", maxRetries: 3, replies: []reply{status(401), ok}, wantCalls: 1, wantKind: ErrUnauthorized, wantStatus: 401, wantAttempts: 1},
		{name: "403 not retried", maxRetries: 3, replies: []reply{status(403), ok}, wantCalls: 1, wantKind: ErrForbidden, wantStatus: 403, wantAttempts: 1},
		{name: "404 not retried", maxRetries: 3, replies: []reply{status(404), ok}, wantCalls: 1, wantKind: ErrRouteNotFound, wantStatus: 404, wantAttempts: 1},
		{name: "501 not retried", maxRetries: 3, replies: []reply{status(501), ok}, wantCalls: 1, wantKind: ErrServer, wantStatus: 501, wantAttempts: 1},
		{name: "MaxRetries 0: 503 once", maxRetries: 0, replies: []reply{status(503), ok}, wantCalls: 1, wantKind: ErrServer, wantStatus: 503, wantAttempts: 1},
		{name: "MaxRetries 0: 500 once", maxRetries: 0, replies: []reply{status(500), ok}, wantCalls: 1, wantKind: ErrServer, wantStatus: 500, wantAttempts: 1},
		{name: "connection lost twice then 200", maxRetries: 3, replies: []reply{lost, lost, ok}, wantCalls: 3},
		{name: "connection lost until retries run out", maxRetries: 2, replies: []reply{lost}, wantCalls: 3, wantKind: ErrTransport, wantStatus: 0, wantAttempts: 3},
		{name: "MaxRetries 0: connection lost once", maxRetries: 0, replies: []reply{lost, ok}, wantCalls: 1, wantKind: ErrTransport, wantStatus: 0, wantAttempts: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := scriptedServer(t, tc.replies...)
			c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = tc.maxRetries })
			got, err := c.GetRequest(context.Background(), exampleID)
			if calls.count() != tc.wantCalls {
				t.Errorf("server saw %d calls, want %d", calls.count(), tc.wantCalls)
			}
			if tc.wantKind == nil {
				if err != nil {
					t.Fatalf("GetRequest: %v", err)
				}
				if got.Status != StatusCompleted {
					t.Errorf("status = %s", got.Status)
				}
				return
			}
			apiErr := asAPIError(t, err, tc.wantKind)
			if apiErr.StatusCode != tc.wantStatus || apiErr.Attempts != tc.wantAttempts {
				t.Errorf("StatusCode, Attempts = %d, %d; want %d, %d", apiErr.StatusCode, apiErr.Attempts, tc.wantStatus, tc.wantAttempts)
			}
			if tc.wantStatus != 0 && apiErr.Message != "status "+strconv.Itoa(tc.wantStatus) {
				t.Errorf("Message = %q: want the last answer's", apiErr.Message)
			}
		})
	}
}

// TestRetry_writeServerError checks that a write's 500 is retried at most
// once, however many retries are left: the server reports refusals that
// way.
func TestRetry_writeServerError(t *testing.T) {
	status := func(code int) reply {
		return jsonReply(code, `{"Message":"status `+strconv.Itoa(code)+`"}`)
	}
	tests := []struct {
		name         string
		replies      []reply
		wantCalls    int
		wantAttempts int
	}{
		{name: "500 retried only once", replies: []reply{status(500), status(500), jsonReply(200, "{}")}, wantCalls: 2, wantAttempts: 2},
		{name: "500 once among 503s", replies: []reply{status(500), status(503), status(500), jsonReply(200, "{}")}, wantCalls: 3, wantAttempts: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, calls := scriptedServer(t, tc.replies...)
			c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 5 })
			_, err := c.call(context.Background(), apiCall{method: http.MethodPut, path: "/requests/" + string(exampleID), body: []byte(`{"status":"Completed"}`), id: exampleID})
			if calls.count() != tc.wantCalls {
				t.Errorf("server saw %d calls, want %d", calls.count(), tc.wantCalls)
			}
			apiErr := asAPIError(t, err, ErrServer)
			if apiErr.StatusCode != 500 || apiErr.Attempts != tc.wantAttempts {
				t.Errorf("StatusCode, Attempts = %d, %d; want 500, %d", apiErr.StatusCode, apiErr.Attempts, tc.wantAttempts)
			}
		})
	}
}

// TestRetry_truncatedBody checks that an answer whose body is cut short is
// retried like a lost connection, not accepted and then failed.
func TestRetry_truncatedBody(t *testing.T) {
	srv, calls := handlerServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		body := requestJSON(exampleID, StatusCompleted)
		if n > 2 {
			jsonReply(200, body).write(t, w)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(200)
		_, _ = w.Write([]byte(body[:len(body)/2]))
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	got, err := newTestClient(t, srv.URL).GetRequest(context.Background(), exampleID)
	if err != nil {
		t.Fatalf("GetRequest: %v", err)
	}
	if got.Status != StatusCompleted || calls.count() != 3 {
		t.Errorf("got %s after %d calls; want Completed after 3", got.Status, calls.count())
	}
}

func TestRetry_serverGone(t *testing.T) {
	srv, _ := scriptedServer(t, jsonReply(200, "{}"))
	url := srv.URL
	srv.Close()
	_, err := newTestClient(t, url, func(cfg *Config) { cfg.MaxRetries = 2 }).GetRequest(context.Background(), exampleID)
	apiErr := asAPIError(t, err, ErrTransport)
	if apiErr.Attempts != 3 || apiErr.StatusCode != 0 {
		t.Errorf("Attempts, StatusCode = %d, %d; want 3, 0", apiErr.Attempts, apiErr.StatusCode)
	}
	containsAll(t, "Error()", err.Error(), "no response from the server", "after 3 attempts", "Cause: ")
}

func TestRetry_requestTimeoutPerAttempt(t *testing.T) {
	srv, calls := handlerServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			select { // hang until the client gives up on this attempt
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		jsonReply(200, requestJSON(exampleID, StatusCompleted)).write(t, w)
	})
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RequestTimeout = 100 * time.Millisecond })
	if _, err := c.GetRequest(context.Background(), exampleID); err != nil {
		t.Fatalf("GetRequest: %v", err)
	}
	if calls.count() != 2 {
		t.Errorf("server saw %d calls, want 2", calls.count())
	}
}

// timedServer answers 503 with the given Retry-After first, then 200, and
// records when each call arrived.
func timedServer(t *testing.T, retryAfter string) (url string, times func() []time.Time) {
	t.Helper()
	var mu sync.Mutex
	var seen []time.Time
	srv, _ := handlerServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		seen = append(seen, time.Now())
		mu.Unlock()
		if n == 1 {
			rep := jsonReply(503, `{"Message":"Service Unavailable"}`)
			rep.header["Retry-After"] = retryAfter
			rep.write(t, w)
			return
		}
		jsonReply(200, requestJSON(exampleID, StatusCompleted)).write(t, w)
	})
	return srv.URL, func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Time(nil), seen...)
	}
}

func TestRetry_retryAfterSecondsHonoured(t *testing.T) {
	url, times := timedServer(t, "1")
	if _, err := newTestClient(t, url).GetRequest(context.Background(), exampleID); err != nil {
		t.Fatalf("GetRequest: %v", err)
	}
	seen := times()
	if len(seen) != 2 {
		t.Fatalf("server saw %d calls, want 2", len(seen))
	}
	// The backoff alone would wait at most RetryWaitMax (5 ms).
	if gap := seen[1].Sub(seen[0]); gap < 900*time.Millisecond {
		t.Errorf("retried after %s, want about 1s as Retry-After asked", gap)
	}
}

func TestRetry_retryAfterDateInThePast(t *testing.T) {
	url, times := timedServer(t, time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat))
	if _, err := newTestClient(t, url).GetRequest(context.Background(), exampleID); err != nil {
		t.Fatalf("GetRequest: %v", err)
	}
	if n := len(times()); n != 2 {
		t.Errorf("server saw %d calls, want 2", n)
	}
}

func TestRetry_retryAfterBeyondDeadline(t *testing.T) {
	for name, retryAfter := range map[string]string{
		"seconds":   "60",
		"HTTP date": time.Now().Add(time.Hour).UTC().Format(http.TimeFormat),
	} {
		t.Run(name, func(t *testing.T) {
			url, times := timedServer(t, retryAfter)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := newTestClient(t, url).GetRequest(ctx, exampleID)
			apiErr := asAPIError(t, err, ErrServer)
			if apiErr.StatusCode != 503 || apiErr.Message != "Service Unavailable" || apiErr.Attempts != 1 {
				t.Errorf("error = %+v, want the server's 503 after one attempt", apiErr)
			}
			if ctx.Err() != nil {
				t.Errorf("the client waited until the deadline instead of stopping early")
			}
			if n := len(times()); n != 1 {
				t.Errorf("server saw %d calls, want 1", n)
			}
		})
	}
}

func TestRetry_cancelDuringBackoff(t *testing.T) {
	url, times := timedServer(t, "60")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for len(times()) == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	_, err := newTestClient(t, url).GetRequest(ctx, exampleID)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("GetRequest returned after %s; a canceled context must end the 60s Retry-After wait", took)
	}
	apiErr := asAPIError(t, err, ErrTransport)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %q does not match context.Canceled", err)
	}
	containsAll(t, "Error()", apiErr.Error(), "interrupted")
	if n := len(times()); n != 1 {
		t.Errorf("server saw %d calls, want 1", n)
	}
}

// TestRetry_backoffBeyondDeadline checks that a backoff that would end
// after the operation's deadline is not waited out: the call fails at once
// with the server's answer, rather than at the deadline with none.
func TestRetry_backoffBeyondDeadline(t *testing.T) {
	srv, calls := scriptedServer(t, jsonReply(503, `{"Message":"Service Unavailable. Correlation ID: `+exampleCorrelationID+`"}`))
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Minute, time.Minute
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.GetRequest(ctx, exampleID)
	apiErr := asAPIError(t, err, ErrServer)
	if apiErr.StatusCode != 503 || apiErr.CorrelationID != exampleCorrelationID || apiErr.Attempts != 1 {
		t.Errorf("error = %+v, want the server's 503 after one attempt", apiErr)
	}
	if ctx.Err() != nil {
		t.Errorf("the client waited until the deadline instead of stopping at once")
	}
	containsAll(t, "error", err.Error(), "Not retried again", "of backoff", "left of this call's time")
	if calls.count() != 1 {
		t.Errorf("server saw %d calls, want 1", calls.count())
	}
}

// TestRetry_busyUntilWindowEnds checks that answers saying the server is
// busy are retried by time, not by count: for the call's whole retry
// window, however small max_retries, and never past it.
func TestRetry_busyUntilWindowEnds(t *testing.T) {
	for _, tc := range []struct {
		status int
		kind   error
	}{
		{429, ErrRejected}, {502, ErrServer}, {503, ErrServer}, {504, ErrServer},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			srv, calls := scriptedServer(t, jsonReply(tc.status, `{"Message":"busy `+strconv.Itoa(tc.status)+`"}`))
			c := newTestClient(t, srv.URL, func(cfg *Config) {
				cfg.MaxRetries = 1
				cfg.RetryWindow = time.Minute
				cfg.RetryWaitMin, cfg.RetryWaitMax = time.Second, 8*time.Second
			})
			clk := withFakeClock(c)
			start := clk.Now()
			_, err := c.GetRequest(context.Background(), exampleID)
			apiErr := asAPIError(t, err, tc.kind)
			if took := clk.Now().Sub(start); took > time.Minute {
				t.Errorf("the call took %s of the clock, beyond its window of 1m", took)
			}
			// Backoffs of at most 8s in a minute: at least 7 more attempts.
			if apiErr.Attempts < 8 || apiErr.Attempts != calls.count() {
				t.Errorf("Attempts = %d, server saw %d; want at least 8 (max_retries is 1, the window decides)", apiErr.Attempts, calls.count())
			}
			if apiErr.StatusCode != tc.status || apiErr.Message != "busy "+strconv.Itoa(tc.status) {
				t.Errorf("error = %+v, want the last answer's status and message", apiErr)
			}
			containsAll(t, "error", err.Error(), "Not retried again", "left of this call's time", "1m0s")
		})
	}
}

// TestRetry_callTimeRunsOut checks that a call whose retry window runs out
// says so once: in the cause, when the window cuts an attempt off, and
// beside the last answer when it runs out after one — "HTTP 502 after 1
// attempt" alone would not say why the provider stopped.
func TestRetry_callTimeRunsOut(t *testing.T) {
	hang := func(r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	window := func(cfg *Config) {
		cfg.RetryWindow = 300 * time.Millisecond
		cfg.RequestTimeout = 10 * time.Second
	}
	t.Run("during an attempt", func(t *testing.T) {
		srv, _ := handlerServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				jsonReply(503, `{"Message":"busy"}`).write(t, w)
				return
			}
			hang(r)
		})
		_, err := newTestClient(t, srv.URL, window).GetRequest(context.Background(), exampleID)
		_ = asAPIError(t, err, ErrTransport)
		containsAll(t, "error", err.Error(), "after 2 attempts", "the call's retry window of 300ms ran out")
		if strings.Contains(err.Error(), "this call's time ran out") {
			t.Errorf("the error says twice that the window ran out: %v", err)
		}
	})
	t.Run("after an answer", func(t *testing.T) {
		// The PUT's 502 leaves its outcome unknown; the read that would
		// settle it hangs until the window ends.
		srv, calls := handlerServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if r.Method == http.MethodPut {
				jsonReply(502, `{"Message":"bad gateway"}`).write(t, w)
				return
			}
			hang(r)
		})
		_, err := newTestClient(t, srv.URL, window).SetStatus(context.Background(), exampleID, DesiredCompleted)
		apiErr := asAPIError(t, err, ErrServer)
		if apiErr.StatusCode != 502 || calls.methods() != "PUT GET" {
			t.Errorf("error %+v after %q, want the PUT's 502, then one GET", apiErr, calls.methods())
		}
		containsAll(t, "error", err.Error(), "this call's time ran out", "each call has 300ms, its retries included")
	})
}

// TestRetry_retryAfterBeyondWindow checks that with no deadline of the
// operation (a plan), a Retry-After beyond the call's retry window fails
// the call at once with the server's answer: no plan sits silent for
// minutes.
func TestRetry_retryAfterBeyondWindow(t *testing.T) {
	srv, calls := handlerServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			rep := jsonReply(503, `{"Message":"Server busy. Correlation ID: `+exampleCorrelationID+`"}`)
			rep.header["Retry-After"] = "999999"
			rep.write(t, w)
			return
		}
		jsonReply(200, requestJSON(exampleID, StatusCompleted)).write(t, w)
	})
	c := newTestClient(t, srv.URL)
	done := make(chan error, 1)
	go func() {
		_, err := c.GetRequest(context.Background(), exampleID)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("GetRequest was still waiting after a minute: the Retry-After was waited out")
	}
	apiErr := asAPIError(t, err, ErrServer)
	if apiErr.StatusCode != 503 || apiErr.CorrelationID != exampleCorrelationID || apiErr.Attempts != 1 || calls.count() != 1 {
		t.Errorf("error = %+v after %d calls, want the server's 503 after one", apiErr, calls.count())
	}
	containsAll(t, "error", err.Error(), "Server busy", exampleCorrelationID, "Retry-After: 999999", "left of this call's time")
}

func TestParseRetryAfter_cases(t *testing.T) {
	now := time.Date(2015, 7, 7, 23, 36, 21, 0, time.UTC)
	date := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	tests := []struct {
		name   string
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"empty", "", 0, false},
		{"blank", "  ", 0, false},
		{"zero", "0", 0, true},
		{"seconds", "5", 5 * time.Second, true},
		{"seconds with spaces", " 120 ", 2 * time.Minute, true},
		{"capped seconds", "86400", maxRetryAfter, true},
		{"huge seconds", "9223372036854775807", maxRetryAfter, true},
		{"negative", "-1", 0, false},
		{"fraction", "1.5", 0, false},
		{"garbage", "soon", 0, false},
		{"overflowing number", "99999999999999999999", 0, false},
		{"HTTP date", date(30 * time.Second), 30 * time.Second, true},
		{"HTTP date now", date(0), 0, true},
		{"HTTP date in the past", date(-time.Hour), 0, true},
		{"HTTP date far ahead", date(24 * time.Hour), maxRetryAfter, true},
		{"RFC 850 date", now.Add(90 * time.Second).Format(time.RFC850), 90 * time.Second, true},
		{"ANSI C date", now.Add(10 * time.Second).Format(time.ANSIC), 10 * time.Second, true},
		{"ISO date is not HTTP", now.Add(10 * time.Second).Format(time.RFC3339), 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tc.in, now)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestBackoff_cases(t *testing.T) {
	withHeader := func(v string) http.Header {
		return http.Header{"Retry-After": []string{v}}
	}
	minWait, maxWait := 10*time.Millisecond, 80*time.Millisecond
	if got := backoff(minWait, maxWait, 0, withHeader("7"), time.Now()); got != 7*time.Second {
		t.Errorf("backoff with Retry-After: 7 = %s, want 7s", got)
	}
	at := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	if got := backoff(minWait, maxWait, 0, withHeader(at), time.Now()); got < 28*time.Second || got > 30*time.Second {
		t.Errorf("backoff with Retry-After: %s = %s, want about 30s", at, got)
	}
	for _, header := range []http.Header{nil, {}, withHeader("soon")} {
		for attempt := range 6 {
			w := min(minWait<<attempt, maxWait)
			if got := backoff(minWait, maxWait, attempt, header, time.Now()); got < w/2 || got > w {
				t.Errorf("backoff(attempt %d) = %s, want within [%s, %s]", attempt, got, w/2, w)
			}
		}
	}
}

func TestJittered_bounds(t *testing.T) {
	tests := []struct{ minWait, maxWait time.Duration }{
		{time.Millisecond, 5 * time.Millisecond},
		{defaultRetryWaitMin, defaultRetryWaitMax},
		{defaultPollIntervalMin, defaultPollIntervalMax},
		{time.Second, time.Second},
		{3 * time.Nanosecond, 7 * time.Nanosecond},
		{time.Minute, time.Hour},
		{20 * time.Second, 10 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.minWait.String()+"-"+tc.maxWait.String(), func(t *testing.T) {
			for attempt := range 70 {
				// The un-jittered wait: min·2^attempt, capped at max.
				w := tc.maxWait
				if attempt < 40 && tc.minWait <= tc.maxWait>>attempt {
					w = tc.minWait << attempt
				}
				for range 50 {
					got := jittered(tc.minWait, tc.maxWait, attempt)
					if got < w/2 || got > w {
						t.Fatalf("jittered(%s, %s, %d) = %s, want within [%s, %s]", tc.minWait, tc.maxWait, attempt, got, w/2, w)
					}
					if got > tc.maxWait {
						t.Fatalf("jittered(%s, %s, %d) = %s exceeds the maximum", tc.minWait, tc.maxWait, attempt, got)
					}
				}
			}
		})
	}
}

func TestJittered_spreads(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 200 {
		seen[jittered(time.Second, time.Minute, 3)] = true
	}
	if len(seen) < 10 {
		t.Errorf("200 jittered waits took only %d distinct values", len(seen))
	}
}

// TestClient_notSent checks that a call its context ends before any of its
// attempts began to send a request is an ErrNotSent, not a failure of the
// network, and that RecordSending records what was sent: a PUT interrupted
// before it was sent, and one interrupted while the server held it, whose
// outcome is unknown; a PUT whose connection is refused until the retries
// run out failed on the network, though nothing was sent.
func TestClient_notSent(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv, calls := handlerServer(t, func(_ http.ResponseWriter, r *http.Request, _ int) {
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, tc := range []struct {
		name      string
		host      string
		interrupt func(cancel context.CancelFunc)
		kind      error
		sent      bool
		calls     int
	}{
		{"interrupted before the call", srv.URL, func(cancel context.CancelFunc) { cancel() }, ErrNotSent, false, 0},
		{"interrupted while the server holds it", srv.URL, func(cancel context.CancelFunc) {
			go func() {
				<-arrived
				cancel()
			}()
		}, ErrTransport, true, 1},
		{"connection refused", closed.URL, func(context.CancelFunc) {}, ErrTransport, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := calls.count()
			c := newTestClient(t, tc.host)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			ctx, sending := RecordSending(ctx)
			tc.interrupt(cancel)
			_, err := c.SetStatus(ctx, exampleID, DesiredCompleted)
			apiErr := asAPIError(t, err, tc.kind)
			if got := calls.count() - before; got != tc.calls {
				t.Errorf("the server saw %d calls, want %d", got, tc.calls)
			}
			if sending.Sent() != tc.sent {
				t.Errorf("RecordSending: sent %v, want %v", sending.Sent(), tc.sent)
			}
			if tc.kind != ErrNotSent {
				return
			}
			if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTransport) {
				t.Errorf("error %q: want context.Canceled, and no transport failure", err)
			}
			containsAll(t, "Error()", apiErr.Error(), "PUT ", "not sent", "the operation was interrupted", "the server did nothing")
			if strings.Contains(apiErr.Error(), "no response") || strings.Contains(apiErr.Error(), "reachability") {
				t.Errorf("a call never sent is reported as a network failure: %v", apiErr)
			}
		})
	}
}
