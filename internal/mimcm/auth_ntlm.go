package mimcm

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/Azure/go-ntlmssp"
)

// NTLMAuth authenticates with NTLMv2 as "user", `DOMAIN\user` or "user@domain" (domain, if set,
// replaces the one named); only an HMAC of the server's challenge goes on the wire, never the password.
//
// NTLM authenticates a connection, not a request, so each request goes down a lane of its own (one
// HTTP/1.1 connection) for its whole handshake, and parallel calls each keep an authenticated one.
func NTLMAuth(username, password, domain string) Authenticator {
	return &ntlmAuth{account: ntlmAccount(username, domain), password: password}
}

// ntlmAccount sends a UPN whole as the user name, which Active Directory accepts with no domain.
func ntlmAccount(username, domain string) string {
	user, upnSuffix, userDomain := SplitUsername(username)
	switch {
	case domain != "":
		userDomain = domain
	case upnSuffix != "":
		return username
	}
	if userDomain == "" {
		return user
	}
	return userDomain + `\` + user
}

type ntlmAuth struct {
	account  string // as ntlmssp.NewAuthenticateMessage takes it
	password string
}

func (*ntlmAuth) Name() string       { return AuthNTLM }
func (*ntlmAuth) SendsSecrets() bool { return false }

// String and GoString keep the password out of anything that prints the authenticator.
func (a *ntlmAuth) String() string   { return "ntlm(" + a.account + ")" }
func (a *ntlmAuth) GoString() string { return a.String() }

// Wrap returns the lane pool in front of next; without lanes from next, the lanes all share it.
func (a *ntlmAuth) Wrap(next http.RoundTripper) http.RoundTripper {
	t := &ntlmTransport{auth: a, next: next, lanes: lanesOf(next)}
	count := defaultIdleConnsPerHost
	if t.lanes != nil {
		count = t.lanes.count
	}
	t.warm = make(chan *ntlmLane, count)
	t.cold = make(chan *ntlmLane, count)
	for range count {
		t.cold <- &ntlmLane{}
	}
	return t
}

type ntlmTransport struct {
	auth  *ntlmAuth
	next  http.RoundTripper
	lanes *lanes // nil when next hands out none

	// warm holds used lanes, taken first so that Terraform's ten parallel operations keep to about
	// ten connections however large the pool; cold holds those never opened.
	warm, cold chan *ntlmLane

	// scheme is the one the server last asked for, so that a new lane can start the handshake at once.
	scheme atomic.Pointer[string]
	// refused is set once the server turned down an AUTHENTICATE: the password is wrong, and sending
	// it again would only bring the account closer to an Active Directory lockout.
	refused atomic.Bool

	mu     sync.Mutex
	opened []*http.Transport // the lanes' transports, for CloseIdleConnections
}

// ntlmLane is one connection's worth of transport, touched only by the request that holds it.
type ntlmLane struct {
	rt http.RoundTripper // nil until the lane is first used
	// authenticated: requests go without Authorization until the server asks again.
	authenticated bool
}

// RoundTrip sends req down a free lane, authenticating its connection when the server asks.
func (t *ntlmTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req, err := ntlmReplayable(req)
	if err != nil {
		return nil, err
	}
	lane, err := t.acquire(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	x := &ntlmExchange{t: t, lane: lane, req: req}
	resp, err := x.run()
	if err != nil {
		t.release(lane)
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: func() { t.release(lane) }}
	return resp, nil
}

// CloseIdleConnections closes the lanes' idle connections, which authenticate again when asked.
func (t *ntlmTransport) CloseIdleConnections() {
	t.mu.Lock()
	opened := slices.Clone(t.opened)
	t.mu.Unlock()
	for _, lt := range opened {
		lt.CloseIdleConnections()
	}
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok && t.lanes == nil {
		c.CloseIdleConnections()
	}
}

func (t *ntlmTransport) acquire(ctx context.Context) (*ntlmLane, error) {
	select {
	case l := <-t.warm:
		return l, nil
	default:
	}
	select {
	case l := <-t.warm:
		return l, nil
	case l := <-t.cold:
		t.open(l)
		return l, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (t *ntlmTransport) open(l *ntlmLane) {
	if l.rt != nil {
		return
	}
	if t.lanes == nil {
		l.rt = t.next
		return
	}
	lt := t.lanes.lane()
	l.rt = lt
	t.mu.Lock()
	t.opened = append(t.opened, lt)
	t.mu.Unlock()
}

// release gives a lane back; the channel has room for every lane.
func (t *ntlmTransport) release(l *ntlmLane) { t.warm <- l }

func (t *ntlmTransport) knownScheme() string {
	if s := t.scheme.Load(); s != nil {
		return *s
	}
	return ""
}

// ntlmChallengeError: a CHALLENGE go-ntlmssp cannot answer (key exchange, NTLMv1, malformed). Every
// attempt would meet it, so it matches ErrUnauthorized, never retried; it never holds the password.
type ntlmChallengeError struct{ err error }

func (e *ntlmChallengeError) Error() string {
	return "NTLM: the server's challenge cannot be answered: " + e.err.Error()
}
func (e *ntlmChallengeError) Unwrap() error        { return e.err }
func (e *ntlmChallengeError) Is(target error) bool { return target == ErrUnauthorized }

type ntlmExchange struct {
	t    *ntlmTransport
	lane *ntlmLane
	req  *http.Request
	legs int
}

// run sends the request, with the handshake when the server asks for it or is known to want it.
func (x *ntlmExchange) run() (*http.Response, error) {
	if scheme := x.t.knownScheme(); scheme != "" && !x.lane.authenticated && !x.t.refused.Load() {
		return x.handshake(scheme)
	}
	resp, err := x.send("")
	if err != nil || resp.StatusCode != http.StatusUnauthorized || x.t.refused.Load() {
		return resp, err
	}
	scheme := ntlmOfferedScheme(resp.Header.Values("WWW-Authenticate"))
	if scheme == "" {
		return resp, nil // not ours to answer: the caller sees the server's 401
	}
	x.t.scheme.Store(&scheme)
	x.lane.authenticated = false
	discard(resp)
	return x.handshake(scheme)
}

// handshake sends NEGOTIATE and then AUTHENTICATE, whose answer is the request's.
func (x *ntlmExchange) handshake(scheme string) (*http.Response, error) {
	negotiate, err := ntlmssp.NewNegotiateMessage("", "")
	if err != nil {
		return nil, fmt.Errorf("NTLM: building the NEGOTIATE message: %w", err)
	}
	resp, err := x.send(scheme + " " + base64.StdEncoding.EncodeToString(negotiate))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusUnauthorized {
		// The connection was already authenticated, and the server has answered the request.
		x.lane.authenticated = true
		return resp, nil
	}
	challenge, ok := ntlmChallengeToken(resp.Header.Values("WWW-Authenticate"))
	if !ok {
		return resp, nil // no CHALLENGE: the server's 401 is the answer
	}
	discard(resp)
	authenticate, err := ntlmssp.NewAuthenticateMessage(challenge, x.t.auth.account, x.t.auth.password, nil)
	if err != nil {
		return nil, &ntlmChallengeError{err: err}
	}
	resp, err = x.send(scheme + " " + base64.StdEncoding.EncodeToString(authenticate))
	if err != nil {
		return nil, err
	}
	x.lane.authenticated = resp.StatusCode != http.StatusUnauthorized
	if !x.lane.authenticated {
		x.t.refused.Store(true)
	}
	return resp, nil
}

func (x *ntlmExchange) send(authorization string) (*http.Response, error) {
	r := x.req.Clone(x.req.Context())
	if x.legs > 0 && x.req.Body != nil && x.req.Body != http.NoBody {
		body, err := x.req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("NTLM: %w: %w", errBodyNotReplayable, err)
		}
		r.Body = body
	}
	x.legs++
	if authorization == "" {
		r.Header.Del("Authorization")
	} else {
		r.Header.Set("Authorization", authorization)
	}
	return x.lane.rt.RoundTrip(r)
}

// ntlmReplayable returns req, or a copy whose GetBody gives the body again for later legs.
func ntlmReplayable(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody != nil {
		return req, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("NTLM: reading the request body: %w", err)
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(b))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return out, nil
}

// ntlmOfferedScheme picks "NTLM" when offered, else "Negotiate" (IIS takes NTLM inside it).
func ntlmOfferedScheme(challenges []string) string {
	offered := offeredSchemes(challenges)
	switch {
	case offered["ntlm"]:
		return "NTLM"
	case offered["negotiate"]:
		return "Negotiate"
	}
	return ""
}

func ntlmChallengeToken(challenges []string) ([]byte, bool) {
	for _, c := range ParseChallenges(challenges) {
		if !c.Is("NTLM") && !c.Is("Negotiate") {
			continue
		}
		token, err := base64.StdEncoding.DecodeString(c.Token68)
		if err == nil && bytes.HasPrefix(token, ntlmSignature) {
			return token, true
		}
	}
	return nil, false
}

var ntlmSignature = []byte("NTLMSSP\x00")
