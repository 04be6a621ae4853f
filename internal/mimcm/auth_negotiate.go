package mimcm

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jcmturner/gofork/encoding/asn1"
	"github.com/jcmturner/gokrb5/v8/asn1tools"
	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/crypto"
	"github.com/jcmturner/gokrb5/v8/gssapi"
	"github.com/jcmturner/gokrb5/v8/iana/chksumtype"
	"github.com/jcmturner/gokrb5/v8/iana/flags"
	"github.com/jcmturner/gokrb5/v8/iana/keyusage"
	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/spnego"
	"github.com/jcmturner/gokrb5/v8/types"
)

// KerberosConfig configures Negotiate (SPNEGO/Kerberos) authentication. Set exactly one way to log in: Password (with Username), Keytab (with Username), or CCachePath.
type KerberosConfig struct {
	Username   string // "user", "user@REALM" or "DOMAIN\user"
	Password   string
	Realm      string // when empty: from Username ("user@REALM") or the configuration's default_realm
	Keytab     []byte // a keytab file's bytes
	CCachePath string // a credential cache file, as kinit writes it
	Krb5Conf   string // the content of a krb5.conf
	SPN        string // service principal, "HTTP/<host>" when empty — the caller fills it in from the host
}

// NegotiateAuth authenticates with Kerberos through SPNEGO ("Negotiate"),
// as IIS's Windows Integrated Authentication expects. It checks cfg now
// (the krb5.conf, the one way to log in, the realm, the keytab's
// principals) but talks to the KDC only when the first call needs a
// ticket, so configuring a provider needs no KDC. One login serves all
// parallel calls; password and keytab logins renew their tickets in long
// runs, a credential cache is re-read when its ticket has expired.
//
// An empty Krb5Conf means no configuration file: the KDCs of the realm are
// then found through DNS SRV records, as on a domain-joined machine.
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
		path, err := ccacheFile(cfg.CCachePath)
		if err != nil {
			return nil, err
		}
		a.ccachePath = path
		// The cache names its own principal; a username or realm given
		// as well must agree with it, which only reading it can tell.
		a.user, a.realm = strings.TrimSpace(cfg.Username), strings.TrimSpace(cfg.Realm)
		return a, nil
	}

	name, userRealm, domain := splitUsername(strings.TrimSpace(cfg.Username))
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

// negotiateAuth holds what NegotiateAuth checked and the shared login.
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

// kerberosSession is one login: a gokrb5 client with its TGT and its
// service tickets.
type kerberosSession struct {
	cl *client.Client
	// unproven marks a session made to replace one whose token the server
	// refused; until the server accepts one of its tokens, a refusal does
	// not make another (which would log in again on every call).
	unproven atomic.Bool
	// For a credential cache: when its TGT ends and how long it renews.
	tgtEnd, renewTill time.Time
}

func (a *negotiateAuth) Name() string       { return AuthNegotiate }
func (a *negotiateAuth) SendsSecrets() bool { return false } // tickets are bound to one service and expire

func (a *negotiateAuth) Wrap(next http.RoundTripper) http.RoundTripper {
	return &negotiateTransport{auth: a, next: next}
}

// negotiateTransport answers Negotiate challenges with Kerberos tokens.
type negotiateTransport struct {
	auth *negotiateAuth
	next http.RoundTripper
}

