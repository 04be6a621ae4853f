package mockapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// chaosClient sends every call on a new connection, so that Go's transport
// never resends a GET on its own after a reset and every call the test
// makes is exactly one call in the log.
var chaosClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// chaosSend sends one call and reads the whole answer; err is whatever
// failed on the way, including reading the body.
func (f *fixture) chaosSend(t *testing.T, method, path, body string) (result, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, f.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := chaosClient.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, header: resp.Header, body: b}, err
}

// chaosTrace is what chaos did to each call of a log.
func chaosTrace(calls []Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = fmt.Sprintf("%s %s %d %s", c.Method, c.RequestID, c.Status, c.Chaos)
	}
	return out
}

// mixedChaos fails about half the calls, with every kind of fault.
func mixedChaos(seed uint64) Chaos {
	return Chaos{
		Seed:         seed,
		Rates:        map[int]float64{429: 0.06, 500: 0.06, 502: 0.06, 503: 0.06, 504: 0.06},
		RetryAfter:   []string{"0", "1"},
		ResetRate:    0.06,
		TruncateRate: 0.06,
		HTMLRate:     0.06,
		LostPUTRate:  0.2,
	}
}

// runScript makes the same 120 calls, GETs and PUTs, one after the other,
// and returns the log.
func runScript(t *testing.T, c Chaos) ([]Call, ChaosCounts, []mimcm.Request) {
	t.Helper()
	var seed []mimcm.Request
	for i := range 40 {
		seed = append(seed, requestWith(testGUID(i), mimcm.StatusApproved))
	}
	f := newFixture(t, Options{}, seed...)
	if err := f.SetChaos(c); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		path := base + "/requests/" + testGUID(i)
		_, _ = f.chaosSend(t, http.MethodGet, path, "")
		_, _ = f.chaosSend(t, http.MethodPut, path, `{"status":"Completed"}`)
		_, _ = f.chaosSend(t, http.MethodGet, path, "")
	}
	return f.Calls(), f.ChaosCounts(), f.Requests()
}

func testGUID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i+1, i+1) }

func TestChaos_sameSeedSameFaults(t *testing.T) {
	calls1, counts1, reqs1 := runScript(t, mixedChaos(7))
	calls2, counts2, reqs2 := runScript(t, mixedChaos(7))
	if got, want := chaosTrace(calls2), chaosTrace(calls1); !reflect.DeepEqual(got, want) {
		t.Errorf("same seed, different faults:\n first  %q\n second %q", want, got)
	}
	counts1.Latency, counts2.Latency = 0, 0
	if !reflect.DeepEqual(counts1, counts2) {
		t.Errorf("same seed, different counts: %v and %v", counts1, counts2)
	}
	for i := range reqs1 {
		if reqs1[i].Status != reqs2[i].Status {
			t.Errorf("request %s: %s in the first run, %s in the second", reqs1[i].Uuid, reqs1[i].Status, reqs2[i].Status)
		}
	}
	if counts1.Faults() == 0 || counts1.Faults() == counts1.Calls {
		t.Errorf("want some calls failed and some not: %v", counts1)
	}

	calls3, _, _ := runScript(t, mixedChaos(8))
	if reflect.DeepEqual(chaosTrace(calls3), chaosTrace(calls1)) {
		t.Errorf("seeds 7 and 8 gave the same faults")
	}
}

