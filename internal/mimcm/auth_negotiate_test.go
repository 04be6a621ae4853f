package mimcm_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
	"github.com/mimcm/terraform-provider-mimcm/internal/testkdc"
)

// kerberosMock is a mock API that demands Negotiate tokens for the
// realm's HTTP/127.0.0.1.
type kerberosMock struct {
	*mockapi.Server
	URL     string
	service *mockapi.NegotiateService
}

// mockSetup changes how the mock serves.
type mockSetup struct {
	// noKeepAlive makes every call come on a new connection, which must
	// authenticate again: the server then checks every token.
	noKeepAlive bool
	// wrap replaces the mock's authenticator with one built around it.
	wrap func(mockapi.Authenticator) mockapi.Authenticator
}

func newKerberosMock(t *testing.T, realm *testkdc.Realm, setup mockSetup) *kerberosMock {
	t.Helper()
	auth, err := mockapi.NegotiateAuthenticator(realm.ServiceKeytab, realm.SPN)
	if err != nil {
		t.Fatal(err)
	}
	service := auth.(*mockapi.NegotiateService)
	if setup.wrap != nil {
		auth = setup.wrap(auth)
	}
	m := mockapi.New(mockapi.Options{Auth: []mockapi.Authenticator{auth}})
	m.Seed(mockapi.ExampleRequest())
	srv := httptest.NewUnstartedServer(m)
	srv.Config.ConnContext = m.ConnContext
	srv.Config.SetKeepAlivesEnabled(!setup.noKeepAlive)
	srv.Start()
	t.Cleanup(srv.Close)
	return &kerberosMock{Server: m, URL: srv.URL, service: service}
}