func (t *negotiateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	spn := t.auth.spnFor(req)
	if _, ok := t.auth.established.Load(spn); ok {
		// The server took our tokens before: send one right away and
		// save the round trip of a challenge.
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

// sendWithToken sends first (a request ready to send) with a token. When
// the server refuses it with 401, it sends orig once more with a token
// from a fresh ticket, then gives up and returns the 401.
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

// spnFor is the service principal for req's host.
func (a *negotiateAuth) spnFor(req *http.Request) string {
	if a.spn != "" {
		return a.spn
	}
	return "HTTP/" + req.URL.Hostname()
}

// negotiateToken is one Authorization header and what checking the
// server's mutual-authentication answer to it needs.
type negotiateToken struct {
	header  string
	spn     string
	session *kerberosSession
	key     types.EncryptionKey // the service ticket's session key
	ctime   time.Time           // the authenticator's time, to whole seconds
	cusec   int                 // and its microseconds
}

// token logs in if needed, gets a service ticket for spn (gokrb5 caches
// and renews them) and builds a fresh SPNEGO token from it. Each token
// has its own authenticator: servers refuse one they have seen before.
func (a *negotiateAuth) token(spn string) (*negotiateToken, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, err := a.sessionLocked()
	if err != nil {
		return nil, err
	}
	tkt, key, err := s.cl.GetServiceTicket(spn)
	if err != nil && a.login == loginCCache {
		// The cache's ticket may have expired, and kinit may have written
		// a new one since the cache was read.
		reloaded, rerr := a.reloadCCacheLocked(err)
		var ke *KerberosError
		switch {
		case errors.As(rerr, &ke):
			return nil, rerr
		case rerr == nil:
			s = reloaded
			tkt, key, err = s.cl.GetServiceTicket(spn)
		}
	}
	if err != nil {
		return nil, a.explain(fmt.Sprintf("getting a Kerberos service ticket for %s as %s", spn, a.principal(s)), err, a.principal(s), spn)
	}
	return buildToken(s, spn, tkt, key)
}

// sessionLocked returns the current login, logging in when there is none.
func (a *negotiateAuth) sessionLocked() (*kerberosSession, error) {
	if a.session != nil {
		return a.session, nil
	}
	if a.refused != nil {
		return nil, a.refused
	}
	s, err := a.newSession()
	if err != nil {
		var ke *KerberosError
		if errors.As(err, &ke) && ke.Final && a.login != loginCCache {
			a.refused = err
		}
		return nil, err
	}
	a.session = s
	return s, nil
}

// newSession logs in: an AS exchange with the password or keytab, or
// reading the credential cache.
func (a *negotiateAuth) newSession() (*kerberosSession, error) {
	// gokrb5's logger stays nil: it must not log.
	settings := []func(*client.Settings){client.DisablePAFXFAST(true)}
	switch a.login {
	case loginPassword, loginKeytab:
		var cl *client.Client
		how := "a password"
		if a.login == loginPassword {
			cl = client.NewWithPassword(a.user, a.realm, a.password, a.conf, settings...)
		} else {
			how = "a keytab"
			cl = client.NewWithKeytab(a.user, a.realm, a.keytab, a.conf, settings...)
		}
		// Login also starts gokrb5's renewal of the TGT before it expires,
		// and gokrb5 logs in again once it cannot be renewed any more.
		if err := cl.Login(); err != nil {
			who := a.user + "@" + a.realm
			return nil, a.explain(fmt.Sprintf("Kerberos login as %s with %s", who, how), err, who, "")
		}
		return &kerberosSession{cl: cl}, nil
	default:
		return a.loadCCache()
	}
}

// loadCCache reads the credential cache. It keeps only the ticket-granting
// tickets, so that service tickets come fresh from the KDC.
func (a *negotiateAuth) loadCCache() (*kerberosSession, error) {
	what := "reading the Kerberos credential cache " + a.ccachePath
	cc, err := credentials.LoadCCache(a.ccachePath)
	if err != nil {
		return nil, &KerberosError{Op: what, Reason: err.Error(), Final: true,
			Hint: "run kinit to log in (it writes the cache named by KRB5CCNAME), or point kerberos_ccache at the file it wrote"}
	}
	principal := cc.DefaultPrincipal.PrincipalName.PrincipalNameString() + "@" + cc.DefaultPrincipal.Realm
	if err := a.checkCCachePrincipal(cc); err != nil {
		return nil, err
	}
	tgt, ok := cc.GetEntry(types.PrincipalName{NameType: nametype.KRB_NT_SRV_INST, NameString: []string{"krbtgt", cc.DefaultPrincipal.Realm}})
	if !ok {
		return nil, &KerberosError{Op: what, Reason: "it holds no ticket-granting ticket for " + principal, Final: true,
			Hint: "run kinit " + principal + " again"}
	}
	if now := time.Now(); now.After(tgt.EndTime) && now.After(tgt.RenewTill) {
		return nil, ccacheExpired(a.ccachePath, principal, tgt.EndTime)
	}
	kept := cc.Credentials[:0:0]
	for _, c := range cc.Credentials {
		if len(c.Server.PrincipalName.NameString) > 0 && c.Server.PrincipalName.NameString[0] == "krbtgt" {
			kept = append(kept, c)
		}
	}
	cc.Credentials = kept
	cl, err := client.NewFromCCache(cc, a.conf, client.DisablePAFXFAST(true))
	if err != nil {
		return nil, &KerberosError{Op: what, Reason: err.Error(), Final: true, Hint: "run kinit " + principal + " again"}
	}
	return &kerberosSession{cl: cl, tgtEnd: tgt.EndTime, renewTill: tgt.RenewTill}, nil
}

// checkCCachePrincipal compares the cache's principal with the username
// and realm given beside it, if any.
func (a *negotiateAuth) checkCCachePrincipal(cc *credentials.CCache) error {
	if a.user == "" && a.realm == "" {
		return nil
	}
	gotName, gotRealm := cc.DefaultPrincipal.PrincipalName.PrincipalNameString(), cc.DefaultPrincipal.Realm
	name, realm, _ := splitUsername(a.user)
	if a.realm != "" {
		realm = a.realm
	}
	if (name == "" || strings.EqualFold(name, gotName)) && (realm == "" || strings.EqualFold(realm, gotRealm)) {
		return nil
	}
	want := strings.TrimSuffix(name+"@"+realm, "@")
	return &KerberosError{
		Op:     "reading the Kerberos credential cache " + a.ccachePath,
		Reason: fmt.Sprintf("it holds tickets for %s@%s, not for %s", gotName, gotRealm, want),
		Hint:   "run kinit " + want + " into that cache, or drop the username and realm to use the cache's principal",
		Final:  true,
	}
}

// reloadCCacheLocked reads the credential cache again after its session
// failed with cause. When the session's TGT has expired and the file holds
// a newer one (kinit ran again), it returns a session with that; when the
// file's TGT has expired too, an error that says to run kinit; otherwise
// cause.
func (a *negotiateAuth) reloadCCacheLocked(cause error) (*kerberosSession, error) {
	old := a.session
	if old == nil || time.Now().Before(old.tgtEnd) {
		return nil, cause
	}
	s, err := a.loadCCache()
	if err != nil {
		return nil, err
	}
	if !s.tgtEnd.After(old.tgtEnd) {
		s.cl.Destroy()
		return nil, cause
	}
	a.replaceLocked(old, s)
	return s, nil
}

func ccacheExpired(path, principal string, end time.Time) error {
	return &KerberosError{
		Op:     "using the Kerberos credential cache " + path,
		Reason: fmt.Sprintf("the ticket-granting ticket of %s expired at %s and cannot be renewed", principal, end.Local().Format(time.RFC3339)),
		Hint: "run kinit again (kinit -r 7d gets a ticket the provider can renew during long applies), " +
			"or log in with a password or keytab, which the provider renews by itself",
		Final: true,
	}
}

// replace drops the session whose token the server refused, so that the
// next token comes from a fresh login and fresh tickets, unless that
// session is itself such a replacement not yet proven.
func (a *negotiateAuth) replace(refused *kerberosSession) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.session != refused || refused.unproven.Load() {
		return
	}
	s, err := a.newSession()
	if err != nil {
		// The next token's login reports it.
		a.replaceLocked(refused, nil)
		return
	}
	s.unproven.Store(true)
	a.replaceLocked(refused, s)
}

func (a *negotiateAuth) replaceLocked(old, s *kerberosSession) {
	if old != nil && old != s {
		old.cl.Destroy() // stops its renewal; only token, under a.mu, uses it
	}
	a.session = s
}

// principal names the session's user for messages.
func (a *negotiateAuth) principal(s *kerberosSession) string {
	if s != nil && s.cl != nil && s.cl.Credentials != nil {
		return s.cl.Credentials.CName().PrincipalNameString() + "@" + s.cl.Credentials.Domain()
	}
	return a.user + "@" + a.realm
}

// buildToken makes the SPNEGO token: a NegTokenInit holding a Kerberos
// AP-REQ that asks the server to prove itself (mutual authentication).
func buildToken(s *kerberosSession, spn string, tkt messages.Ticket, key types.EncryptionKey) (*negotiateToken, error) {
	creds := s.cl.Credentials
	auth, err := types.NewAuthenticator(creds.Domain(), creds.CName())
	if err != nil {
		return nil, fmt.Errorf("building a Kerberos authenticator: %w", err)
	}
	now := uniqueAuthenticatorTime()
	auth.CTime = now.Truncate(time.Second)
	auth.Cusec = now.Nanosecond() / int(time.Microsecond)
	auth.Cksum = types.Checksum{
		CksumType: chksumtype.GSSAPI,
		Checksum:  gssChecksum(gssapi.ContextFlagMutual | gssapi.ContextFlagInteg | gssapi.ContextFlagConf),
	}
	apReq, err := messages.NewAPReq(tkt, key, auth)
	if err != nil {
		return nil, fmt.Errorf("building a Kerberos AP-REQ for %s: %w", spn, err)
	}
	types.SetFlag(&apReq.APOptions, flags.APOptionMutualRequired)
	apReqBytes, err := apReq.Marshal()
	if err != nil {
		return nil, fmt.Errorf("encoding a Kerberos AP-REQ for %s: %w", spn, err)
	}
	mech, err := krb5MechToken(tokIDAPReq, apReqBytes)
	if err != nil {
		return nil, err
	}
	st := spnego.SPNEGOToken{Init: true, NegTokenInit: spnego.NegTokenInit{
		MechTypes:      []asn1.ObjectIdentifier{gssapi.OIDKRB5.OID()},
		MechTokenBytes: mech,
	}}
	b, err := st.Marshal()
	if err != nil {
		return nil, fmt.Errorf("encoding the SPNEGO token for %s: %w", spn, err)
	}
	return &negotiateToken{
		header:  "Negotiate " + base64.StdEncoding.EncodeToString(b),
		spn:     spn,
		session: s,
		key:     key,
		ctime:   auth.CTime,
		cusec:   auth.Cusec,
	}, nil
}

// GSS-API token IDs of Kerberos tokens (RFC 4121 4.1).
var (
	tokIDAPReq = []byte{0x01, 0x00}
)

// krb5MechToken frames a Kerberos message as a GSS-API token (RFC 2743
// 3.1): the Kerberos mechanism's OID, the token ID, the message.
func krb5MechToken(tokID, msg []byte) ([]byte, error) {
	oid, err := asn1.Marshal(gssapi.OIDKRB5.OID())
	if err != nil {
		return nil, err
	}
	b := append(append(oid, tokID...), msg...)
	return asn1tools.AddASNAppTag(b, 0), nil
}

// gssChecksum is the authenticator checksum of RFC 4121 4.1.1: no channel
// bindings, and the context flags asked for.
func gssChecksum(contextFlags int) []byte {
	b := make([]byte, 24)
	b[0] = 16 // length of the (empty) channel bindings hash
	b[20] = byte(contextFlags)
	b[21] = byte(contextFlags >> 8)
	return b
}

// authenticatorClock makes every authenticator's time unique in the
// process: a server refuses an authenticator it has seen, and parallel
// calls can ask for one in the same microsecond.
var authenticatorClock struct {
	sync.Mutex
	last time.Time
}

func uniqueAuthenticatorTime() time.Time {
	authenticatorClock.Lock()
	defer authenticatorClock.Unlock()
	t := time.Now().UTC().Truncate(time.Microsecond)
	if !t.After(authenticatorClock.last) {
		t = authenticatorClock.last.Add(time.Microsecond)
	}
	authenticatorClock.last = t
	return t
}

// verifyMutual checks the server's answer to the token's request for
// mutual authentication: an AP-REP in the WWW-Authenticate of the
// response, when the server sent one, must be encrypted with the ticket's
// session key (which only the real service can read) and echo the
// authenticator's time.
func (t *negotiateToken) verifyMutual(resp *http.Response) error {
	in := negotiateData(resp.Header.Values("WWW-Authenticate"))
	if in == "" {
		return nil
	}
	fail := func(reason string) error {
		return &KerberosError{
			Op:     fmt.Sprintf("checking the mutual authentication of %s", t.spn),
			Reason: reason,
			Hint: "the server did not prove that it is " + t.spn + ": something between may be impersonating it, " +
				"or the service's keytab does not match the KDC; do not trust this server until its administrator has checked the SPN and keytab",
			Final: true,
		}
	}
	b, err := base64.StdEncoding.DecodeString(in)
	if err != nil {
		return fail("its Negotiate answer is not base64")
	}
	mech := b
	if len(b) > 0 && b[0] == 0xa1 { // a SPNEGO NegTokenResp
		_, nt, err := spnego.UnmarshalNegToken(b)
		if err != nil {
			return fail("its Negotiate answer is not a SPNEGO token: " + err.Error())
		}
		nr, ok := nt.(spnego.NegTokenResp)
		if !ok {
			return fail("its Negotiate answer is not a SPNEGO response")
		}
		if spnego.NegState(nr.NegState) == spnego.NegStateReject {
			return fail(fmt.Sprintf("it answered %d but its Negotiate answer rejects the token", resp.StatusCode))
		}
		if len(nr.ResponseToken) == 0 {
			return nil // accepted without a mutual-authentication token
		}
		mech = nr.ResponseToken
	}
	var k spnego.KRB5Token
	if err := k.Unmarshal(mech); err != nil {
		return fail("its answer is not a Kerberos token: " + err.Error())
	}
	switch {
	case k.IsAPRep():
		plain, err := crypto.DecryptEncPart(k.APRep.EncPart, t.key, keyusage.AP_REP_ENCPART)
		if err != nil {
			return fail("its AP-REP cannot be decrypted with the ticket's session key")
		}
		var part messages.EncAPRepPart
		if err := part.Unmarshal(plain); err != nil {
			return fail("its AP-REP cannot be decoded: " + err.Error())
		}
		if !part.CTime.Equal(t.ctime) || part.Cusec != t.cusec {
			return fail("its AP-REP answers another authenticator (a replayed answer?)")
		}
		return nil
	case k.IsKRBError():
		return fail("it answered with a Kerberos error: " + k.KRBError.Error())
	}
	return fail("its answer is neither an AP-REP nor a Kerberos error")
}

// negotiateData returns the data of a "Negotiate <base64>" challenge, or
// "" when there is none.
func negotiateData(challenges []string) string {
	for _, c := range challenges {
		scheme, data, _ := strings.Cut(strings.TrimSpace(c), " ")
		if strings.EqualFold(scheme, "Negotiate") && strings.TrimSpace(data) != "" {
			return strings.TrimSpace(data)
		}
	}
	return ""
}

// discard drains a little of a response that is not handed on, so that
// its connection can be reused, and closes it.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}

// KerberosError explains a failed Kerberos step: what was tried, why it
// failed, and what to do. Final failures (a wrong password, an unknown
// principal or SPN, an expired credential cache) match ErrUnauthorized
// with errors.Is, and sending the call again cannot mend them; others
// (a KDC out of reach) may pass.
type KerberosError struct {
	// Op is what was tried: "Kerberos login as alice@CONTOSO.COM with a password".
	Op string
	// Reason is why it failed, in plain words.
	Reason string
	// Hint says what to do.
	Hint string
	// Final is true when trying again cannot help.
	Final bool
	// Err is gokrb5's own error, for the details.
	Err error
}

func (e *KerberosError) Error() string {
	// No final period: callers such as APIError end the sentence.
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed: %s", e.Op, e.Reason)
	if e.Hint != "" {
		fmt.Fprintf(&b, ". %s", upperFirst(strings.TrimSuffix(e.Hint, ".")))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " (Kerberos library: %v)", e.Err)
	}
	return b.String()
}

