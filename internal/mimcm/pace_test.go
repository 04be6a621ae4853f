package mimcm

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestPacer_offUntilThrottled(t *testing.T) {
	var p pacer
	now := time.Now()
	for i := range 1000 {
		if wait := p.reserve(now.Add(time.Duration(i) * time.Millisecond)); wait != 0 {
			t.Fatalf("call %d waits %s before any throttling", i, wait)
		}
	}
}

func TestPacer_cutAndRecover(t *testing.T) {
	var p pacer
	now := time.Now()
	for i := range 100 { // 100 calls in the last second
		p.reserve(now.Add(time.Duration(i) * 10 * time.Millisecond))
	}
	now = now.Add(time.Second - 5*time.Millisecond)
	rate, cut := p.throttled(now)
	if !cut || rate < 60 || rate > 75 {
		t.Fatalf("after a throttle at about 100 calls/s: rate %.1f, cut %v; want about 70", rate, cut)
	}
	// Answers throttled together are one signal.
	if again, cut := p.throttled(now.Add(100 * time.Millisecond)); cut || again != rate {
		t.Errorf("a second throttle 100ms later cut the rate to %.1f", again)
	}
	// A burst of calls at once is spread out at the rate.
	var last time.Duration
	for i := range 20 {
		wait := p.reserve(now)
		if i > 1 && wait <= last {
			t.Errorf("call %d of a burst waits %s, no more than the one before (%s)", i, wait, last)
		}
		last = wait
	}
	if want := time.Duration(18 / rate * float64(time.Second)); last < want*9/10 {
		t.Errorf("the 20th call of a burst waits %s, want about %s", last, want)
	}
	// Successes grow the rate back, past where it was cut, and in the end
	// the limit switches off.
	p.succeeded(now.Add(10 * time.Second))
	if grown, on := p.limit(); !on || grown <= 100 {
		t.Errorf("10s of successes later: rate %.1f (on %v), want above the 100 it was cut from", grown, on)
	}
	p.succeeded(now.Add(time.Minute))
	if _, on := p.limit(); on {
		t.Errorf("a minute of successes later the limit is still on")
	}
}

func TestPacer_floor(t *testing.T) {
	var p pacer
	now := time.Now()
	for i := range 10 {
		p.throttled(now.Add(time.Duration(i) * 2 * time.Second))
	}
	if rate, _ := p.limit(); rate != paceMinRate {
		t.Errorf("rate after ten throttles with nothing sent = %.2f, want the floor %.0f", rate, paceMinRate)
	}
}

// TestPacer_floorGrowsWithCallsInFlight checks that a client with more
// calls in flight keeps a higher floor, so that each of them still gets a
// turn every few seconds however long the server throttles.
func TestPacer_floorGrowsWithCallsInFlight(t *testing.T) {
	for _, tc := range []struct {
		inFlight int
		want     float64
	}{{1, paceMinRate}, {4, paceMinRate}, {8, 2}, {64, 16}} {
		p := newPacer(tc.inFlight)
		now := time.Now()
		for i := range 20 {
			p.throttled(now.Add(time.Duration(i) * 2 * time.Second))
		}
		if rate, _ := p.limit(); rate != tc.want {
			t.Errorf("%d calls in flight: rate after twenty throttles = %.2f, want the floor %.2f", tc.inFlight, rate, tc.want)
		}
	}
}

// TestClient_throttleSlowsEveryCall checks that a throttled answer to one
// call slows the calls after it, which were never refused: the limit is
// the client's, not the call's.
func TestClient_throttleSlowsEveryCall(t *testing.T) {
	srv, calls := handlerServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			rep := jsonReply(429, `{"Message":"slow down"}`)
			rep.header["Retry-After"] = "0"
			rep.write(t, w)
			return
		}
		jsonReply(200, requestJSON(exampleID, StatusCompleted)).write(t, w)
	})
	c := newTestClient(t, srv.URL)
	clk := withFakeClock(c)
	if _, err := c.GetRequest(context.Background(), exampleID); err != nil {
		t.Fatal(err)
	}
	start := clk.Now()
	for range 10 {
		if _, err := c.GetRequest(context.Background(), exampleID); err != nil {
			t.Fatal(err)
		}
	}
	if calls.count() != 12 {
		t.Errorf("server saw %d calls, want 12", calls.count())
	}
	// Without the limit the ten calls take no time on the fake clock.
	if took := clk.Now().Sub(start); took < time.Second {
		t.Errorf("ten calls after a throttled one took %s: the client did not slow down", took)
	}
	if _, on := c.pace.limit(); !on {
		t.Errorf("the limit is off")
	}
}
