package mockapi

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"sync"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// Authenticator is a scheme the mock demands of API calls before the
// application sees them, as IIS does. Connection-bound schemes (NTLM, and
// Negotiate as IIS persists it) authenticate a connection once, through Conn.
type Authenticator interface {
	// Challenge is the WWW-Authenticate value a 401 offers, such as "NTLM".
	Challenge() string
	// Authenticate checks r's credentials; conn is nil without ConnContext.
	Authenticate(r *http.Request, conn *Conn) AuthOutcome
}

// AuthVerdict is what an Authenticator made of a call's credentials.
type AuthVerdict int

const (
	// AuthNotMine: the Authorization header is for another scheme.
	AuthNotMine AuthVerdict = iota
	// AuthOK: the credentials are good.
	AuthOK
	// AuthContinue: a handshake goes on; answer 401 with Outcome.Header.
	AuthContinue
	// AuthFailed: the credentials are wrong.
	AuthFailed
)

// AuthOutcome is an Authenticator's answer.
type AuthOutcome struct {
	Verdict AuthVerdict
	// Header is a WWW-Authenticate value to send, such as a handshake's next leg.
	Header string
	// Persist authenticates the connection for later calls, as IIS does with NTLM.
	Persist bool
}

// Conn is the mock's state for one client connection.
type Conn struct {
	mu            sync.Mutex
	authenticated bool
	values        map[string]any
}

// Value returns what an Authenticator stored under key on this connection.
func (c *Conn) Value(key string) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[key]
}

// SetValue stores per-connection handshake state under key.
func (c *Conn) SetValue(key string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.values == nil {
		c.values = map[string]any{}
	}
	c.values[key] = v
}

func (c *Conn) isAuthenticated() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.authenticated
}

func (c *Conn) markAuthenticated() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.authenticated = true
}

type connKey struct{}

// ConnContext gives every new connection its own Conn and counts it; set it
// as the http.Server's ConnContext, or connection-bound schemes cannot work.
func (s *Server) ConnContext(ctx context.Context, _ net.Conn) context.Context {
	s.mu.Lock()
	s.connections++
	s.mu.Unlock()
	return context.WithValue(ctx, connKey{}, &Conn{})
}

// Connections counts the connections since the last Reset or ResetCalls.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

func connFrom(ctx context.Context) *Conn {
	c, _ := ctx.Value(connKey{}).(*Conn)
	return c
}

// authenticate reports whether r may go on, and what WWW-Authenticate to send.
func (s *Server) authenticate(r *http.Request) (bool, []string) {
	if len(s.auth) == 0 {
		return true, nil
	}
	conn := connFrom(r.Context())
	if conn != nil && conn.isAuthenticated() {
		return true, nil
	}
	if r.Header.Get("Authorization") != "" {
		for _, a := range s.auth {
			out := a.Authenticate(r, conn)
			switch out.Verdict {
			case AuthNotMine:
				continue
			case AuthOK:
				if out.Persist && conn != nil {
					conn.markAuthenticated()
				}
				return true, nonEmptyValues(out.Header)
			case AuthContinue:
				return false, nonEmptyValues(out.Header)
			case AuthFailed:
				return false, s.challenges()
			}
		}
	}
	return false, s.challenges()
}

// challenges are a fresh 401's WWW-Authenticate values: one per scheme, or
// when none is configured those IIS sends with Windows authentication.
func (s *Server) challenges() []string {
	out := make([]string, 0, len(s.auth))
	for _, a := range s.auth {
		out = append(out, a.Challenge())
	}
	if len(out) == 0 {
		out = []string{"Negotiate", "NTLM"}
	}
	return out
}

func unauthorized(challenges []string) answer {
	a := messageAnswer(http.StatusUnauthorized, "Authorization has been denied for this request.")
	for _, c := range challenges {
		a = a.withHeader("WWW-Authenticate", c)
	}
	return a
}

func nonEmptyValues(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

// BasicAuthenticator demands HTTP Basic, comparing in constant time.
func BasicAuthenticator(user, password string) Authenticator {
	return basicAuthenticator{user: user, password: password}
}

type basicAuthenticator struct{ user, password string }

func (basicAuthenticator) Challenge() string { return `Basic realm="MIM CM"` }

func (a basicAuthenticator) Authenticate(r *http.Request, _ *Conn) AuthOutcome {
	if !hasScheme(r, "Basic") {
		return AuthOutcome{Verdict: AuthNotMine}
	}
	user, pass, ok := r.BasicAuth()
	if ok && secretEqual(user, a.user)&secretEqual(pass, a.password) == 1 {
		return AuthOutcome{Verdict: AuthOK}
	}
	return AuthOutcome{Verdict: AuthFailed}
}

// BearerAuthenticator demands "Authorization: Bearer <token>".
func BearerAuthenticator(token string) Authenticator {
	return bearerAuthenticator{token: token}
}

type bearerAuthenticator struct{ token string }

func (bearerAuthenticator) Challenge() string { return "Bearer" }

func (a bearerAuthenticator) Authenticate(r *http.Request, _ *Conn) AuthOutcome {
	if !hasScheme(r, "Bearer") {
		return AuthOutcome{Verdict: AuthNotMine}
	}
	cred, _ := mimcm.ParseAuthorization(r.Header.Get("Authorization"))
	if secretEqual(cred.Token68, a.token) == 1 {
		return AuthOutcome{Verdict: AuthOK}
	}
	return AuthOutcome{Verdict: AuthFailed}
}

func hasScheme(r *http.Request, scheme string) bool {
	cred, _ := mimcm.ParseAuthorization(r.Header.Get("Authorization"))
	return cred.Is(scheme)
}

func secretEqual(got, want string) int {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want))
}
