package mimcm

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/keytab"
)

// KerberosConfig configures Negotiate (SPNEGO/Kerberos) authentication. Set exactly one way to
// log in: Password (with Username), Keytab (with Username), or CCachePath.
type KerberosConfig struct {
	Username   string // "user", "user@REALM" or "DOMAIN\user"
	Password   string
	Realm      string // when empty: from Username ("user@REALM") or the configuration's default_realm
	Keytab     []byte // a keytab file's bytes
	CCachePath string // a credential cache file, as kinit writes it
	Krb5Conf   string // the content of a krb5.conf
	SPN        string // service principal, "HTTP/<host>" when empty — the caller fills it in from the host
}

// NegotiateAuth authenticates with Kerberos through SPNEGO, as IIS's Windows Integrated
// Authentication expects. It asks the KDC only when the first call needs a ticket, so configuring
// a provider needs no KDC. Without Krb5Conf, the realm's KDCs are found through DNS SRV records.
func NegotiateAuth(cfg KerberosConfig) (Authenticator, error) {
	conf, err := parseKrb5Conf(cfg.Krb5Conf)
	if err != nil {
		return nil, err
	}
	spn := strings.TrimSpace(cfg.SPN)
	if err := checkSPN(spn); err != nil {
		return nil, err
	}
	a := &negotiateAuth{conf: conf, spn: spn}

	var ways []string
	if cfg.Password != "" {
		ways = append(ways, "a password")
		a.login = loginPassword
	}
	if len(cfg.Keytab) > 0 {
		ways = append(ways, "a keytab")
		a.login = loginKeytab
	}
	if strings.TrimSpace(cfg.CCachePath) != "" {
		ways = append(ways, "a credential cache")
		a.login = loginCCache
	}
	switch {
	case len(ways) == 0:
		return nil, errors.New("kerberos needs a way to log in: a password or a keytab (each with a username), or a credential cache written by kinit")
	case len(ways) > 1:
		return nil, fmt.Errorf("kerberos takes exactly one way to log in, but got %s: keep one", strings.Join(ways, " and "))
	}

	if a.login == loginCCache {
		path, err := CCacheFile(cfg.CCachePath)
		if err != nil {
			return nil, err
		}
		a.ccachePath = path
		// A username or realm given as well must agree with the cache's, which only reading it tells.
		a.user, a.realm = strings.TrimSpace(cfg.Username), strings.TrimSpace(cfg.Realm)
		return a, nil
	}

	name, userRealm, domain := SplitUsername(strings.TrimSpace(cfg.Username))
	if name == "" {
		return nil, fmt.Errorf("kerberos login with %s needs a username: \"user\", \"user@REALM\" or \"DOMAIN\\user\"", ways[0])
	}
	realm, err := resolveRealm(conf, strings.TrimSpace(cfg.Realm), userRealm, domain)
	if err != nil {
		return nil, err
	}
	if err := checkKDCKnown(conf, realm); err != nil {
		return nil, err
	}
	a.user, a.realm = name, realm
	switch a.login {
	case loginPassword:
		a.password = cfg.Password
	case loginKeytab:
		kt := keytab.New()
		if err := kt.Unmarshal(cfg.Keytab); err != nil {
			return nil, fmt.Errorf("the keytab cannot be read (%v): give the bytes of a keytab file, as ktpass or kadmin's ktadd write it", err)
		}
		if err := keytabHolds(kt, name, realm); err != nil {
			return nil, err
		}
		a.keytab = kt
	}
	return a, nil
}

type loginKind int

const (
	loginPassword loginKind = iota + 1
	loginKeytab
	loginCCache
)

type negotiateAuth struct {
	login      loginKind
	user       string // the principal's name without realm; for a ccache, the optional Username to check
	realm      string
	password   string
	keytab     *keytab.Keytab
	ccachePath string
	conf       *config.Config
	spn        string // fixed SPN, or "" for HTTP/<host>

	mu      sync.Mutex // serializes logins and ticket requests
	session *kerberosSession
	refused error // a login the KDC refused for good; never tried again, so as not to lock the account

	established sync.Map // SPN → true once the server accepted a token for it
}

func (a *negotiateAuth) Name() string { return AuthNegotiate }

func (a *negotiateAuth) SendsSecrets() bool { return false } // tickets are bound to one service and expire

func (a *negotiateAuth) Wrap(next http.RoundTripper) http.RoundTripper {
	return &negotiateTransport{auth: a, next: next}
}

type negotiateTransport struct {
	auth *negotiateAuth
	next http.RoundTripper
}

func (t *negotiateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	spn := t.auth.spnFor(req)
	if _, ok := t.auth.established.Load(spn); ok {
		// The server took our tokens before: save the round trip of a challenge.
		return t.sendWithToken(req.Clone(req.Context()), req, spn)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !offeredSchemes(resp.Header.Values("WWW-Authenticate"))["negotiate"] {
		return resp, err
	}
	retry, err := rewound(req)
	if err != nil {
		return resp, nil //nolint:nilerr // a body that cannot be sent again leaves the 401 as the answer
	}
	discard(resp)
	return t.sendWithToken(retry, req, spn)
}

// sendWithToken sends first with a token and, after a 401, orig once more after a fresh login.
func (t *negotiateTransport) sendWithToken(first, orig *http.Request, spn string) (*http.Response, error) {
	r := first
	for attempt := 1; ; attempt++ {
		tok, err := t.auth.token(spn)
		if err != nil {
			return nil, err
		}
		r.Header.Set("Authorization", tok.header)
		resp, err := t.next.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized {
			if attempt > 1 {
				return resp, nil
			}
			next, err := rewound(orig)
			if err != nil {
				return resp, nil //nolint:nilerr // the 401 is the answer
			}
			discard(resp)
			t.auth.replace(tok.session)
			r = next
			continue
		}
		if err := tok.verifyMutual(resp); err != nil {
			discard(resp)
			return nil, err
		}
		tok.session.unproven.Store(false)
		t.auth.established.Store(spn, true)
		return resp, nil
	}
}

func (a *negotiateAuth) spnFor(req *http.Request) string {
	if a.spn != "" {
		return a.spn
	}
	return "HTTP/" + req.URL.Hostname()
}
