package mimcm_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// These tests run the client's NTLM against the mock's NTLMv2 verifier:
// an external test package may import mockapi, which imports mimcm.

const (
	ntlmUser     = "svc-terraform"
	ntlmPassword = "C0rrect-h0rse-battery"
	ntlmDomain   = "CONTOSO"
)

// ntlmMock serves the mock API behind auth, with per-connection state.
type ntlmMock struct {
	*mockapi.Server
	url string
}

func newNTLMMock(t *testing.T, auth ...mockapi.Authenticator) *ntlmMock {
	t.Helper()
	m := mockapi.New(mockapi.Options{Auth: auth})
	m.Seed(mockapi.ExampleRequest())
	srv := httptest.NewUnstartedServer(m)
	srv.Config.ConnContext = m.ConnContext
	srv.Start()
	t.Cleanup(srv.Close)
	return &ntlmMock{Server: m, url: srv.URL}
}

func newNTLMClient(t *testing.T, url string, auth mimcm.Authenticator) *mimcm.Client {
	t.Helper()
	c, err := mimcm.NewClient(mimcm.Config{Host: url, Auth: auth, MaxRetries: 0, RequestTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rawNTLMClient is an http.Client over NTLMAuth's lanes, for calls the
// API client does not make (POST) and for looking at the transport.
func rawNTLMClient(auth mimcm.Authenticator, idleConns int) (*http.Client, http.RoundTripper) {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = idleConns
	rt := auth.Wrap(base)
	return &http.Client{Transport: rt}, rt
}

// authenticateCounter counts the AUTHENTICATE messages (NTLM type 3) the
// wrapped authenticator is shown.
type authenticateCounter struct {
	mockapi.Authenticator
	n atomic.Int32
}

func (c *authenticateCounter) Authenticate(r *http.Request, conn *mockapi.Conn) mockapi.AuthOutcome {
	_, data, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if msg, err := base64.StdEncoding.DecodeString(data); err == nil && len(msg) >= 12 && binary.LittleEndian.Uint32(msg[8:]) == 3 {
		c.n.Add(1)
	}
	return c.Authenticator.Authenticate(r, conn)
}

// negotiateOnly offers NTLM only inside Negotiate, as an IIS site whose
// Windows authentication lists the Negotiate provider alone does.
type negotiateOnly struct{ mockapi.Authenticator }

func (negotiateOnly) Challenge() string { return "Negotiate" }

func TestNTLMAuth_goodPassword(t *testing.T) {
	tests := []struct {
		name, username, domain string
	}{
		{"DOMAIN backslash user", `CONTOSO\svc-terraform`, ""},
		{"user and domain", "svc-terraform", "CONTOSO"},
		{"UPN", "svc-terraform@contoso.com", ""},
		{"domain overrides the UPN's", "svc-terraform@old.example", "contoso"},
		{"domain overrides DOMAIN backslash", `FABRIKAM\svc-terraform`, "CONTOSO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newNTLMMock(t, mockapi.NTLMAuthenticator(ntlmUser, ntlmPassword, ntlmDomain))
			c := newNTLMClient(t, m.url, mimcm.NTLMAuth(tt.username, ntlmPassword, tt.domain))
			got, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Uuid != mockapi.ExampleRequestID {
				t.Fatalf("got request %s", got.Uuid)
			}
			if _, err := c.ListRequests(t.Context(), mimcm.ListFilter{}); err != nil {
				t.Fatal(err)
			}
			if h, conns := m.Handshakes(), m.Connections(); h != 1 || conns != 1 {
				t.Errorf("two calls in a row: want 1 handshake on 1 connection, got %d on %d", h, conns)
			}
		})
	}
}

func TestNTLMAuth_insideNegotiate(t *testing.T) {
	m := newNTLMMock(t, negotiateOnly{mockapi.NTLMAuthenticator(ntlmUser, ntlmPassword, ntlmDomain)})
	c := newNTLMClient(t, m.url, mimcm.NTLMAuth(`CONTOSO\svc-terraform`, ntlmPassword, ""))
	if _, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID); err != nil {
		t.Fatal(err)
	}
}

func TestNTLMAuth_wrongPassword(t *testing.T) {
	counter := &authenticateCounter{Authenticator: mockapi.NTLMAuthenticator(ntlmUser, ntlmPassword, ntlmDomain)}
	m := newNTLMMock(t, counter)
	const wrong = "not-the-password"
	c := newNTLMClient(t, m.url, mimcm.NTLMAuth(`CONTOSO\svc-terraform`, wrong, ""))

	_, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID)
	var apiErr *mimcm.APIError
	if !errors.Is(err, mimcm.ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("want an *APIError of kind ErrUnauthorized with status 401, got %v", err)
	}
	path := mimcm.DefaultBasePath + "/requests/" + string(mockapi.ExampleRequestID)
	for _, want := range []string{"authentication failed", "HTTP 401", path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %s", want, err)
		}
	}
	if strings.Contains(err.Error(), wrong) {
		t.Errorf("the error shows the password: %s", err)
	}

	// A refused password is not tried again: each try would count
	// towards the account's lockout in Active Directory.
	for range 5 {
		if _, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID); !errors.Is(err, mimcm.ErrUnauthorized) {
			t.Fatalf("later call: want ErrUnauthorized, got %v", err)
		}
	}
	if got := counter.n.Load(); got != 1 {
		t.Errorf("AUTHENTICATE messages sent: want 1 for six calls, got %d", got)
	}
}

