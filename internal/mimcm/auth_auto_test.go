package mimcm

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// challengeServer demands one scheme: it answers 401 with challenges until
// a request's Authorization equals want, and echoes the PUT body.
func challengeServer(t *testing.T, want string, challenges ...string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var unauthorized atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != want {
			unauthorized.Add(1)
			for _, c := range challenges {
				w.Header().Add("WWW-Authenticate", c)
			}
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &unauthorized
}

func autoClient(methods ...Authenticator) *http.Client {
	return &http.Client{Transport: AutoAuth(methods...).Wrap(http.DefaultTransport)}
}

func TestAutoAuth_picksTheOfferedSchemeAndKeepsIt(t *testing.T) {
	srv, unauthorized := challengeServer(t, "Bearer t0ken", `Basic realm="MIM CM"`, "Bearer")
	// Both schemes are offered: the first method listed wins.
	c := autoClient(BearerAuth("t0ken"), BasicAuth("u", "p"))
	for i := range 3 {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPut, srv.URL, strings.NewReader(`{"status":"Completed"}`))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(`{"status":"Completed"}`)), nil }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != `{"status":"Completed"}` {
			t.Fatalf("call %d: want 200 with the body replayed, got %d %q", i+1, resp.StatusCode, body)
		}
	}
	if got := unauthorized.Load(); got != 1 {
		t.Errorf("only the first call may meet a 401: got %d", got)
	}
}

func TestAutoAuth_nothingToAnswerWith(t *testing.T) {
	srv, _ := challengeServer(t, "never", "Negotiate", "NTLM")
	resp, err := autoClient(BasicAuth("u", "p"), BearerAuth("t")).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("want the server's 401, got %d", resp.StatusCode)
	}
}

func TestAutoAuth_noMethodsSendsNothing(t *testing.T) {
	srv, unauthorized := challengeServer(t, "", "Negotiate")
	resp, err := autoClient().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || unauthorized.Load() != 0 {
		t.Fatalf("want 200 without credentials, got %d (%d refused)", resp.StatusCode, unauthorized.Load())
	}
	if AutoAuth().SendsSecrets() || !AutoAuth(BasicAuth("u", "p")).SendsSecrets() {
		t.Error("SendsSecrets must follow the methods offered")
	}
}

func TestOfferedSchemes(t *testing.T) {
	got := offeredSchemes([]string{`Basic realm="MIM CM", charset="UTF-8"`, "Negotiate", "NTLM abc=="})
	for _, want := range []string{"basic", "negotiate", "ntlm"} {
		if !got[want] {
			t.Errorf("%s missing from %v", want, got)
		}
	}
	if got["charset=\"utf-8\""] || len(got) != 3 {
		t.Errorf("parameters taken for schemes: %v", got)
	}
}
