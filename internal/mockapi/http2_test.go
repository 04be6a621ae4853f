package mockapi_test

import (
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/net/http2"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
	"github.com/mimcm/terraform-provider-mimcm/internal/testcerts"
)

// serveTLS serves m over https, configured by ConfigureTLS.
func serveTLS(t *testing.T, m *mockapi.Server, ca *testcerts.CA) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(m)
	srv.Config.ConnContext = m.ConnContext
	srv.TLS = ca.ServerTLS(t)
	m.ConfigureTLS(srv.Config, srv.TLS)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

// protocolClient speaks only HTTP/2, or only HTTP/1.1, to servers ca signed.
func protocolClient(t *testing.T, ca *testcerts.CA, h2 bool) *http.Client {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}}
	if !h2 {
		return &http.Client{Transport: tr}
	}
	if _, err := http2.ConfigureTransports(tr); err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: tr}
}

func TestServer_ConfigureTLS(t *testing.T) {
	t.Parallel()
	ca := testcerts.NewCA(t, "mock CA")
	path := mimcm.DefaultBasePath + "/requests/" + string(mockapi.ExampleRequestID)
	get := func(c *http.Client, url string) (*http.Response, error) {
		t.Helper()
		resp, err := c.Get(url + path)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return resp, err
	}

	t.Run("HTTP/2 without Windows authentication", func(t *testing.T) {
		t.Parallel()
		m := mockapi.New(mockapi.Options{BearerToken: "tok"})
		m.Seed(mockapi.ExampleRequest())
		url := serveTLS(t, m, ca)
		for _, h2 := range []bool{true, false} {
			resp, err := get(protocolClient(t, ca, h2), url)
			if err != nil {
				t.Fatalf("h2 %v: %v", h2, err)
			}
			if want := map[bool]int{true: 2, false: 1}[h2]; resp.ProtoMajor != want || resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("h2 %v: want HTTP/%d 401, got %s %d", h2, want, resp.Proto, resp.StatusCode)
			}
		}
	})

	for _, auth := range []mockapi.Authenticator{
		mockapi.NTLMAuthenticator("svc", "pw", "CONTOSO"),
		negotiateOnly{mockapi.NTLMAuthenticator("svc", "pw", "CONTOSO")},
	} {
		t.Run("HTTP_1_1_REQUIRED with "+auth.Challenge(), func(t *testing.T) {
			t.Parallel()
			m := mockapi.New(mockapi.Options{Auth: []mockapi.Authenticator{auth}})
			m.Seed(mockapi.ExampleRequest())
			url := serveTLS(t, m, ca)

			h2 := protocolClient(t, ca, true)
			for i := range 3 { // the connection stays usable after a refusal
				_, err := get(h2, url)
				var streamErr http2.StreamError
				if !errors.As(err, &streamErr) || streamErr.Code != http2.ErrCodeHTTP11Required {
					t.Fatalf("HTTP/2 call %d: want a stream error HTTP_1_1_REQUIRED, got %v", i+1, err)
				}
			}
			if n := len(m.Calls()); n != 0 {
				t.Errorf("refused calls reached the API: %d in the call log", n)
			}
			resp, err := get(protocolClient(t, ca, false), url)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), auth.Challenge()) {
				t.Errorf("HTTP/1.1: want a 401 challenging %s, got %d %q", auth.Challenge(), resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
			}
		})
	}
}

// negotiateOnly offers an authenticator's scheme as Negotiate.
type negotiateOnly struct{ mockapi.Authenticator }

func (negotiateOnly) Challenge() string { return "Negotiate" }