// TestNTLMAuth_sendsNothingToOtherSchemes: a server that offers Basic or
// Bearer, or nothing, gets no Authorization header at all, and its 401
// comes back as it is.
func TestNTLMAuth_sendsNothingToOtherSchemes(t *testing.T) {
	for _, offers := range [][]string{{`Basic realm="MIM CM"`}, {"Bearer"}, nil} {
		t.Run(fmt.Sprint(offers), func(t *testing.T) {
			var mu sync.Mutex
			var seen []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen = append(seen, r.Header.Values("Authorization")...)
				mu.Unlock()
				for _, o := range offers {
					w.Header().Add("WWW-Authenticate", o)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"Message":"Authorization has been denied for this request."}`)
			}))
			t.Cleanup(srv.Close)
			c := newNTLMClient(t, srv.URL, mimcm.NTLMAuth(`CONTOSO\svc-terraform`, ntlmPassword, ""))
			_, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID)
			if !errors.Is(err, mimcm.ErrUnauthorized) || !strings.Contains(err.Error(), "Authorization has been denied") {
				t.Fatalf("want the server's own 401, got %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) != 0 {
				t.Fatalf("credentials sent to a server that did not ask for NTLM: %q", seen)
			}
		})
	}
}

// TestNTLMAuth_replaysBodies sends bodies through the handshake: a PUT
// through the API client (its bytes.Reader sets GetBody), and a POST and a PUT
// whose bodies have no GetBody.
func TestNTLMAuth_replaysBodies(t *testing.T) {
	m := newNTLMMock(t, mockapi.NTLMAuthenticator(ntlmUser, ntlmPassword, ntlmDomain))
	auth := mimcm.NTLMAuth(`CONTOSO\svc-terraform`, ntlmPassword, "")

	c := newNTLMClient(t, m.url, auth)
	got, err := c.SetStatus(t.Context(), mockapi.ExampleRequestID, mimcm.DesiredCompleted)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != mimcm.StatusCompleted {
		t.Fatalf("PUT through the handshake: want Completed, got %s", got.Status)
	}

	hc, _ := rawNTLMClient(auth, 4)
	const comment = "replayed through the NTLM handshake"
	body := `{"profiletemplateuuid":"c6b4b2bd-4c3b-4f0f-a5a6-b6c3b3e0b0c1","datacollection":[],"type":1,"comment":"` + comment + `","priority":1}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, m.url+mimcm.DefaultBasePath+"/requests", io.NopCloser(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	created, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST through the handshake: want 201, got %d %s", resp.StatusCode, created)
	}
	found := false
	for _, r := range m.Requests() {
		found = found || r.Comment == comment
	}
	if !found {
		t.Fatalf("the created request does not carry the POSTed comment; created %s", created)
	}
	if h := m.Handshakes(); h != 2 {
		t.Errorf("want 2 handshakes (one per client), got %d", h)
	}
}

// TestNTLMAuth_connectionReuse sends 500 GETs at Terraform's default
// parallelism of 10 through one client allowing 10 requests in flight and
// 16 idle connections (so 16 lanes): each connection authenticates at most
// once, and the lanes bound the connections.
func TestNTLMAuth_connectionReuse(t *testing.T) {
	const calls, parallelism, lanes = 500, 10, 16
	m := newNTLMMock(t, mockapi.NTLMAuthenticator(ntlmUser, ntlmPassword, ntlmDomain))
	c, err := mimcm.NewClient(mimcm.Config{
		Host: m.url, Auth: mimcm.NTLMAuth(`CONTOSO\svc-terraform`, ntlmPassword, ""),
		MaxRetries: 0, MaxConcurrentRequests: parallelism, MaxIdleConnsPerHost: lanes,
	})
	if err != nil {
		t.Fatal(err)
	}

	work := make(chan struct{}, calls)
	for range calls {
		work <- struct{}{}
	}
	close(work)
	errs := make(chan error, calls)
	var wg sync.WaitGroup
	for range parallelism {
		wg.Go(func() {
			for range work {
				if _, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	handshakes, conns := m.Handshakes(), m.Connections()
	unauthorized := 0
	for _, call := range m.Calls() {
		if call.Status == http.StatusUnauthorized {
			unauthorized++
		}
	}
	t.Logf("%d GETs at parallelism %d: %d NTLM handshakes on %d connections (%d lanes at most), %d answers 401",
		calls, parallelism, handshakes, conns, lanes, unauthorized)
	if handshakes < 1 || handshakes > conns {
		t.Errorf("want between 1 handshake and one per connection, got %d handshakes on %d connections", handshakes, conns)
	}
	if conns > lanes {
		t.Errorf("want at most %d connections (one per lane), got %d", lanes, conns)
	}
	// Authenticated connections send no Authorization: only handshakes
	// meet 401s, at most two each (the offer and the challenge).
	if unauthorized > 2*handshakes {
		t.Errorf("want at most %d answers 401 for %d handshakes, got %d", 2*handshakes, handshakes, unauthorized)
	}
}

// TestNTLMAuth_reauthenticatesNewConnection: when a lane's connection goes
// (idle timeout, server restart), the server's next 401 starts a new
// handshake on the new connection.
func TestNTLMAuth_reauthenticatesNewConnection(t *testing.T) {
	m := newNTLMMock(t, mockapi.NTLMAuthenticator(ntlmUser, ntlmPassword, ntlmDomain))
	hc, rt := rawNTLMClient(mimcm.NTLMAuth(`CONTOSO\svc-terraform`, ntlmPassword, ""), 4)
	get := func() {
		t.Helper()
		resp, err := hc.Get(m.url + mimcm.DefaultBasePath + "/requests/" + string(mockapi.ExampleRequestID))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("want 200, got %d", resp.StatusCode)
		}
	}
	get()
	get()
	closer, ok := rt.(interface{ CloseIdleConnections() })
	if !ok {
		t.Fatal("the NTLM round tripper cannot close its idle connections")
	}
	closer.CloseIdleConnections()
	get()
	if h, conns := m.Handshakes(), m.Connections(); h != 2 || conns != 2 {
		t.Errorf("want 2 handshakes on 2 connections, got %d on %d", h, conns)
	}
}

// TestNTLMAuth_waitsForAFreeLane: a request waits while every lane is
// held, gives up when its context ends, and goes once a body is closed.
func TestNTLMAuth_waitsForAFreeLane(t *testing.T) {
	m := newNTLMMock(t, mockapi.NTLMAuthenticator(ntlmUser, ntlmPassword, ntlmDomain))
	hc, _ := rawNTLMClient(mimcm.NTLMAuth(`CONTOSO\svc-terraform`, ntlmPassword, ""), 1)
	url := m.url + mimcm.DefaultBasePath + "/requests/" + string(mockapi.ExampleRequestID)

	held, err := hc.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if resp, err := hc.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		if resp != nil {
			resp.Body.Close()
		}
		t.Fatalf("with the only lane held: want the context's deadline, got %v", err)
	}
	_, _ = io.Copy(io.Discard, held.Body)
	held.Body.Close()
	resp, err := hc.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after the lane was released: want 200, got %d", resp.StatusCode)
	}
}

// TestNTLMAuth_http1Only: lanes speak HTTP/1.1 even when the transport
// they clone has negotiated HTTP/2, which NTLM cannot authenticate.
func TestNTLMAuth_http1Only(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	base := srv.Client().Transport.(*http.Transport).Clone()
	base.ForceAttemptHTTP2 = true
	proto := func(rt http.RoundTripper) string {
		t.Helper()
		resp, err := (&http.Client{Transport: rt}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := proto(base); got != "HTTP/2.0" {
		t.Fatalf("the base transport should speak HTTP/2 to this server, got %s", got)
	}
	if got := proto(mimcm.NTLMAuth("u", "p", "").Wrap(base)); got != "HTTP/1.1" {
		t.Fatalf("a lane spoke %s", got)
	}
}

// TestNTLMAuth_unanswerableChallenge: a CHALLENGE go-ntlmssp cannot answer
// (here one demanding key exchange) fails the call at once, as an
// authentication failure that says why, without the password.
func TestNTLMAuth_unanswerableChallenge(t *testing.T) {
	challenge := make([]byte, 48)
	copy(challenge, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(challenge[8:], 2)
	binary.LittleEndian.PutUint32(challenge[20:], 1|1<<9|1<<30) // UNICODE, NTLM, KEY_EXCH
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if strings.HasPrefix(r.Header.Get("Authorization"), "NTLM ") {
			w.Header().Set("WWW-Authenticate", "NTLM "+base64.StdEncoding.EncodeToString(challenge))
		} else {
			w.Header().Set("WWW-Authenticate", "NTLM")
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	c, err := mimcm.NewClient(mimcm.Config{Host: srv.URL, Auth: mimcm.NTLMAuth(`CONTOSO\svc-terraform`, ntlmPassword, ""), MaxRetries: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRequest(t.Context(), mockapi.ExampleRequestID)
	if !errors.Is(err, mimcm.ErrUnauthorized) || !strings.Contains(err.Error(), "NTLM: the server's challenge cannot be answered") || !strings.Contains(err.Error(), "key exchange") {
		t.Fatalf("want an authentication failure about the challenge, got %v", err)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("want 2 legs and no retry, the server saw %d requests", got)
	}
	if strings.Contains(err.Error(), ntlmPassword) {
		t.Fatalf("the error shows the password: %v", err)
	}
}

func TestNTLMAuth_describesItselfWithoutThePassword(t *testing.T) {
	a := mimcm.NTLMAuth(`CONTOSO\svc-terraform`, ntlmPassword, "")
	if a.Name() != "ntlm" || a.SendsSecrets() {
		t.Fatalf("Name %q, SendsSecrets %v: want ntlm, false", a.Name(), a.SendsSecrets())
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(format, a); strings.Contains(s, ntlmPassword) {
			t.Errorf("%s shows the password: %s", format, s)
		}
	}
}