// TestChaos_kinds checks each kind of fault on its own, as a client sees
// it, and that none but the lost PUT changes the store.
func TestChaos_kinds(t *testing.T) {
	const putBody = `{"status":"Completed"}`
	tests := []struct {
		name      string
		chaos     Chaos
		method    string
		check     func(t *testing.T, r result, err error)
		wantChaos string
		wantLog   int // the call's logged status
		applied   bool
	}{
		{
			name: "429 with Retry-After", chaos: Chaos{Rates: map[int]float64{429: 1}, RetryAfter: []string{"1"}}, method: http.MethodGet,
			check: func(t *testing.T, r result, err error) {
				wantNoError(t, err)
				wantStatus(t, r, 429)
				wantJSONType(t, r)
				if got := r.header.Get("Retry-After"); got != "1" {
					t.Errorf("Retry-After = %q, want 1", got)
				}
				if r.message(t) != "Too Many Requests." {
					t.Errorf("message %q", r.message(t))
				}
			},
			wantChaos: "status", wantLog: 429,
		},
		{
			name: "500 with a correlation ID", chaos: Chaos{Rates: map[int]float64{500: 1}}, method: http.MethodPut,
			check: func(t *testing.T, r result, err error) {
				wantNoError(t, err)
				wantServerError(t, r, "An error has occurred")
			},
			wantChaos: "status", wantLog: 500,
		},
		{
			name: "502 and 504 without Retry-After", chaos: Chaos{Rates: map[int]float64{502: 0.5, 504: 0.5}, RetryAfter: []string{"1"}}, method: http.MethodGet,
			check: func(t *testing.T, r result, err error) {
				wantNoError(t, err)
				if r.status != 502 && r.status != 504 {
					t.Errorf("status %d, want 502 or 504", r.status)
				}
				if got := r.header.Get("Retry-After"); got != "" {
					t.Errorf("Retry-After %q with %d", got, r.status)
				}
			},
			wantChaos: "status",
		},
		{
			name: "503 with Retry-After", chaos: Chaos{Rates: map[int]float64{503: 1}, RetryAfter: []string{"0"}}, method: http.MethodPut,
			check: func(t *testing.T, r result, err error) {
				wantNoError(t, err)
				wantStatus(t, r, 503)
				if got := r.header.Get("Retry-After"); got != "0" {
					t.Errorf("Retry-After = %q, want 0", got)
				}
			},
			wantChaos: "status", wantLog: 503,
		},
		{
			name: "reset before the answer", chaos: Chaos{ResetRate: 1}, method: http.MethodPut,
			check: func(t *testing.T, _ result, err error) {
				if err == nil {
					t.Fatal("want the call to fail, it got an answer")
				}
			},
			wantChaos: "reset",
		},
		{
			name: "GET truncated", chaos: Chaos{TruncateRate: 1}, method: http.MethodGet,
			check: func(t *testing.T, r result, err error) {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("reading the body: want unexpected EOF, got %v", err)
				}
				wantStatus(t, r, 200)
				wantJSONType(t, r)
				n, _ := strconv.Atoi(r.header.Get("Content-Length"))
				if len(r.body) == 0 || len(r.body) >= n {
					t.Errorf("got %d bytes of a Content-Length of %d", len(r.body), n)
				}
				if !strings.HasPrefix(`{"Uuid":"`+exampleID, string(r.body[:min(len(r.body), 10)])) {
					t.Errorf("body %q is not the start of the request", r.body)
				}
			},
			wantChaos: "truncate", wantLog: 200,
		},
		{
			name: "PUT truncated: a cut 503, not applied", chaos: Chaos{TruncateRate: 1}, method: http.MethodPut,
			check: func(t *testing.T, r result, err error) {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("reading the body: want unexpected EOF, got %v", err)
				}
				wantStatus(t, r, 503)
			},
			wantChaos: "truncate", wantLog: 503,
		},
		{
			name: "HTML error page", chaos: Chaos{HTMLRate: 1, RetryAfter: []string{"1"}}, method: http.MethodPut,
			check: func(t *testing.T, r result, err error) {
				wantNoError(t, err)
				if r.status != 502 && r.status != 503 {
					t.Fatalf("status %d, want 502 or 503", r.status)
				}
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type %q, want text/html", ct)
				}
				if !strings.Contains(strings.ToLower(string(r.body)), "<html") {
					t.Errorf("body is not an HTML page: %q", r.body)
				}
				if (r.status == 503) != (r.header.Get("Retry-After") == "1") {
					t.Errorf("Retry-After %q with %d: want it with 503 only", r.header.Get("Retry-After"), r.status)
				}
			},
			wantChaos: "html",
		},
		{
			name: "lost PUT: applied, then reset", chaos: Chaos{LostPUTRate: 1}, method: http.MethodPut,
			check: func(t *testing.T, _ result, err error) {
				if err == nil {
					t.Fatal("want the call to fail, it got an answer")
				}
			},
			wantChaos: "lost_put", applied: true,
		},
		{
			name: "lost PUT spares GETs", chaos: Chaos{LostPUTRate: 1}, method: http.MethodGet,
			check: func(t *testing.T, r result, err error) {
				wantNoError(t, err)
				wantStatus(t, r, 200)
			},
			wantLog: 200,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Options{}, requestWith(exampleID, mimcm.StatusApproved))
			if err := f.SetChaos(tc.chaos); err != nil {
				t.Fatal(err)
			}
			body := ""
			if tc.method == http.MethodPut {
				body = putBody
			}
			for range 4 { // a few times, for the kinds that pick among answers
				r, err := f.chaosSend(t, tc.method, base+"/requests/"+exampleID, body)
				tc.check(t, r, err)
				f.SetChaos(Chaos{}) //nolint:errcheck // always valid
				got, _ := f.Request(exampleID)
				if want := map[bool]mimcm.Status{false: mimcm.StatusApproved, true: mimcm.StatusCompleted}[tc.applied]; got.Status != want {
					t.Fatalf("after the call the request is %s, want %s", got.Status, want)
				}
				calls := f.Calls()
				last := calls[len(calls)-1]
				if last.Chaos != tc.wantChaos || (tc.wantLog != 0 || tc.wantChaos == "reset") && last.Status != tc.wantLog {
					t.Fatalf("logged %d %q, want %d %q", last.Status, last.Chaos, tc.wantLog, tc.wantChaos)
				}
				f.Seed(requestWith(exampleID, mimcm.StatusApproved))
				if err := f.SetChaos(tc.chaos); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func wantNoError(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("want an answer, got %v", err)
	}
}