// Unwrap returns gokrb5's error.
func (e *KerberosError) Unwrap() error { return e.Err }

// Is makes final failures match ErrUnauthorized.
func (e *KerberosError) Is(target error) bool { return e.Final && target == ErrUnauthorized }

// explain turns gokrb5's error for op into a *KerberosError that says what
// went wrong and what to do. who is the user's principal; spn the service
// principal asked for, if any.
func (a *negotiateAuth) explain(op string, err error, who, spn string) error {
	msg := err.Error()
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(msg, x) {
				return true
			}
		}
		return false
	}
	e := &KerberosError{Op: op, Err: err, Final: true}
	_, realm, _ := strings.Cut(who, "@")
	switch {
	case has("KDC_ERR_PREAUTH_FAILED", "KRB_AP_ERR_BAD_INTEGRITY", "password/keytab incorrect", "Decrypting_Error"):
		if a.login == loginKeytab {
			e.Reason = "the KDC refused the keytab's key (pre-authentication failed)"
			e.Hint = "the keytab is out of date, most likely because the password of " + who + " changed after it was made: export a new keytab (ktpass, or kadmin's ktadd -norandkey)"
		} else {
			e.Reason = "the KDC refused the password (wrong password, pre-authentication failed)"
			e.Hint = "check the password of " + who + "; repeated failures may lock the account"
		}
	case has("KDC_ERR_C_PRINCIPAL_UNKNOWN"):
		e.Reason = "the KDC does not know the user " + who
		e.Hint = "check the username and the realm (an Active Directory realm is the domain's DNS name in upper case, such as CONTOSO.COM)"
	case has("KDC_ERR_S_PRINCIPAL_UNKNOWN"):
		e.Reason = "the KDC knows no service principal " + spn
		e.Hint = "register the SPN for the account IIS runs the MIM CM site as (setspn -S " + spn + " DOMAIN\\account), " +
			"or set kerberos_spn to the SPN the server has; a host reached through a DNS alias is usually registered under its real name"
	case has("KDC_ERR_KEY_EXPIRED"):
		e.Reason = "the password of " + who + " has expired"
		e.Hint = "change the password, then update the provider's configuration"
	case has("KDC_ERR_CLIENT_REVOKED"):
		e.Reason = "the account " + who + " is disabled, locked out or expired"
		e.Hint = "ask a domain administrator to check the account"
	case has("KDC_ERR_ETYPE_NOSUPP"):
		e.Reason = "the KDC and this client share no encryption type"
		e.Hint = "enable AES for the account (msDS-SupportedEncryptionTypes) or allow its encryption types in krb5.conf's permitted_enctypes"
	case has("KRB_AP_ERR_SKEW"):
		e.Reason = "the clocks of this machine and the KDC differ by more than the allowed skew"
		e.Hint = "synchronize this machine's clock (NTP) with the domain"
	case has("matching key not found in keytab", "Error getting key from keytab"):
		e.Reason = "the keytab holds no key of an encryption type the KDC offers for " + who
		e.Hint = "export the keytab again with AES keys (ktpass -crypto AES256-SHA1, or kadmin's ktadd)"
	case has("no KDCs defined", "no KDC SRV records", "SRV record"):
		e.Reason = "no KDC is known for realm " + realm
		e.Hint = "add the realm and its kdc to krb5.conf's [realms] section, or set dns_lookup_kdc = true where DNS has the realm's _kerberos SRV records"
	case has("Networking_Error", "communication error with KDC", "failed to communicate with KDC", "dial ", "connection refused", "i/o timeout"):
		e.Reason = "no KDC of realm " + realm + " answered" + a.kdcList(realm)
		e.Hint = "check that the KDC (domain controller) is reachable from here on port 88 and that krb5.conf's kdc entries are right"
		e.Final = false
	default:
		e.Reason = "the Kerberos library reported an error"
		e.Hint = "check the krb5.conf, the credentials and the SPN; the details follow"
	}
	return e
}

