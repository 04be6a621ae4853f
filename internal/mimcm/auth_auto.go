package mimcm

import (
	"net/http"
	"strings"
	"sync"
)

// AutoAuth keeps to the first of methods (strongest first) whose scheme the server's first challenge
// offers. Leave Basic out for plain-http hosts: auto must never send a password in the clear.
func AutoAuth(methods ...Authenticator) Authenticator {
	return &autoAuth{methods: methods}
}

type autoAuth struct {
	methods []Authenticator
}

func (a *autoAuth) Name() string { return AuthAuto }

// SendsSecrets reports whether any of the methods puts a reusable secret on the wire.
func (a *autoAuth) SendsSecrets() bool {
	for _, m := range a.methods {
		if m.SendsSecrets() {
			return true
		}
	}
	return false
}

func (a *autoAuth) Wrap(next http.RoundTripper) http.RoundTripper {
	wrapped := make([]http.RoundTripper, len(a.methods))
	for i, m := range a.methods {
		wrapped[i] = m.Wrap(next)
	}
	return &autoTransport{auth: a, next: next, wrapped: wrapped, chosen: -1}
}

type autoTransport struct {
	auth    *autoAuth
	next    http.RoundTripper
	wrapped []http.RoundTripper

	mu     sync.Mutex
	chosen int // index into wrapped; -1 until the server has challenged
}

func (t *autoTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if rt := t.chosenTransport(); rt != nil {
		return rt.RoundTrip(req)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	i := t.choose(resp.Header.Values("WWW-Authenticate"))
	if i < 0 {
		return resp, nil // nothing we can answer with: the caller sees the 401
	}
	retry, err := rewound(req)
	if err != nil {
		return resp, nil //nolint:nilerr // a body that cannot be sent again leaves the 401 as the answer
	}
	discard(resp)
	return t.wrapped[i].RoundTrip(retry)
}

func (t *autoTransport) chosenTransport() http.RoundTripper {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.chosen < 0 {
		return nil
	}
	return t.wrapped[t.chosen]
}

func (t *autoTransport) choose(challenges []string) int {
	offered := offeredSchemes(challenges)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.chosen >= 0 {
		return t.chosen
	}
	for i, m := range t.auth.methods {
		for _, scheme := range schemesOf(m) {
			if offered[scheme] {
				t.chosen = i
				return i
			}
		}
	}
	return -1
}

func schemesOf(m Authenticator) []string {
	switch m.Name() {
	case AuthNegotiate:
		return []string{"negotiate"}
	case AuthNTLM:
		return []string{"ntlm", "negotiate"}
	case AuthBasic:
		return []string{"basic"}
	case AuthBearer:
		return []string{"bearer"}
	}
	return nil
}

func offeredSchemes(challenges []string) map[string]bool {
	out := map[string]bool{}
	for _, c := range ParseChallenges(challenges) {
		out[strings.ToLower(c.Scheme)] = true
	}
	return out
}

func rewound(req *http.Request) (*http.Request, error) {
	out := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		return out, nil
	}
	if req.GetBody == nil {
		return nil, errBodyNotReplayable
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	out.Body = body
	return out, nil
}
