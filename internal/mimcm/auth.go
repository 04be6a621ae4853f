package mimcm

import (
	"errors"
	"net/http"
	"strings"
)

// Auth method names: what Authenticator.Name returns, auth_method takes and the mock's -auth demands.
const (
	AuthAuto      = "auto"
	AuthNegotiate = "negotiate"
	AuthNTLM      = "ntlm"
	AuthBasic     = "basic"
	AuthBearer    = "bearer"
	AuthNone      = "none"
)

// AuthMethods lists the auth method names, auto first, then strongest first.
func AuthMethods() []string {
	return []string{AuthAuto, AuthNegotiate, AuthNTLM, AuthBasic, AuthBearer, AuthNone}
}

// Authenticator authenticates the client's requests by wrapping its transport; it must never reveal secrets.
type Authenticator interface {
	// Name is the auth method's name as the provider's auth_method spells it.
	Name() string
	// Wrap returns a round tripper that authenticates requests sent to next.
	Wrap(next http.RoundTripper) http.RoundTripper
	// SendsSecrets reports whether the method puts a reusable secret on the wire, exposed over http.
	SendsSecrets() bool
}

// NoAuth sends requests without authentication.
func NoAuth() Authenticator { return noAuth{} }

type noAuth struct{}

func (noAuth) Name() string                                  { return AuthNone }
func (noAuth) Wrap(next http.RoundTripper) http.RoundTripper { return next }
func (noAuth) SendsSecrets() bool                            { return false }

// BasicAuth authenticates with HTTP Basic credentials.
func BasicAuth(username, password string) Authenticator {
	return basicAuth{username: username, password: password}
}

type basicAuth struct{ username, password string }

func (basicAuth) Name() string       { return AuthBasic }
func (basicAuth) SendsSecrets() bool { return true }
func (a basicAuth) Wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.SetBasicAuth(a.username, a.password)
		return next.RoundTrip(r)
	})
}

// BearerAuth authenticates with an OAuth bearer token, such as one AD FS issues.
func BearerAuth(token string) Authenticator { return bearerAuth{token: token} }

type bearerAuth struct{ token string }

func (bearerAuth) Name() string       { return AuthBearer }
func (bearerAuth) SendsSecrets() bool { return true }
func (a bearerAuth) Wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+a.token)
		return next.RoundTrip(r)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// errBodyNotReplayable: a handshake needs to send a body again that has no GetBody.
var errBodyNotReplayable = errors.New("the request body cannot be sent again for authentication")

// SplitUsername reads "user", "user@REALM" (split at the last "@") or `DOMAIN\user`.
func SplitUsername(u string) (name, realm, domain string) {
	if d, n, ok := strings.Cut(u, `\`); ok {
		return n, "", d
	}
	if i := strings.LastIndex(u, "@"); i >= 0 {
		return u[:i], u[i+1:], ""
	}
	return u, "", ""
}