// kerberosClient is a client with Negotiate auth that retries quickly.
func kerberosClient(t *testing.T, url string, cfg mimcm.KerberosConfig) *mimcm.Client {
	t.Helper()
	auth, err := mimcm.NegotiateAuth(cfg)
	if err != nil {
		t.Fatalf("NegotiateAuth: %v", err)
	}
	c, err := mimcm.NewClient(mimcm.Config{
		Host: url, Auth: auth, MaxRetries: 2,
		RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 20 * time.Millisecond,
		RequestTimeout: 20 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// statuses lists the HTTP statuses the mock answered, in order.
func statuses(m *kerberosMock) string {
	var out []string
	for _, c := range m.Calls() {
		out = append(out, fmt.Sprintf("%s %d", c.Method, c.Status))
	}
	return strings.Join(out, ", ")
}

func getExample(t *testing.T, c *mimcm.Client) {
	t.Helper()
	got, err := c.GetRequest(context.Background(), mockapi.ExampleRequestID)
	if err != nil {
		t.Fatalf("GetRequest: %v", err)
	}
	if got.Uuid != mockapi.ExampleRequestID {
		t.Fatalf("got request %s", got.Uuid)
	}
}

func TestKerberos_logins(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	for name, cfg := range map[string]mimcm.KerberosConfig{
		"password":                  {Username: realm.User, Password: realm.Password},
		"password, user@REALM":      {Username: realm.Principal(), Password: realm.Password},
		"password, explicit realm":  {Username: realm.User, Password: realm.Password, Realm: realm.Name},
		"password, DOMAIN\\user":    {Username: "MIMCM\\" + realm.User, Password: realm.Password},
		"keytab":                    {Username: realm.User, Keytab: realm.UserKeytab},
		"ccache":                    {CCachePath: realm.CCachePath},
		"ccache, FILE: and user":    {CCachePath: "FILE:" + realm.CCachePath, Username: realm.Principal()},
		"password, explicit SPN":    {Username: realm.User, Password: realm.Password, SPN: realm.SPN},
		"keytab, lower-case realm":  {Username: realm.User + "@mimcm.test", Keytab: realm.UserKeytab},
		"ccache, explicit SPN":      {CCachePath: realm.CCachePath, SPN: realm.SPN},
		"password, UPN-style realm": {Username: realm.User + "@Mimcm.Test", Password: realm.Password},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg.Krb5Conf = realm.Krb5Conf
			m := newKerberosMock(t, realm, mockSetup{})
			c := kerberosClient(t, m.URL, cfg)

			getExample(t, c)
			getExample(t, c)
			if got, want := statuses(m), "GET 401, GET 200, GET 200"; got != want {
				t.Errorf("calls: got %s, want %s (challenge, token, then the authenticated connection)", got, want)
			}
			if got := m.service.Accepted(); len(got) != 1 || got[0] != realm.Principal() {
				t.Errorf("the mock accepted %q, want one token of %s (refused: %q)", got, realm.Principal(), m.service.Refused())
			}
		})
	}
}

func TestKerberos_tokenSentUpFrontOnNewConnections(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	m := newKerberosMock(t, realm, mockSetup{noKeepAlive: true})
	c := kerberosClient(t, m.URL, mimcm.KerberosConfig{Username: realm.User, Password: realm.Password, Krb5Conf: realm.Krb5Conf})
	for i := 0; i < 4; i++ {
		getExample(t, c)
	}
	// One challenge at first; afterwards every call carries a fresh token
	// (the server refuses a replayed authenticator) from the one cached
	// service ticket.
	if got, want := statuses(m), "GET 401, GET 200, GET 200, GET 200, GET 200"; got != want {
		t.Errorf("calls: got %s, want %s", got, want)
	}
	if got := len(m.service.Accepted()); got != 4 {
		t.Errorf("the mock accepted %d tokens, want 4 (refused: %q)", got, m.service.Refused())
	}
	if as, tgs := realm.Issued("AS_REQ"), realm.Issued("TGS_REQ"); as != 2 || tgs != 1 {
		// kinit's login in the harness is one of the AS_REQs.
		t.Errorf("KDC issued %d TGTs and %d service tickets, want 2 (kinit's and ours) and 1", as, tgs)
	}
}

func TestKerberos_putBodyIsSentAgainWithTheToken(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	m := newKerberosMock(t, realm, mockSetup{})
	c := kerberosClient(t, m.URL, mimcm.KerberosConfig{Username: realm.User, Keytab: realm.UserKeytab, Krb5Conf: realm.Krb5Conf})

	got, err := c.SetStatus(context.Background(), mockapi.ExampleRequestID, mimcm.DesiredCompleted)
	if err != nil {
		t.Fatalf("SetStatus: %v", err)
	}
	if got.Status != mimcm.StatusCompleted {
		t.Fatalf("status %s, want Completed", got.Status)
	}
	if got, want := statuses(m), "PUT 401, PUT 200"; got != want {
		t.Errorf("calls: got %s, want %s", got, want)
	}
}

func TestKerberos_parallelCallsShareOneLogin(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	m := newKerberosMock(t, realm, mockSetup{noKeepAlive: true})
	asBefore := realm.Issued("AS_REQ")
	c := kerberosClient(t, m.URL, mimcm.KerberosConfig{Username: realm.User, Password: realm.Password, Krb5Conf: realm.Krb5Conf})

	const calls = 40
	getConcurrently(t, c, calls)
	if as, tgs := realm.Issued("AS_REQ")-asBefore, realm.Issued("TGS_REQ"); as != 1 || tgs != 1 {
		t.Errorf("%d parallel calls made %d logins and got %d service tickets, want 1 and 1", calls, as, tgs)
	}
	if got := len(m.service.Accepted()); got != calls {
		t.Errorf("the mock accepted %d tokens, want %d (refused: %q)", got, calls, m.service.Refused())
	}
}

func TestKerberos_wrongPassword(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	m := newKerberosMock(t, realm, mockSetup{})
	c := kerberosClient(t, m.URL, mimcm.KerberosConfig{Username: realm.User, Password: "wrong-" + realm.Password, Krb5Conf: realm.Krb5Conf})
	asBefore := strings.Count(realm.Log(), "AS_REQ")

	for i := 0; i < 3; i++ {
		_, err := c.GetRequest(context.Background(), mockapi.ExampleRequestID)
		apiErr := wantAPIError(t, err, mimcm.ErrUnauthorized)
		if apiErr.Attempts != 1 {
			t.Errorf("a refused password was tried %d times: retrying cannot help and may lock the account", apiErr.Attempts)
		}
		msg := err.Error()
		for _, want := range []string{"Kerberos login as alice@MIMCM.TEST with a password", "wrong password", "Check the password of alice@MIMCM.TEST"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the error does not say %q: %s", want, msg)
			}
		}
		if strings.Contains(msg, realm.Password) {
			t.Fatalf("the error reveals the password: %s", msg)
		}
	}
	// Two AS_REQs (without, then with pre-authentication) for the first
	// call; the refusal is remembered, so no more.
	if got := strings.Count(realm.Log(), "AS_REQ") - asBefore; got != 2 {
		t.Errorf("the KDC saw %d AS_REQs, want 2: a refused password must not be tried again", got)
	}
}