// TestChaos_rates checks that, over many calls, each kind of fault strikes
// about as often as its rate says, and that the counts agree with the log.
func TestChaos_rates(t *testing.T) {
	f := newFixture(t, Options{}, requestWith(exampleID, mimcm.StatusApproved))
	c := Chaos{Seed: 1, Rates: map[int]float64{429: 0.1, 503: 0.1}, ResetRate: 0.1, TruncateRate: 0.1, HTMLRate: 0.1}
	if err := f.SetChaos(c); err != nil {
		t.Fatal(err)
	}
	const n = 1000
	for range n {
		_, _ = f.chaosSend(t, http.MethodGet, base+"/requests/"+exampleID, "")
	}
	counts := f.ChaosCounts()
	if counts.Calls != n {
		t.Errorf("Calls = %d, want %d", counts.Calls, n)
	}
	fromLog := map[string]int{}
	for _, call := range f.Calls() {
		key := call.Chaos
		if key == "status" {
			key = strconv.Itoa(call.Status)
		}
		fromLog[key]++
	}
	got := map[string]int{"429": counts.Status[429], "503": counts.Status[503], "reset": counts.Resets, "truncate": counts.Truncated, "html": counts.HTML}
	for kind, k := range got {
		if fromLog[kind] != k {
			t.Errorf("%s: counted %d, logged %d", kind, k, fromLog[kind])
		}
		// 0.1 of 1000 is 100 with a standard deviation of about 9.5.
		if math.Abs(float64(k)-100) > 40 {
			t.Errorf("%s struck %d times in %d calls at a rate of 0.1", kind, k, n)
		}
	}
	if fromLog[""] != n-counts.Faults() {
		t.Errorf("%d calls without a fault in the log, want %d", fromLog[""], n-counts.Faults())
	}
	t.Log(counts)
}