// kdcList names the KDCs krb5.conf gives for the realm, for messages.
func (a *negotiateAuth) kdcList(realm string) string {
	for _, r := range a.conf.Realms {
		if r.Realm == realm && len(r.KDC) > 0 {
			return " (kdc " + strings.Join(r.KDC, ", ") + ")"
		}
	}
	return ""
}

// knownSection finds the sections of a krb5.conf the client reads.
var knownSection = regexp.MustCompile(`(?m)^\s*\[(libdefaults|realms|domain_realm)\]`)

// parseKrb5Conf reads a krb5.conf's content; empty content means none, with
// KDCs found through DNS.
func parseKrb5Conf(content string) (*config.Config, error) {
	if strings.TrimSpace(content) == "" {
		c := config.New()
		c.LibDefaults.DNSLookupKDC = true
		return c, nil
	}
	if !knownSection.MatchString(content) {
		return nil, errors.New("the krb5.conf has no [libdefaults], [realms] or [domain_realm] section: give the file's content (krb5_conf_content) or its path (krb5_conf), not the other")
	}
	c, err := config.NewFromString(content)
	var unsupported config.UnsupportedDirective
	if err != nil && !errors.As(err, &unsupported) {
		return nil, fmt.Errorf("the krb5.conf cannot be read: %v", err)
	}
	if c == nil {
		return nil, errors.New("the krb5.conf cannot be read")
	}
	return c, nil
}