func TestKerberos_unknownUser(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	m := newKerberosMock(t, realm, mockSetup{})
	c := kerberosClient(t, m.URL, mimcm.KerberosConfig{Username: "bob", Password: "x", Krb5Conf: realm.Krb5Conf})
	_, err := c.GetRequest(context.Background(), mockapi.ExampleRequestID)
	_ = wantAPIError(t, err, mimcm.ErrUnauthorized) // only the checks it makes matter here
	if !strings.Contains(err.Error(), "the KDC does not know the user bob@MIMCM.TEST") {
		t.Errorf("the error does not name the unknown user: %v", err)
	}
}

func TestKerberos_unknownSPN(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	m := newKerberosMock(t, realm, mockSetup{})
	c := kerberosClient(t, m.URL, mimcm.KerberosConfig{
		Username: realm.User, Password: realm.Password, Krb5Conf: realm.Krb5Conf, SPN: "HTTP/mimcm.nowhere.test",
	})
	_, err := c.GetRequest(context.Background(), mockapi.ExampleRequestID)
	apiErr := wantAPIError(t, err, mimcm.ErrUnauthorized)
	for _, want := range []string{"service ticket for HTTP/mimcm.nowhere.test", "knows no service principal HTTP/mimcm.nowhere.test", "setspn", "kerberos_spn"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	if apiErr.Attempts != 1 {
		t.Errorf("an unknown SPN was tried %d times", apiErr.Attempts)
	}
}

func TestKerberos_kdcUnreachable(t *testing.T) {
	t.Parallel()
	// No KDC needed: the configuration points at a port nothing listens on.
	ln := closedLoopbackAddr()
	conf := "[libdefaults]\n default_realm = MIMCM.TEST\n udp_preference_limit = 1\n[realms]\n MIMCM.TEST = {\n  kdc = " + ln + "\n }\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", "Negotiate")
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	c := kerberosClient(t, srv.URL, mimcm.KerberosConfig{Username: "alice", Password: "pw", Krb5Conf: conf})

	_, err := c.GetRequest(context.Background(), mockapi.ExampleRequestID)
	apiErr := wantAPIError(t, err, mimcm.ErrTransport)
	if apiErr.Attempts != 3 {
		t.Errorf("a KDC out of reach may come back: want 3 attempts, got %d", apiErr.Attempts)
	}
	for _, want := range []string{"no KDC of realm MIMCM.TEST answered", "kdc " + ln, "port 88"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
}

func TestKerberos_ccacheExpired(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	cc := filepath.Join(t.TempDir(), "short-lived")
	if err := realm.Kinit(cc, "-l", "3s"); err != nil {
		t.Fatal(err)
	}
	m := newKerberosMock(t, realm, mockSetup{})
	c := kerberosClient(t, m.URL, mimcm.KerberosConfig{CCachePath: cc, Krb5Conf: realm.Krb5Conf})
	getExample(t, c)

	time.Sleep(4 * time.Second)
	_, err := c.GetRequest(context.Background(), mockapi.ExampleRequestID)
	_ = wantAPIError(t, err, mimcm.ErrUnauthorized) // only the checks it makes matter here
	for _, want := range []string{"credential cache " + cc, "alice@MIMCM.TEST expired at", "Run kinit again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}

	// After kinit writes a new ticket, the cache is read again.
	if err := realm.Kinit(cc); err != nil {
		t.Fatal(err)
	}
	getExample(t, c)
}

func TestKerberos_ticketsRenewDuringLongRuns(t *testing.T) {
	t.Parallel()
	realm := testkdc.NewWithOptions(t, testkdc.Options{TicketLifetime: 4 * time.Second})
	m := newKerberosMock(t, realm, mockSetup{noKeepAlive: true})
	for name, cfg := range map[string]mimcm.KerberosConfig{
		"password": {Username: realm.User, Password: realm.Password, Krb5Conf: realm.Krb5Conf},
		"keytab":   {Username: realm.User, Keytab: realm.UserKeytab, Krb5Conf: realm.Krb5Conf},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := kerberosClient(t, m.URL, cfg)
			start := time.Now()
			for time.Since(start) < 10*time.Second {
				getExample(t, c)
				time.Sleep(500 * time.Millisecond)
			}
		})
	}
	t.Cleanup(func() {
		// Each login's TGT lasts 4s: 10s of calls need several logins
		// (gokrb5 logs in again before the end), and service tickets
		// after each.
		if as := realm.Issued("AS_REQ"); as < 1+2*3 {
			t.Errorf("the KDC issued %d TGTs, want at least 7 (kinit's and 3 per client)", as)
		}
		t.Logf("KDC issued %d TGTs and %d service tickets", realm.Issued("AS_REQ"), realm.Issued("TGS_REQ"))
	})
}

