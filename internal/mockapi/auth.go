package mockapi

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"sync"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// Authenticator is one authentication scheme the mock demands of API calls,
// checked before the application sees a call, as IIS does. Basic and Bearer
// check each call on its own; connection-bound schemes (NTLM, and Negotiate
// as IIS persists it) authenticate a connection once, through Conn.
type Authenticator interface {
	// Challenge is the WWW-Authenticate value a 401 offers to start this
	// scheme: "Basic realm=...", "NTLM", "Negotiate", "Bearer".
	Challenge() string
	// Authenticate checks the Authorization header of r, which arrived on
	// conn (nil when the server was not wired with Server.ConnContext).
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
	// Header is a WWW-Authenticate value to send: the next leg of a
	// handshake (AuthContinue) or a mutual-authentication token (AuthOK).
	Header string
	// Persist marks the connection authenticated (AuthOK only): later
	// calls on it need no Authorization header, as with IIS and NTLM.
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

// ConnContext gives every new connection its own Conn and counts it. Set
// it as the http.Server's ConnContext (cmd/mimcm-mock and the tests do), or
// connection-bound schemes cannot work.
func (s *Server) ConnContext(ctx context.Context, _ net.Conn) context.Context {
	s.mu.Lock()
	s.connections++
	s.mu.Unlock()
	return context.WithValue(ctx, connKey{}, &Conn{})
}

// Connections returns how many client connections the server has
// accepted through ConnContext since it started or was last reset.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

func connFrom(ctx context.Context) *Conn {
	c, _ := ctx.Value(connKey{}).(*Conn)
	return c
}

// authenticate runs the configured authenticators on r. It returns whether
// r may go on, and the WWW-Authenticate values to send with the answer: a
// 401's challenges, or a mutual-authentication token.
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

// challenges are the WWW-Authenticate values of a 401 that starts over: one
// per configured scheme, or those IIS sends with Windows authentication
// when none is configured.
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

// unauthorized is the answer to a call without acceptable credentials.
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

// BasicAuthenticator demands HTTP Basic authentication with user and
// password, compared in constant time.
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

// hasScheme reports whether r's Authorization header uses scheme.
func hasScheme(r *http.Request, scheme string) bool {
	cred, _ := mimcm.ParseAuthorization(r.Header.Get("Authorization"))
	return cred.Is(scheme)
}

func secretEqual(got, want string) int {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want))
}
