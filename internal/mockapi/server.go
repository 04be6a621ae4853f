// Package mockapi is a stateful fake of the MIM CM requests REST API, for
// the provider's tests and for scripts (through cmd/mimcm-mock).
//
// It serves the API under a configurable base path with the real server's
// quirks: PascalCase JSON, the all-zero GUID and "0001-01-01T00:00:00" for
// no value, NUL padding after the security descriptor, 204 for an unknown
// request, and 500 with a correlation ID for whatever it refuses.
//
// Tests steer it through its methods, other processes through the admin
// routes under /_mock/ that the README lists. Beyond the README: POST and
// PATCH answer with what they stored, GET /_mock/calls also counts
// "connections" and "handshakes", and PUT /_mock/chaos takes a "storm"
// ({"duration_ms","burst","calm","calls","statuses"}), restarts the stream and
// zeroes the counts, which DELETE /_mock/chaos keeps.
package mockapi

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// DefaultCurrentUser is the caller when Options.CurrentUser is empty.
const DefaultCurrentUser mimcm.GUID = "8f1590dc-d932-4b66-8e68-2e91c5880780"

const adminPrefix = "/_mock"

// Options configures a Server. The zero value serves the documented base
// path without authentication and auto-approves created requests.
type Options struct {
	// BasePath is the API's path; mimcm.DefaultBasePath when empty.
	BasePath string
	// BasicUser, when set, makes the API demand HTTP Basic with BasicPassword.
	BasicUser     string
	BasicPassword string
	// BearerToken, when set, makes the API demand it; with Basic, either passes.
	BearerToken string
	// RequireClientCert answers 403.7, as IIS does, without a client
	// certificate; the TLS server must ask for one and verify it.
	RequireClientCert bool
	// Auth lists further schemes the API demands, after Basic and Bearer.
	Auth []Authenticator
	// CurrentUser is the authenticated caller; DefaultCurrentUser when empty.
	CurrentUser mimcm.GUID
	// PendingOnCreate makes created requests start Pending, not Approved, where no workflow
	// policy decides: for a profile template without a policy for the request's type, and for
	// any template while the mock holds none.
	PendingOnCreate bool
	// PolicyRoutes chooses the forms of the workflow policy route served; PolicyRoutesPolicies
	// when empty.
	PolicyRoutes PolicyRoutes
	// Now is the mock's clock; time.Now when nil.
	Now func() time.Time
}

// settings can change while the mock runs; Reset restores them from Options.
type settings struct {
	latency         time.Duration
	putNoContent    bool
	executingPolls  int
	pendingOnCreate bool
	policyRoutes    PolicyRoutes
}

// Server is the fake MIM CM API, an http.Handler safe for concurrent use.
type Server struct {
	opts     Options
	basePath string // normalised: leading slash, no trailing slash, "" for the root
	auth     []Authenticator

	mu          sync.Mutex
	requests    map[string]mimcm.Request // by lower-case Uuid
	executing   map[string]int           // GETs left before an Executing request completes
	approvals   map[string]int           // approvals a Pending request has had, by request
	templates   map[string]ProfileTemplate
	calls       []Call
	connections int
	faults      []*activeFault
	settings    settings
	chaos       *chaosState
}

// New returns a Server with an empty store. It panics when opts.PolicyRoutes is not one of the
// PolicyRoutes values, as the other options' mistakes could only be found by a test failing.
func New(opts Options) *Server {
	if opts.CurrentUser == "" {
		opts.CurrentUser = DefaultCurrentUser
	}
	opts.CurrentUser = mimcm.GUID(strings.ToLower(string(opts.CurrentUser)))
	if opts.Now == nil {
		opts.Now = time.Now
	}
	routes, err := ParsePolicyRoutes(string(opts.PolicyRoutes))
	if err != nil {
		panic("mockapi: Options.PolicyRoutes " + err.Error())
	}
	opts.PolicyRoutes = routes
	s := &Server{
		opts:     opts,
		basePath: normaliseBasePath(opts.BasePath),
	}
	if opts.BasicUser != "" {
		s.auth = append(s.auth, BasicAuthenticator(opts.BasicUser, opts.BasicPassword))
	}
	if opts.BearerToken != "" {
		s.auth = append(s.auth, BearerAuthenticator(opts.BearerToken))
	}
	s.auth = append(s.auth, opts.Auth...)
	s.Reset()
	return s
}

func normaliseBasePath(p string) string {
	if p == "" {
		p = mimcm.DefaultBasePath
	}
	p = strings.TrimRight(p, "/")
	if p != "" && !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

// BasePath returns the API's base path without a trailing slash.
func (s *Server) BasePath() string { return s.basePath }

func (s *Server) now() time.Time { return s.opts.Now() }

// ServeHTTP serves the admin routes and the API, and 404 elsewhere as IIS does.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := cutPathPrefix(r.URL.Path, adminPrefix); ok {
		s.serveAdmin(w, r, rest)
		return
	}
	if rest, ok := cutPathPrefix(r.URL.Path, s.basePath); ok {
		s.serveAPI(w, r, rest)
		return
	}
	notFound(r).write(w)
}