// A credential cache cannot log in again, but a renewable TGT in it is
// renewed before it ends, for as long as the KDC allows.
func TestKerberos_ccacheRenewedDuringLongRuns(t *testing.T) {
	t.Parallel()
	realm := testkdc.NewWithOptions(t, testkdc.Options{TicketLifetime: 4 * time.Second, RenewableLifetime: time.Minute})
	m := newKerberosMock(t, realm, mockSetup{noKeepAlive: true})
	c := kerberosClient(t, m.URL, mimcm.KerberosConfig{CCachePath: realm.CCachePath, Krb5Conf: realm.Krb5Conf})
	start := time.Now()
	for time.Since(start) < 9*time.Second {
		getExample(t, c)
		time.Sleep(500 * time.Millisecond)
	}
	if as := realm.Issued("AS_REQ"); as != 1 {
		t.Errorf("the KDC issued %d TGTs, want only kinit's", as)
	}
	// Service tickets end with the TGT: renewing it means new ones too.
	if tgs := realm.Issued("TGS_REQ"); tgs < 4 {
		t.Errorf("the KDC issued %d tickets through TGS_REQ, want at least 4 (renewed TGTs and their service tickets)", tgs)
	}
}

// refusingAuth refuses tokens while refuse is set, or the next `once` ones.
type refusingAuth struct {
	mockapi.Authenticator
	refuse atomic.Bool
	once   atomic.Int32
}

func (a *refusingAuth) Authenticate(r *http.Request, conn *mockapi.Conn) mockapi.AuthOutcome {
	out := a.Authenticator.Authenticate(r, conn)
	if out.Verdict == mockapi.AuthOK && (a.refuse.Load() || a.once.Add(-1) >= 0) {
		return mockapi.AuthOutcome{Verdict: mockapi.AuthFailed}
	}
	return out
}

func TestKerberos_refusedTokenRetriedOnceWithAFreshLogin(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	refusing := &refusingAuth{}
	m := newKerberosMock(t, realm, mockSetup{noKeepAlive: true, wrap: func(a mockapi.Authenticator) mockapi.Authenticator {
		refusing.Authenticator = a
		return refusing
	}})
	c := kerberosClient(t, m.URL, mimcm.KerberosConfig{Username: realm.User, Password: realm.Password, Krb5Conf: realm.Krb5Conf})
	getExample(t, c)
	logins := func() int { return realm.Issued("AS_REQ") - 1 } // minus kinit's

	// The server refuses one token: the client logs in afresh and succeeds.
	m.ResetCalls()
	refusing.once.Store(1)
	getExample(t, c)
	if got, want := statuses(m), "GET 401, GET 200"; got != want {
		t.Errorf("calls: got %s, want %s", got, want)
	}
	if got := logins(); got != 2 {
		t.Errorf("%d logins, want 2: a refused token is retried with a fresh login", got)
	}

	// The server refuses every token: one retry, then the 401.
	m.ResetCalls()
	refusing.refuse.Store(true)
	_, err := c.GetRequest(context.Background(), mockapi.ExampleRequestID)
	if apiErr := wantAPIError(t, err, mimcm.ErrUnauthorized); apiErr.StatusCode != http.StatusUnauthorized {
		t.Errorf("want the server's 401, got %v", err)
	}
	if got, want := statuses(m), "GET 401, GET 401"; got != want {
		t.Errorf("calls: got %s, want %s", got, want)
	}
	if got := logins(); got != 3 {
		t.Errorf("%d logins, want 3", got)
	}
	// A fresh login that the server refused too is not replaced again:
	// that would log in on every call.
	_, err = c.GetRequest(context.Background(), mockapi.ExampleRequestID)
	_ = wantAPIError(t, err, mimcm.ErrUnauthorized) // only the checks it makes matter here
	if got := logins(); got != 3 {
		t.Errorf("%d logins, want still 3", got)
	}

	refusing.refuse.Store(false)
	getExample(t, c)
}

// mutualAuth rewrites the mock's mutual-authentication answer.
type mutualAuth struct {
	mockapi.Authenticator
	rewrite func(string) string
}

func (a *mutualAuth) Authenticate(r *http.Request, conn *mockapi.Conn) mockapi.AuthOutcome {
	out := a.Authenticator.Authenticate(r, conn)
	if out.Verdict == mockapi.AuthOK {
		out.Header = a.rewrite(out.Header)
	}
	return out
}

