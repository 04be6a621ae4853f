package mimcm

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestClient_concurrencyLimit checks that no more than
// MaxConcurrentRequests calls are in flight at once, however many
// goroutines call.
func TestClient_concurrencyLimit(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxConcurrentRequests = 3 })

	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if _, err := c.ListRequests(t.Context(), ListFilter{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := peak.Load(); got > 3 || got < 2 {
		t.Errorf("peak concurrency: want 2 or 3 with a limit of 3, got %d", got)
	}
}

// TestClient_waitingForASlotIsInterruptible checks that a call queued behind
// the limit ends when its context does.
func TestClient_waitingForASlotIsInterruptible(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxConcurrentRequests = 1 })

	go func() { _, _ = c.ListRequests(context.Background(), ListFilter{}) }() // holds the only slot
	time.Sleep(50 * time.Millisecond)

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := c.ListRequests(ctx, ListFilter{})
	if !errors.Is(err, ErrTransport) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a transport error from the deadline, got %v", err)
	}
}

// TestClient_connectionsWithinLimit checks that a client opens no more
// connections than MaxConcurrentRequests, however many goroutines call at
// once. The calls start together on new clients, where extra dials happen.
// Each client has a server of its own: a connection one client dialled
// late would otherwise be counted against the next.
func TestClient_connectionsWithinLimit(t *testing.T) {
	body := append(append([]byte("["), referenceResponse(t)...), ']')
	const limit, callers, calls, clients = 4, 16, 20, 20
	for i := range clients {
		var opened atomic.Int32
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}))
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				opened.Add(1)
			}
		}
		srv.Start()
		t.Cleanup(srv.Close)

		c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxConcurrentRequests = limit })
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				<-start
				for range calls {
					if _, err := c.ListRequests(t.Context(), ListFilter{}); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		close(start)
		wg.Wait()
		if got := opened.Load(); got > limit {
			t.Fatalf("client %d opened %d connections for %d calls with MaxConcurrentRequests %d; want at most %d", i+1, got, callers*calls, limit, limit)
		}
	}
}