func TestChaos_latency(t *testing.T) {
	f := newFixture(t, Options{}, requestWith(exampleID, mimcm.StatusApproved))
	if err := f.SetChaos(Chaos{LatencyMin: 20 * time.Millisecond, LatencyMax: 40 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range 5 {
		r, err := f.chaosSend(t, http.MethodGet, base+"/requests/"+exampleID, "")
		wantNoError(t, err)
		wantStatus(t, r, 200)
	}
	took := time.Since(start)
	counts := f.ChaosCounts()
	if counts.Latency < 100*time.Millisecond || counts.Latency > 200*time.Millisecond || took < counts.Latency {
		t.Errorf("5 calls at 20-40ms: added %s, took %s", counts.Latency, took)
	}
	if counts.Faults() != 0 {
		t.Errorf("latency alone failed calls: %v", counts)
	}
}

// TestChaos_concurrent runs chaos with every fault kind under concurrent
// load; run it with -race. Every call is logged once, the counts agree with
// the log, and every request ends Approved (no PUT reached the store) or
// Completed.
func TestChaos_concurrent(t *testing.T) {
	var seed []mimcm.Request
	for i := range 20 {
		seed = append(seed, requestWith(testGUID(i), mimcm.StatusApproved))
	}
	f := newFixture(t, Options{}, seed...)
	c := mixedChaos(3)
	c.LatencyMax = 2 * time.Millisecond
	if err := f.SetChaos(c); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Go(func() {
			path := base + "/requests/" + testGUID(g)
			for i := range 20 {
				if i%4 == 0 {
					_, _ = f.chaosSend(t, http.MethodPut, path, `{"status":"Completed"}`)
				} else {
					_, _ = f.chaosSend(t, http.MethodGet, path, "")
				}
				_ = f.ChaosCounts()
				_ = f.ChaosConfig()
			}
		})
	}
	wg.Wait()
	counts := f.ChaosCounts()
	calls := f.Calls()
	if counts.Calls != 400 || len(calls) != 400 {
		t.Fatalf("400 calls made: chaos saw %d, the log has %d", counts.Calls, len(calls))
	}
	logged := 0
	for _, call := range calls {
		if call.Chaos != "" {
			logged++
		}
	}
	if logged != counts.Faults() {
		t.Errorf("%d faults logged, %d counted", logged, counts.Faults())
	}
	for _, r := range f.Requests() {
		if r.Status != mimcm.StatusApproved && r.Status != mimcm.StatusCompleted {
			t.Errorf("request %s is %s", r.Uuid, r.Status)
		}
	}
	t.Log(counts)
}

func TestChaos_validate(t *testing.T) {
	tests := []struct {
		name  string
		chaos Chaos
		want  string // "" = valid
	}{
		{name: "off", chaos: Chaos{}},
		{name: "thirty per cent", chaos: Chaos{Rates: map[int]float64{429: 0.1, 503: 0.1}, ResetRate: 0.1}},
		{name: "all of it", chaos: Chaos{Rates: map[int]float64{503: 0.5}, HTMLRate: 0.5, LostPUTRate: 1}},
		{name: "over one", chaos: Chaos{Rates: map[int]float64{503: 0.6}, ResetRate: 0.5}, want: "add up to 1.1"},
		{name: "negative", chaos: Chaos{TruncateRate: -0.1}, want: "rate truncate=-0.1"},
		{name: "NaN", chaos: Chaos{HTMLRate: math.NaN()}, want: "rate html=NaN"},
		{name: "not an error status", chaos: Chaos{Rates: map[int]float64{200: 0.1}}, want: "status 200"},
		{name: "bad Retry-After", chaos: Chaos{RetryAfter: []string{"soon"}}, want: `retry_after "soon"`},
		{name: "latency upside down", chaos: Chaos{LatencyMin: time.Second, LatencyMax: time.Millisecond}, want: "min <= max"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.chaos.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate: want an error with %q, got %v", tc.want, err)
			}
			if New(Options{}).SetChaos(tc.chaos) == nil {
				t.Fatal("SetChaos accepted it")
			}
		})
	}
}

func TestChaos_setRates(t *testing.T) {
	var c Chaos
	if err := c.SetRates("503=0.1, 429=0.05,reset=0.02,truncate=0.03,html=0.04,lost-put=0.01"); err != nil {
		t.Fatal(err)
	}
	want := Chaos{Rates: map[int]float64{503: 0.1, 429: 0.05}, ResetRate: 0.02, TruncateRate: 0.03, HTMLRate: 0.04, LostPUTRate: 0.01}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
	for spec, wantErr := range map[string]string{
		"503":       "want KIND=PROBABILITY",
		"503=lots":  "is not a number",
		"200=0.1":   "want an HTTP status from 400 to 599",
		"boom=0.1":  "want an HTTP status from 400 to 599",
		"reset=1.5": "want a probability",
	} {
		if err := c.SetRates(spec); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("SetRates(%q): want an error with %q, got %v", spec, wantErr, err)
		}
	}
}