// checkSPN accepts "service/host" names.
func checkSPN(spn string) error {
	switch {
	case spn == "":
		return nil
	case strings.Contains(spn, "@"):
		return fmt.Errorf("the SPN %q names a realm: give it as service/host, such as HTTP/mimcm.contoso.com; the realm comes from krb5.conf's [domain_realm] or the user's realm", spn)
	case !strings.Contains(spn, "/") || strings.HasPrefix(spn, "/") || strings.HasSuffix(spn, "/"):
		return fmt.Errorf("the SPN %q is not of the form service/host, such as HTTP/mimcm.contoso.com", spn)
	}
	return nil
}

// ccacheFile turns a credential cache name as KRB5CCNAME spells it into a
// file path. Only file caches can be read.
func ccacheFile(name string) (string, error) {
	name = strings.TrimSpace(name)
	kind, rest, found := strings.Cut(name, ":")
	if !found || strings.Contains(kind, "/") || strings.Contains(kind, `\`) {
		return name, nil
	}
	if strings.EqualFold(kind, "FILE") {
		return rest, nil
	}
	return "", fmt.Errorf("the credential cache %q is of type %s, but only file caches can be read: run kinit with KRB5CCNAME=FILE:/path/to/cache and give that path", name, strings.ToUpper(kind))
}

// splitUsername reads "user", "user@REALM" and "DOMAIN\user".
func splitUsername(u string) (name, realm, domain string) {
	if d, n, ok := strings.Cut(u, `\`); ok {
		return n, "", d
	}
	if i := strings.LastIndex(u, "@"); i >= 0 {
		return u[:i], u[i+1:], ""
	}
	return u, "", ""
}

// resolveRealm picks the realm: the explicit one, the one of
// "user@REALM", for "DOMAIN\user" the configured realm whose first label
// is DOMAIN, else the default realm. It is spelled as krb5.conf spells it,
// else in upper case, as Active Directory's realms are.
func resolveRealm(conf *config.Config, explicit, fromUser, domain string) (string, error) {
	var realm string
	switch {
	case explicit != "" && fromUser != "" && !strings.EqualFold(explicit, fromUser):
		return "", fmt.Errorf("the username names realm %s but the realm is set to %s: keep one", fromUser, explicit)
	case explicit != "":
		realm = explicit
	case fromUser != "":
		realm = fromUser
	case domain != "":
		for _, r := range conf.Realms {
			if first, _, _ := strings.Cut(r.Realm, "."); strings.EqualFold(first, domain) {
				realm = r.Realm
				break
			}
		}
		if realm == "" {
			realm = conf.LibDefaults.DefaultRealm
		}
		if realm == "" {
			return "", fmt.Errorf("the Kerberos realm of %s\\user is unknown: a NetBIOS domain name is not a realm; set the realm (such as CONTOSO.COM), or a default_realm in krb5.conf", domain)
		}
	default:
		realm = conf.LibDefaults.DefaultRealm
		if realm == "" {
			return "", errors.New("the Kerberos realm is unknown: set it, write the username as user@REALM, or set default_realm in krb5.conf's [libdefaults]")
		}
	}
	for _, r := range conf.Realms {
		if strings.EqualFold(r.Realm, realm) {
			return r.Realm, nil
		}
	}
	return strings.ToUpper(realm), nil
}

// checkKDCKnown makes sure a KDC of realm can be found without asking.
func checkKDCKnown(conf *config.Config, realm string) error {
	if conf.LibDefaults.DNSLookupKDC {
		return nil
	}
	for _, r := range conf.Realms {
		if r.Realm == realm && len(r.KDC) > 0 {
			return nil
		}
	}
	return fmt.Errorf("krb5.conf names no kdc for realm %s and dns_lookup_kdc is false: add \"%s = { kdc = dc1.example.com }\" to its [realms] section, or set dns_lookup_kdc = true", realm, realm)
}

// keytabHolds makes sure the keytab has keys for name@realm.
func keytabHolds(kt *keytab.Keytab, name, realm string) error {
	var held []string
	seen := map[string]bool{}
	for _, e := range kt.Entries {
		p := strings.Join(e.Principal.Components, "/") + "@" + e.Principal.Realm
		if strings.EqualFold(strings.Join(e.Principal.Components, "/"), name) && e.Principal.Realm == realm {
			return nil
		}
		if !seen[p] {
			seen[p] = true
			held = append(held, p)
		}
	}
	if len(held) == 0 {
		return errors.New("the keytab holds no keys")
	}
	if len(held) > 5 {
		held = append(held[:5], "…")
	}
	return fmt.Errorf("the keytab holds no key for %s@%s, only for %s: export one for the user (ktpass /princ %s@%s, or kadmin's ktadd -norandkey)",
		name, realm, strings.Join(held, ", "), name, realm)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
