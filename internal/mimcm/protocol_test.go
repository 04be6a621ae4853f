package mimcm_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
	"github.com/mimcm/terraform-provider-mimcm/internal/testcerts"
)

// protocolMock serves the mock over https as IIS would (ConfigureTLS) and
// notes the protocol of every request that reaches it.
type protocolMock struct {
	*mockapi.Server
	url, caPEM string

	mu     sync.Mutex
	protos map[string]int // "HTTP/2.0" → requests
}

func newProtocolMock(t *testing.T, auth ...mockapi.Authenticator) *protocolMock {
	t.Helper()
	ca := testcerts.NewCA(t, "MIM CM test CA")
	m := &protocolMock{Server: mockapi.New(mockapi.Options{Auth: auth}), caPEM: ca.CertPEM, protos: map[string]int{}}
	m.Seed(mockapi.ExampleRequest())
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.protos[r.Proto]++
		m.mu.Unlock()
		m.ServeHTTP(w, r)
	}))
	srv.Config.ConnContext = m.ConnContext
	srv.TLS = ca.ServerTLS(t)
	m.ConfigureTLS(srv.Config, srv.TLS)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	m.url = srv.URL
	return m
}

func (m *protocolMock) protocols() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.protos)
}

func (m *protocolMock) client(t *testing.T, auth mimcm.Authenticator, logger mimcm.Logger) *mimcm.Client {
	t.Helper()
	c, err := mimcm.NewClient(mimcm.Config{
		Host: m.url, CACertPEM: m.caPEM, Auth: auth, Logger: logger,
		MaxRetries: 0, MaxConcurrentRequests: 8, RequestTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// messageLogger counts the client's debug messages.
type messageLogger struct {
	mu   sync.Mutex
	seen map[string]int
}

func (l *messageLogger) Debug(_ context.Context, msg string, _ map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]int{}
	}
	l.seen[msg]++
}

func (l *messageLogger) count(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for msg, c := range l.seen {
		if strings.HasPrefix(msg, prefix) {
			n += c
		}
	}
	return n
}

// getConcurrently makes n GETs at once and fails the test on any error.
func getConcurrently(t *testing.T, c *mimcm.Client, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if _, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestClient_http2 carries parallel calls on one HTTP/2 connection where
// the server takes HTTP/2.
func TestClient_http2(t *testing.T) {
	t.Parallel()
	m := newProtocolMock(t)
	getConcurrently(t, m.client(t, mimcm.NoAuth(), nil), 24)
	if got := m.protocols(); got["HTTP/2.0"] != 24 || len(got) != 1 {
		t.Errorf("want 24 calls over HTTP/2.0, got %v", got)
	}
	if n := m.Connections(); n != 1 {
		t.Errorf("want one connection for the 24 calls, got %d", n)
	}
}

// TestClient_http1AfterHTTP2IsRefused: against a server that refuses
// HTTP/2 as IIS does with Windows authentication, auth_method auto makes
// the refused call again over HTTP/1.1, and every later one goes there
// directly: a PUT's body is sent again, and parallel first calls all get
// through.
func TestClient_http1AfterHTTP2IsRefused(t *testing.T) {
	t.Parallel()
	m := newProtocolMock(t, mockapi.NTLMAuthenticator(ntlmUser, ntlmPassword, ntlmDomain))
	auto := func() mimcm.Authenticator { return mimcm.AutoAuth(mimcm.NTLMAuth(ntlmUser, ntlmPassword, ntlmDomain)) }
	const downgrade = "The server refused HTTP/2"

	log := &messageLogger{}
	c := m.client(t, auto(), log)
	got, err := c.SetStatus(t.Context(), mockapi.ExampleRequestID, mimcm.DesiredCompleted)
	if err != nil {
		t.Fatalf("a PUT first: %v", err)
	}
	if got.Status != mimcm.StatusCompleted {
		t.Errorf("want Completed, got %v", got.Status)
	}
	if _, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID); err != nil {
		t.Fatal(err)
	}
	if n := log.count(downgrade); n != 1 {
		t.Errorf("want the downgrade logged once, got %d times", n)
	}

	log = &messageLogger{}
	getConcurrently(t, m.client(t, auto(), log), 16)
	if n := log.count(downgrade); n != 1 {
		t.Errorf("16 parallel first calls: want the downgrade logged once, got %d times", n)
	}

	if got := m.protocols(); got["HTTP/2.0"] != 0 || got["HTTP/1.1"] == 0 {
		t.Errorf("want every call the API answered over HTTP/1.1, got %v", got)
	}
	puts := 0
	for _, call := range m.Calls() {
		if call.Method == http.MethodPut && call.Status == http.StatusOK {
			puts++
		}
	}
	if puts != 1 {
		t.Errorf("want the PUT applied once, got %d", puts)
	}
}