// cutPathPrefix matches a prefix in any case, by segments, as IIS does.
func cutPathPrefix(path, prefix string) (string, bool) {
	if len(path) < len(prefix) || !strings.EqualFold(path[:len(prefix)], prefix) {
		return "", false
	}
	rest := path[len(prefix):]
	if rest != "" && rest[0] != '/' {
		return "", false
	}
	return rest, true
}

// Seed stores requests, replacing any with the same Uuid in any letter case,
// and gives a request without a Uuid a random one.
func (s *Server) Seed(reqs ...mimcm.Request) {
	s.seed(reqs)
}

// seed is Seed that returns what it stored.
func (s *Server) seed(reqs []mimcm.Request) []mimcm.Request {
	stored := make([]mimcm.Request, 0, len(reqs))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range reqs {
		r = storedForm(r)
		if r.Uuid == "" {
			r.Uuid = newGUID()
		}
		key := requestKey(r.Uuid)
		s.requests[key] = r
		delete(s.executing, key)
		delete(s.approvals, key)
		stored = append(stored, cloneRequest(r))
	}
	return stored
}

func storedForm(r mimcm.Request) mimcm.Request {
	r = cloneRequest(r)
	r.SecurityDescriptor = strings.TrimRight(r.SecurityDescriptor, "\x00")
	return r
}

func requestKey(id mimcm.GUID) string { return strings.ToLower(string(id)) }

// Request returns a copy of the request with that Uuid, in any letter case.
func (s *Server) Request(id mimcm.GUID) (mimcm.Request, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[requestKey(id)]
	if !ok {
		return mimcm.Request{}, false
	}
	return cloneRequest(r), true
}

// Requests returns copies of every request, by Submitted and then Uuid.
func (s *Server) Requests() []mimcm.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sortedLocked(func(mimcm.Request) bool { return true })
}

// sortedLocked returns the requests keep accepts, in list order.
func (s *Server) sortedLocked(keep func(mimcm.Request) bool) []mimcm.Request {
	out := make([]mimcm.Request, 0, len(s.requests))
	for _, r := range s.requests {
		if keep(r) {
			out = append(out, cloneRequest(r))
		}
	}
	slices.SortFunc(out, func(a, b mimcm.Request) int {
		if c := a.Submitted.Time().Compare(b.Submitted.Time()); c != 0 {
			return c
		}
		return cmp.Compare(requestKey(a.Uuid), requestKey(b.Uuid))
	})
	return out
}

// Update lets fn change any field but Uuid of a copy of a stored request,
// as drift behind the provider's back; false when there is no such request.
func (s *Server) Update(id mimcm.GUID, fn func(*mimcm.Request)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := requestKey(id)
	r, ok := s.requests[key]
	if !ok {
		return false
	}
	r = cloneRequest(r)
	uuid := r.Uuid
	fn(&r)
	r = storedForm(r)
	r.Uuid = uuid
	s.requests[key] = r
	s.forgetApprovalsLocked(key, r)
	return true
}

// Delete forgets a request, so that GET answers 204; false when there was none.
func (s *Server) Delete(id mimcm.GUID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := requestKey(id)
	if _, ok := s.requests[key]; !ok {
		return false
	}
	delete(s.requests, key)
	delete(s.executing, key)
	delete(s.approvals, key)
	return true
}

// Reset empties the store (requests and profile templates), the call log and
// the faults, turns chaos off and restores the settings.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = map[string]mimcm.Request{}
	s.executing = map[string]int{}
	s.approvals = map[string]int{}
	s.templates = map[string]ProfileTemplate{}
	s.calls = nil
	s.connections = 0
	s.faults = nil
	s.settings = settings{pendingOnCreate: s.opts.PendingOnCreate, policyRoutes: s.opts.PolicyRoutes}
	s.chaos = newChaosState()
}

// SetLatency delays every API answer by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings.latency = max(d, 0)
}

// SetPutNoContent makes PUTs answer 204, as the documentation allows.
func (s *Server) SetPutNoContent(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings.putNoContent = on
}

// SetExecutingPolls makes a PUT "Completed" of an Approved request leave it
// Executing (18) for the next n GETs; 0, the default, completes it at once.
func (s *Server) SetExecutingPolls(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings.executingPolls = max(n, 0)
}

// SetPendingOnCreate overrides Options.PendingOnCreate until the next Reset.
func (s *Server) SetPendingOnCreate(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings.pendingOnCreate = on
}

// Handshakes adds up the authenticators' handshakes since New.
func (s *Server) Handshakes() int {
	n := 0
	for _, a := range s.auth {
		if c, ok := a.(HandshakeCounter); ok {
			n += c.Handshakes()
		}
	}
	return n
}