func TestChaos_admin(t *testing.T) {
	f := newFixture(t, Options{}, requestWith(exampleID, mimcm.StatusApproved))
	r := f.do(t, http.MethodPut, "/_mock/chaos",
		`{"seed":5,"rates":{"503":1},"retry_after":["1"],"latency_min_ms":1,"latency_max_ms":2}`)
	wantStatus(t, r, 200)
	want := Chaos{Seed: 5, Rates: map[int]float64{503: 1}, RetryAfter: []string{"1"}, LatencyMin: time.Millisecond, LatencyMax: 2 * time.Millisecond}
	if got := f.ChaosConfig(); !reflect.DeepEqual(got, want) {
		t.Fatalf("ChaosConfig = %+v, want %+v", got, want)
	}
	wantStatus(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""), 503)

	r = f.do(t, http.MethodGet, "/_mock/chaos", "")
	wantStatus(t, r, 200)
	for _, part := range []string{`"on":true`, `"rates":{"503":1}`, `"calls":1`, `"status":{"503":1}`, `"retry_after":["1"]`} {
		if !strings.Contains(string(r.body), part) {
			t.Errorf("GET /_mock/chaos: %s lacks %s", r.body, part)
		}
	}
	r = f.do(t, http.MethodGet, "/_mock/calls", "")
	if !strings.Contains(string(r.body), `"status":503,"chaos":"status"`) {
		t.Errorf("the call log does not name the fault: %s", r.body)
	}

	wantNoContent(t, f.do(t, http.MethodDelete, "/_mock/chaos", ""))
	wantStatus(t, f.do(t, http.MethodGet, base+"/requests/"+exampleID, ""), 200)
	if got := f.ChaosCounts(); got.Calls != 1 || got.Status[503] != 1 {
		t.Errorf("DELETE must keep the counts: %v", got)
	}

	for body, want := range map[string]string{
		`{"rates":{"503":2}}`:                "rate 503=2",
		`{"rates":{"abc":0.1}}`:              `"abc" is not an HTTP status`,
		`{"reset_rate":0.7,"html_rate":0.7}`: "add up to 1.4",
		`{"retry_after":["later"]}`:          `retry_after "later"`,
		`{"surprise":1}`:                     "unknown field",
	} {
		r := f.do(t, http.MethodPut, "/_mock/chaos", body)
		wantStatus(t, r, 400)
		if !strings.Contains(r.message(t), want) {
			t.Errorf("PUT %s: message %q lacks %q", body, r.message(t), want)
		}
	}
	wantStatus(t, f.do(t, http.MethodPost, "/_mock/chaos", "{}"), 405)

	f.SetChaos(Chaos{Rates: map[int]float64{503: 1}}) //nolint:errcheck // valid
	wantNoContent(t, f.do(t, http.MethodPost, "/_mock/reset", ""))
	if f.ChaosConfig().On() || f.ChaosCounts().Calls != 0 {
		t.Errorf("reset must turn chaos off and zero its counts")
	}
}

