package mockapi

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/spnego"

	"github.com/mimcm/terraform-provider-mimcm/internal/testkdc"
)

func TestNegotiateAuthenticator_badKeytab(t *testing.T) {
	t.Parallel()
	if _, err := NegotiateAuthenticator([]byte("not a keytab"), ""); err == nil || !strings.Contains(err.Error(), "keytab cannot be read") {
		t.Fatalf("got %v", err)
	}
	kt := keytab.New()
	if err := kt.AddEntry("HTTP/other.test", "MIMCM.TEST", "pw", time.Now(), 1, 18); err != nil {
		t.Fatal(err)
	}
	b, err := kt.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NegotiateAuthenticator(b, "HTTP/127.0.0.1"); err == nil || !strings.Contains(err.Error(), "no key for HTTP/127.0.0.1") {
		t.Fatalf("got %v", err)
	}
	for _, spn := range []string{"", "HTTP/other.test", "http/OTHER.test@MIMCM.TEST"} {
		if _, err := NegotiateAuthenticator(b, spn); err != nil {
			t.Errorf("spn %q: %v", spn, err)
		}
	}
}

// kerberosClient logs alice in with gokrb5's client.
func kerberosClient(t *testing.T, realm *testkdc.Realm) *client.Client {
	t.Helper()
	conf, err := config.NewFromString(realm.Krb5Conf)
	if err != nil {
		t.Fatal(err)
	}
	cl := client.NewWithPassword(realm.User, realm.Name, realm.Password, conf, client.DisablePAFXFAST(true))
	if err := cl.Login(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Destroy)
	return cl
}

// negotiateHeader is an Authorization header with a fresh SPNEGO token for spn.
func negotiateHeader(t *testing.T, cl *client.Client, spn string) string {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	if err := spnego.SetSPNEGOHeader(cl, r, spn); err != nil {
		t.Fatal(err)
	}
	return r.Header.Get("Authorization")
}

func TestKerberosNegotiateAuthenticator_verifiesTokens(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	if _, err := realm.KAdmin("addprinc -randkey HTTP/other.test@" + realm.Name); err != nil {
		t.Fatal(err)
	}
	a, err := NegotiateAuthenticator(realm.ServiceKeytab, realm.SPN)
	if err != nil {
		t.Fatal(err)
	}
	n := a.(*NegotiateService)
	cl := kerberosClient(t, realm)
	good := negotiateHeader(t, cl, realm.SPN)

	check := func(name, header string, want AuthVerdict) AuthOutcome {
		t.Helper()
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		out := n.Authenticate(r, nil)
		if out.Verdict != want {
			t.Errorf("%s: verdict %d, want %d (refused: %q)", name, out.Verdict, want, n.Refused())
		}
		return out
	}
	check("no header", "", AuthNotMine)
	check("Basic", "Basic YWxpY2U6cHc=", AuthNotMine)
	check("NTLM inside Negotiate", "Negotiate "+base64.StdEncoding.EncodeToString([]byte("NTLMSSP\x00\x01\x00\x00\x00")), AuthNotMine)
	check("not base64", "Negotiate !!!", AuthFailed)
	check("not a token", "Negotiate "+base64.StdEncoding.EncodeToString([]byte("hello")), AuthFailed)

	out := check("a good token", good, AuthOK)
	if !out.Persist {
		t.Error("a good token must authenticate the connection, as IIS does")
	}
	// gokrb5's client does not ask for mutual authentication: the answer
	// is a bare accept-completed.
	if out.Header != "Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==" {
		t.Errorf("answer header %q, want SPNEGO accept-completed", out.Header)
	}
	if got := n.Accepted(); len(got) != 1 || got[0] != realm.Principal() {
		t.Errorf("Accepted() = %q, want [%s]", got, realm.Principal())
	}

	check("the same token again (a replay)", good, AuthFailed)
	check("a ticket for another service", negotiateHeader(t, cl, "HTTP/other.test"), AuthFailed)
	if refused := strings.Join(n.Refused(), "\n"); !strings.Contains(refused, "replay") || !strings.Contains(refused, "the ticket is for HTTP/other.test, not for HTTP/127.0.0.1") {
		t.Errorf("Refused() does not say why: %s", refused)
	}
	if got := len(n.Accepted()); got != 1 {
		t.Errorf("%d tokens accepted, want 1", got)
	}
}

func TestKerberosNegotiateAuthenticator_overHTTP(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	a, err := NegotiateAuthenticator(realm.ServiceKeytab, realm.SPN)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, Options{Auth: []Authenticator{a}}, ExampleRequest())
	cl := kerberosClient(t, realm)
	hc := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	t.Cleanup(hc.CloseIdleConnections)

	get := func(auth string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, f.url+base+"/requests/"+exampleID, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	resp := get("")
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != "Negotiate" {
		t.Fatalf("without a token: %d %q, want 401 Negotiate", resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
	}
	resp = get(negotiateHeader(t, cl, realm.SPN))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Negotiate ") {
		t.Fatalf("with a token: %d %q, want 200 with a Negotiate answer", resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
	}
	if resp = get(""); resp.StatusCode != http.StatusOK {
		t.Fatalf("the authenticated connection must need no token, got %d", resp.StatusCode)
	}
	if got := f.Connections(); got != 1 {
		t.Errorf("%d connections, want 1", got)
	}
}
