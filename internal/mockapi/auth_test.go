package mockapi

import (
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// toyAuth is a two-leg, connection-bound scheme: "Toy hello" is answered
// with a 401 carrying "Toy challenge", then "Toy answer" on the same
// connection authenticates it; the success carries a mutual token.
type toyAuth struct{}

func (toyAuth) Challenge() string { return "Toy" }

func (toyAuth) Authenticate(r *http.Request, conn *Conn) AuthOutcome {
	switch r.Header.Get("Authorization") {
	case "Toy hello":
		conn.SetValue("toy", "challenged")
		return AuthOutcome{Verdict: AuthContinue, Header: "Toy challenge"}
	case "Toy answer":
		if conn.Value("toy") != "challenged" {
			return AuthOutcome{Verdict: AuthFailed}
		}
		return AuthOutcome{Verdict: AuthOK, Header: "Toy mutual", Persist: true}
	}
	if hasScheme(r, "Toy") {
		return AuthOutcome{Verdict: AuthFailed}
	}
	return AuthOutcome{Verdict: AuthNotMine}
}

func TestAuthenticate_connectionBoundHandshake(t *testing.T) {
	f := newFixture(t, Options{Auth: []Authenticator{toyAuth{}}}, ExampleRequest())
	path := mimcm.DefaultBasePath + "/requests/" + string(ExampleRequestID)

	// One connection per client, so that each client is one connection.
	newClient := func() *http.Client {
		return &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	}
	call := func(c *http.Client, authz string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, f.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		// Read to the end, or the connection is not reused.
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}

	first := newClient()
	if resp := call(first, ""); resp.StatusCode != 401 || !slices.Equal(resp.Header.Values("WWW-Authenticate"), []string{"Toy"}) {
		t.Fatalf("no credentials: want 401 with WWW-Authenticate Toy, got %d %q", resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
	}
	if resp := call(first, "Toy hello"); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != "Toy challenge" {
		t.Fatalf("first leg: want 401 with the challenge, got %d %q", resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
	}
	if resp := call(first, "Toy answer"); resp.StatusCode != 200 || resp.Header.Get("WWW-Authenticate") != "Toy mutual" {
		t.Fatalf("second leg: want 200 with the mutual token, got %d %q", resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
	}
	if resp := call(first, ""); resp.StatusCode != 200 {
		t.Fatalf("the authenticated connection must need no credentials, got %d", resp.StatusCode)
	}

	second := newClient()
	if resp := call(second, ""); resp.StatusCode != 401 {
		t.Fatalf("a new connection must authenticate again, got %d", resp.StatusCode)
	}
	if resp := call(second, "Toy answer"); resp.StatusCode != 401 {
		t.Fatalf("an answer without a challenge on this connection must fail, got %d", resp.StatusCode)
	}
	if got := f.Connections(); got != 2 {
		t.Errorf("Connections: want 2, got %d", got)
	}
	f.ResetCalls()
	if got := f.Connections(); got != 0 {
		t.Errorf("Connections after ResetCalls: want 0, got %d", got)
	}
}

func TestAuthenticate_withoutConnContextStillChecksPerCall(t *testing.T) {
	s := New(Options{BearerToken: "t0ken"})
	s.Seed(ExampleRequest())
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, mimcm.DefaultBasePath+"/requests/"+string(ExampleRequestID), nil)
	req.Header.Set("Authorization", "Bearer t0ken")
	ok, _ := s.authenticate(req)
	if !ok {
		t.Fatal("a good bearer token must pass without a connection")
	}
	req.Header.Set("Authorization", "Bearer nope")
	if ok, challenges := s.authenticate(req); ok || !slices.Equal(challenges, []string{"Bearer"}) {
		t.Fatalf("a wrong token: want refused with the Bearer challenge, got %v %q", ok, challenges)
	}
}
