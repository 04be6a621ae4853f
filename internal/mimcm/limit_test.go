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
	"testing/synctest"
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
// the limit ends when its context does, as a call that was not sent.
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
	ctx, sending := RecordSending(ctx)
	_, err := c.ListRequests(ctx, ListFilter{})
	if !errors.Is(err, ErrNotSent) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a call not sent, ended by the deadline, got %v", err)
	}
	if sending.Sent() {
		t.Error("the record says the call queued behind the limit was sent")
	}
}

// TestClient_connectionsWithinLimit checks that the transport under the
// client's call limit opens no more than MaxConcurrentRequests connections
// at once, however many requests reach it together: the call limit frees a
// place when an answer's body is closed, and the next call may reach the
// transport before that answer's connection is back in the pool, which
// without a cap would dial one more. That moment cannot be provoked on
// demand, so the test sends three times the limit straight to the
// transport, past the call limit, and counts what it dials.
//
// It runs in a synctest bubble, over in-memory connections, so that it
// needs no timing: synctest.Wait returns once every goroutine is blocked,
// that is once the transport has dialled all it would for the requests it
// holds, and the server's handlers hold every answer until then, so that
// no connection can be freed, reused or closed in between.
func TestClient_connectionsWithinLimit(t *testing.T) {
	body := append(append([]byte("["), referenceResponse(t)...), ']')
	synctest.Test(t, func(t *testing.T) {
		const limit, requests = 4, 12
		c := newTestClient(t, "http://mimcm.test", func(cfg *Config) { cfg.MaxConcurrentRequests = limit })
		calls, ok := c.http.Transport.(originGuard).next.(*limitTransport)
		if !ok {
			t.Fatalf("the client's transport is a %T, not the call limit over the transport", c.http.Transport.(originGuard).next)
		}
		fallback, ok := calls.next.(*http1Fallback)
		if !ok {
			t.Fatalf("under the call limit is a %T, not the transport", calls.next)
		}

		held := make(chan struct{})
		var entered atomic.Int32
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			entered.Add(1)
			<-held
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		})}
		conns := newPipeListener()
		go func() { _ = srv.Serve(conns) }()
		var dials atomic.Int32
		fallback.h2.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			dials.Add(1)
			return conns.dial(ctx)
		}

		var wg sync.WaitGroup
		for range requests {
			wg.Go(func() {
				req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.baseURL+"/requests", nil)
				if err != nil {
					t.Error(err)
					return
				}
				resp, err := calls.next.RoundTrip(req)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := streamRequests(resp.Body, nil); err != nil {
					t.Error(err)
				}
				resp.Body.Close()
			})
		}
		synctest.Wait()
		if got := dials.Load(); got != limit {
			t.Errorf("with %d requests at once and MaxConcurrentRequests %d, the transport dialled %d connections; want %d", requests, limit, got, limit)
		}
		if got := entered.Load(); got != limit {
			t.Errorf("%d requests reached the server at once; want %d", got, limit)
		}
		close(held)
		wg.Wait()
		if got := dials.Load(); got != limit {
			t.Errorf("after the answers, the transport had dialled %d connections in all; want the %d it reuses", got, limit)
		}
		fallback.h2.CloseIdleConnections()
		_ = srv.Close()
	})
}

// pipeListener is a net.Listener of in-memory connections, which a
// synctest bubble sees blocked.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// dial connects to the listener.
func (l *pipeListener) dial(ctx context.Context) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
