package mimcm_test

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

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
	"github.com/mimcm/terraform-provider-mimcm/internal/testkdc"
)

// elsewhere is a server at another origin that records what reaches it.
type elsewhere struct {
	URL  string
	mu   sync.Mutex
	seen []*http.Request
}

func newElsewhere(t *testing.T) *elsewhere {
	t.Helper()
	e := &elsewhere{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.seen = append(e.seen, r.Clone(context.Background()))
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"Uuid":"` + string(mockapi.ExampleRequestID) + `","Status":6}`))
	}))
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

// received describes every request that reached the other origin.
func (e *elsewhere) received() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, r := range e.seen {
		out = append(out, r.Method+" "+r.URL.Path+" Authorization="+r.Header.Get("Authorization")+" X-Api-Key="+r.Header.Get("X-Api-Key"))
	}
	return out
}

// redirector answers every call with a redirect to target plus the path.
func redirector(t *testing.T, status int, target string, tls bool) (*httptest.Server, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method)
		mu.Unlock()
		w.Header().Set("Location", target+r.URL.Path)
		w.WriteHeader(status)
	})
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, &seen
}

// TestRedirect_credentialsStayAtTheOrigin redirects every call, GET and
// PUT, with each redirect status, to another origin — another port,
// another host name for the same address, http from https — for each
// authentication method, and checks that nothing reaches the other
// origin: no credential, no custom header, no request at all. The call
// fails with the status and the Location; a PUT says its status was not
// sent.
func TestRedirect_credentialsStayAtTheOrigin(t *testing.T) {
	t.Parallel()
	type method struct {
		name string
		auth func(t *testing.T) mimcm.Authenticator
	}
	methods := []method{
		{"none with headers", func(*testing.T) mimcm.Authenticator { return mimcm.NoAuth() }},
		{"basic", func(*testing.T) mimcm.Authenticator { return mimcm.BasicAuth(`CONTOSO\alice`, "S3cret!") }},
		{"bearer", func(*testing.T) mimcm.Authenticator { return mimcm.BearerAuth("eyJ0eXAi.secret-token") }},
		{"ntlm", func(*testing.T) mimcm.Authenticator { return mimcm.NTLMAuth(`CONTOSO\svc`, "S3cret!", "") }},
		{"auto", func(*testing.T) mimcm.Authenticator {
			return mimcm.AutoAuth(mimcm.NTLMAuth(`CONTOSO\svc`, "S3cret!", ""), mimcm.BasicAuth("alice", "S3cret!"))
		}},
	}
	if testkdc.Available() == nil {
		realm := testkdc.New(t)
		methods = append(methods, method{"negotiate", func(t *testing.T) mimcm.Authenticator {
			a, err := mimcm.NegotiateAuth(mimcm.KerberosConfig{Username: realm.User, Password: realm.Password, Krb5Conf: realm.Krb5Conf})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}})
	} else {
		t.Logf("negotiate not covered: %v", testkdc.Available())
	}
	other := newElsewhere(t)
	otherPort := other.URL[strings.LastIndex(other.URL, ":"):]
	targets := map[string]string{
		"another port":      other.URL,
		"another host name": "http://localhost" + otherPort,
	}
	for _, m := range methods {
		for targetName, target := range targets {
			for _, status := range []int{301, 302, 303, 307, 308} {
				for _, verb := range []string{"GET", "PUT"} {
					t.Run(m.name+"/"+targetName+"/"+strconv.Itoa(status)+"/"+verb, func(t *testing.T) {
						front, seen := redirector(t, status, target, false)
						checkRedirectRefused(t, m.auth(t), front.URL, status, verb, target, false, seen)
					})
				}
			}
		}
		t.Run(m.name+"/https to http/307/PUT", func(t *testing.T) {
			front, seen := redirector(t, 307, other.URL, true)
			checkRedirectRefused(t, m.auth(t), front.URL, 307, "PUT", other.URL, true, seen)
		})
		t.Run(m.name+"/https to http/302/GET", func(t *testing.T) {
			front, seen := redirector(t, 302, other.URL, true)
			checkRedirectRefused(t, m.auth(t), front.URL, 302, "GET", other.URL, true, seen)
		})
	}
	if got := other.received(); len(got) > 0 {
		t.Errorf("the other origin received %d requests:\n%s", len(got), strings.Join(got, "\n"))
	}
}

func checkRedirectRefused(t *testing.T, auth mimcm.Authenticator, host string, status int, verb, target string, insecure bool, seen *[]string) {
	t.Helper()
	c, err := mimcm.NewClient(mimcm.Config{
		Host: host, Auth: auth, MaxRetries: 2, RequestTimeout: 10 * time.Second, InsecureSkipVerify: insecure,
		Headers: map[string]string{"X-Api-Key": "custom-secret"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if verb == "GET" {
		_, err = c.GetRequest(ctx, mockapi.ExampleRequestID)
	} else {
		_, err = c.SetStatus(ctx, mockapi.ExampleRequestID, mimcm.DesiredCompleted)
	}
	apiErr := wantAPIError(t, err, mimcm.ErrRedirected)
	if apiErr.StatusCode != status || apiErr.Method != verb {
		t.Errorf("error = %+v, want %s's HTTP %d", apiErr, verb, status)
	}
	msg := err.Error()
	for _, want := range []string{"HTTP " + strconv.Itoa(status), target + "/CertificateManagement/api/v1.0/requests/", "host", "base_path"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q\ndoes not contain %q", msg, want)
		}
	}
	if verb == "PUT" && !strings.Contains(msg, "status was NOT sent") {
		t.Errorf("error %q does not say that the status was not sent", msg)
	}
	// One call to the configured host, not retried and, for a PUT, not
	// settled by a read: nothing was applied anywhere.
	if got := strings.Join(*seen, " "); got != verb {
		t.Errorf("the configured host saw %q, want one %s", got, verb)
	}
}

// TestRedirect_withinTheOrigin checks that a GET follows a redirect within
// the configured origin, credentials and all, and that a PUT does not: it
// fails without being sent on, saying so.
func TestRedirect_withinTheOrigin(t *testing.T) {
	t.Parallel()
	m := mockapi.New(mockapi.Options{})
	m.Seed(mockapi.ExampleRequest())
	var mu sync.Mutex
	var moved []string
	mux := http.NewServeMux()
	mux.HandleFunc("/moved/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		moved = append(moved, r.Method+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Location", strings.TrimPrefix(r.URL.Path, "/moved"))
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	mux.Handle("/", m)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := mimcm.NewClient(mimcm.Config{Host: srv.URL, BasePath: "/moved" + mimcm.DefaultBasePath, Auth: mimcm.BearerAuth("tok"), MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetRequest(context.Background(), mockapi.ExampleRequestID)
	if err != nil {
		t.Fatalf("GET redirected within the origin: %v", err)
	}
	if got.Uuid != mockapi.ExampleRequestID {
		t.Errorf("got %s", got.Uuid)
	}
	_, err = c.SetStatus(context.Background(), mockapi.ExampleRequestID, mimcm.DesiredCompleted)
	apiErr := wantAPIError(t, err, mimcm.ErrRedirected)
	if apiErr.StatusCode != 307 || !strings.Contains(err.Error(), "status was NOT sent") {
		t.Errorf("PUT redirected within the origin: %v", err)
	}
	if got := strings.Join(moved, ", "); got != "GET Bearer tok, PUT Bearer tok" {
		t.Errorf("the redirecting route saw %q", got)
	}
	if n := m.Counts()["PUT"]; n != 0 {
		t.Errorf("the API received %d PUTs, want none: a redirected PUT is never sent on", n)
	}
	if ex, _ := m.Request(mockapi.ExampleRequestID); ex.Status.IsTerminal() {
		t.Errorf("the request is %s", ex.Status)
	}
}

// TestRedirect_loopStops checks that a GET redirected round in circles
// within the origin stops after a few redirects, with ErrRedirected.
func TestRedirect_loopStops(t *testing.T) {
	t.Parallel()
	var n int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Location", r.URL.Path)
		w.WriteHeader(http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	c, err := mimcm.NewClient(mimcm.Config{Host: srv.URL, MaxRetries: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRequest(context.Background(), mockapi.ExampleRequestID)
	_ = wantAPIError(t, err, mimcm.ErrRedirected)
	if !strings.Contains(err.Error(), "at most 5") || n != 6 || errors.Is(err, mimcm.ErrTransport) {
		t.Errorf("after %d calls: %v", n, err)
	}
}