// TestLatency_putCallerGone checks that a PUT whose caller gives up while
// the call waits for its latency is logged unanswered and never applied:
// the mock reads the body first, so net/http notices the caller leave.
func TestLatency_putCallerGone(t *testing.T) {
	f := newFixture(t, Options{}, requestWith(exampleID, mimcm.StatusApproved))
	f.SetLatency(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, f.url+base+"/requests/"+exampleID, strings.NewReader(`{"status":"Completed"}`))
	req.Header.Set("Content-Type", "application/json")
	if _, err := chaosClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a deadline error, got %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(f.Calls()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the call was never logged")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(400 * time.Millisecond) // past the latency, had the call gone on
	if c := f.Calls()[0]; c.Status != 0 || c.Method != "PUT" {
		t.Errorf("call: %+v, want an unanswered PUT", c)
	}
	if got, _ := f.Request(exampleID); got.Status != mimcm.StatusApproved {
		t.Errorf("the request is %s: the PUT was applied after its caller left", got.Status)
	}
}

// TestChaos_storm checks a storm's bursts: Burst calls in a row failed,
// whichever they are, then Calm let through, with the statuses and
// Retry-After values in turn, for Duration from the first call, and that
// it is reported in the counts and the admin route.
func TestChaos_storm(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	f := newFixture(t, Options{Now: clock}, requestWith(exampleID, mimcm.StatusApproved))
	storm := Chaos{RetryAfter: []string{"1", "2"}, Storm: Storm{Duration: 10 * time.Second, Burst: 3, Calm: 2}}
	wantNoError(t, f.SetChaos(storm))
	var got []string
	for i := range 12 {
		r, err := f.chaosSend(t, http.MethodGet, base+"/requests/"+exampleID, "")
		wantNoError(t, err)
		got = append(got, strconv.Itoa(r.status)+"/"+r.header.Get("Retry-After"))
		if i == 9 {
			advance(10 * time.Second) // the storm is over
		}
	}
	want := "429/1 502/2 503/1 200/ 200/ 504/2 429/1 502/2 200/ 200/ 200/ 200/"
	if strings.Join(got, " ") != want {
		t.Errorf("answers\n got  %s\n want %s", strings.Join(got, " "), want)
	}
	counts := f.ChaosCounts()
	if counts.StormCalls != 10 || counts.StormFaults != 6 || counts.Faults() != 6 || counts.Status[429] != 2 {
		t.Errorf("counts = %+v", counts)
	}
	r := f.do(t, http.MethodGet, "/_mock/chaos", "")
	for _, part := range []string{`"storm":{"duration_ms":10000,"burst":3,"calm":2}`, `"storm_calls":10`, `"storm_faults":6`} {
		if !strings.Contains(string(r.body), part) {
			t.Errorf("GET /_mock/chaos: %s lacks %s", r.body, part)
		}
	}

	// The same storm through the admin route, with statuses of its own.
	r = f.do(t, http.MethodPut, "/_mock/chaos", `{"storm":{"duration_ms":60000,"burst":1,"calm":1,"statuses":[503]}}`)
	wantStatus(t, r, 200)
	if c := f.ChaosConfig(); !reflect.DeepEqual(c.Storm, Storm{Duration: time.Minute, Burst: 1, Calm: 1, Statuses: []int{503}}) || !c.On() {
		t.Errorf("ChaosConfig = %+v", c)
	}
	for i, want := range []int{503, 200, 503, 200} {
		if r, _ := f.chaosSend(t, http.MethodGet, base+"/requests/"+exampleID, ""); r.status != want {
			t.Errorf("call %d: %d, want %d", i, r.status, want)
		}
	}

	// A storm bounded by calls ends after them, however long it was to last.
	r = f.do(t, http.MethodPut, "/_mock/chaos", `{"storm":{"duration_ms":60000,"burst":2,"calm":1,"calls":5}}`)
	wantStatus(t, r, 200)
	if c := f.ChaosConfig(); !reflect.DeepEqual(c.Storm, Storm{Duration: time.Minute, Burst: 2, Calm: 1, Calls: 5}) {
		t.Errorf("ChaosConfig = %+v", c)
	}
	got = got[:0]
	for range 8 {
		r, err := f.chaosSend(t, http.MethodGet, base+"/requests/"+exampleID, "")
		wantNoError(t, err)
		got = append(got, strconv.Itoa(r.status))
	}
	if want := "429 502 200 503 504 200 200 200"; strings.Join(got, " ") != want {
		t.Errorf("a storm of 5 calls answered\n got  %s\n want %s", strings.Join(got, " "), want)
	}
	if counts := f.ChaosCounts(); counts.StormCalls != 5 || counts.StormFaults != 4 {
		t.Errorf("a storm of 5 calls: counts = %+v", counts)
	}
	if r := f.do(t, http.MethodGet, "/_mock/chaos", ""); !strings.Contains(string(r.body), `"storm":{"duration_ms":60000,"burst":2,"calm":1,"calls":5}`) {
		t.Errorf("GET /_mock/chaos: %s lacks the storm's calls", r.body)
	}

	for body, want := range map[string]string{
		`{"storm":{"duration_ms":1000,"burst":1,"calls":-1}}`:       "storm of -1 calls",
		`{"storm":{"duration_ms":1000,"burst":0}}`:                  "burst of 0 calls",
		`{"storm":{"duration_ms":-1,"burst":1}}`:                    "storm.duration_ms -1",
		`{"storm":{"duration_ms":99999999999999,"burst":1}}`:        "storm.duration_ms 99999999999999",
		`{"storm":{"duration_ms":1000,"burst":1,"statuses":[200]}}`: "storm status 200",
		`{"storm":{"duration_ms":1000,"burst":1,"calm":-2}}`:        "calm -2",
	} {
		r := f.do(t, http.MethodPut, "/_mock/chaos", body)
		wantStatus(t, r, 400)
		if !strings.Contains(r.message(t), want) {
			t.Errorf("PUT %s: message %q lacks %q", body, r.message(t), want)
		}
	}
}