func TestKerberos_mutualAuthentication(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	tamper := func(h string) string {
		b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(h, "Negotiate "))
		b[len(b)-3] ^= 0x55 // inside the AP-REP's cipher text
		return "Negotiate " + base64.StdEncoding.EncodeToString(b)
	}
	for name, tc := range map[string]struct {
		rewrite func(string) string
		wantErr string
	}{
		"the mock's AP-REP is checked and good": {rewrite: func(h string) string {
			if !strings.HasPrefix(h, "Negotiate ") || len(h) < 100 {
				panic("the mock sent no AP-REP: " + h)
			}
			return h
		}},
		"accept-completed without a token, as gokrb5's server sends": {rewrite: func(string) string { return "Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==" }},
		"no answer at all":  {rewrite: func(string) string { return "" }},
		"a tampered AP-REP": {rewrite: tamper, wantErr: "cannot be decrypted with the ticket's session key"},
		"a reject on a 200": {rewrite: func(string) string { return "Negotiate oQcwBaADCgEC" }, wantErr: "rejects the token"},
		"garbage":           {rewrite: func(string) string { return "Negotiate !!!" }, wantErr: "not base64"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := newKerberosMock(t, realm, mockSetup{wrap: func(a mockapi.Authenticator) mockapi.Authenticator {
				return &mutualAuth{Authenticator: a, rewrite: tc.rewrite}
			}})
			c := kerberosClient(t, m.URL, mimcm.KerberosConfig{Username: realm.User, Password: realm.Password, Krb5Conf: realm.Krb5Conf})
			_, err := c.GetRequest(context.Background(), mockapi.ExampleRequestID)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			apiErr := wantAPIError(t, err, mimcm.ErrUnauthorized)
			if apiErr.Attempts != 1 {
				t.Errorf("a failed mutual authentication was tried %d times", apiErr.Attempts)
			}
			for _, want := range []string{"checking the mutual authentication of HTTP/127.0.0.1", tc.wantErr, "did not prove"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error does not say %q: %v", want, err)
				}
			}
		})
	}
}

func TestKerberos_noKDCNeededToConfigure(t *testing.T) {
	t.Parallel()
	conf := "[libdefaults]\n default_realm = MIMCM.TEST\n[realms]\n MIMCM.TEST = {\n  kdc = 127.0.0.1:1\n }\n"
	a, err := mimcm.NegotiateAuth(mimcm.KerberosConfig{Username: "alice", Password: "pw", Krb5Conf: conf})
	if err != nil {
		t.Fatal(err)
	}
	if a.Name() != "negotiate" || a.SendsSecrets() {
		t.Errorf("Name() = %q, SendsSecrets() = %v; want negotiate, false", a.Name(), a.SendsSecrets())
	}
	// A server that does not ask for Negotiate never causes a login.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`))
	}))
	t.Cleanup(srv.Close)
	c, err := mimcm.NewClient(mimcm.Config{Host: srv.URL, Auth: a})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListRequests(context.Background(), mimcm.ListFilter{}); err != nil {
		t.Fatalf("a call the server does not challenge needs no KDC: %v", err)
	}
}

func TestKerberos_ccacheMissingOrForSomeoneElse(t *testing.T) {
	t.Parallel()
	realm := testkdc.New(t)
	m := newKerberosMock(t, realm, mockSetup{})
	for name, tc := range map[string]struct {
		cfg  mimcm.KerberosConfig
		want []string
	}{
		"missing file":     {mimcm.KerberosConfig{CCachePath: filepath.Join(t.TempDir(), "none")}, []string{"reading the Kerberos credential cache", "Run kinit"}},
		"another user":     {mimcm.KerberosConfig{CCachePath: realm.CCachePath, Username: "bob"}, []string{"it holds tickets for alice@MIMCM.TEST, not for bob"}},
		"not a cache file": {mimcm.KerberosConfig{CCachePath: realm.Krb5ConfPath}, []string{"reading the Kerberos credential cache"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.Krb5Conf = realm.Krb5Conf
			c := kerberosClient(t, m.URL, tc.cfg)
			_, err := c.GetRequest(context.Background(), mockapi.ExampleRequestID)
			_ = wantAPIError(t, err, mimcm.ErrUnauthorized) // only the checks it makes matter here
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error does not say %q: %v", want, err)
				}
			}
		})
	}
}

func wantAPIError(t *testing.T, err error, kind error) *mimcm.APIError {
	t.Helper()
	var apiErr *mimcm.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want an *APIError of kind %v, got %v", kind, err)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("want kind %v, got %v: %v", kind, apiErr.Kind, err)
	}
	return apiErr
}

// closedLoopbackAddr returns a loopback address nothing listens on.
func closedLoopbackAddr() string {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	return addr
}
