// Package mockapi is a stateful fake of the MIM CM requests REST API, for
// the provider's tests and for scripts (through cmd/mimcm-mock).
//
// It serves the routes of the API under a configurable base path with the
// documented quirks of the real server: PascalCase JSON, the all-zero GUID
// for "no value", "0001-01-01T00:00:00" for a request that has not
// completed, NUL padding at the end of the security descriptor, 204 for a
// request it does not know, and 500 with a correlation ID for everything it
// refuses. Requests move through the lifecycle of the API (Pending,
// Approved, Executing, then Completed, Canceled or Failed); terminal
// statuses come from the project's one status table in package mimcm.
//
// Tests steer it through its Go methods (Seed, Update, AddFault,
// SetLatency, SetChaos, ...) or, from outside the process, through the admin routes
// under /_mock/ (outside the base path). They take and give JSON, are never
// delayed, faulted or authenticated, never appear in the call log, and
// answer bad input with 400 and {"Message": why}:
//
//	GET    /_mock/health              {"status":"ok"}
//	GET    /_mock/requests            every request, in wire form, in list order
//	POST   /_mock/requests            seed one wire-form object or an array (upsert); 201 with what was stored, in the same shape
//	GET    /_mock/requests/{id}       one request; 404 when unknown
//	PATCH  /_mock/requests/{id}       overwrite the fields a partial wire-form object names (drift); 200 with the result
//	DELETE /_mock/requests/{id}       204; 404 when unknown
//	GET    /_mock/calls               {"calls":[{"method","path","query","request_id","status","time"}],"counts":{"GET":n,"PUT":n,"POST":n,"total":n},"connections":n,"handshakes":n}
//	DELETE /_mock/calls               empty the call log and zero the connection count; 204
//	GET    /_mock/faults              the active faults, count holding the answers each has left
//	POST   /_mock/faults              {"status","count","retry_after","method","request_id","message"}; 201 with the fault
//	DELETE /_mock/faults              clear the faults; 204
//	GET    /_mock/settings            {"latency_ms","put_no_content","executing_polls","pending_on_create"}
//	PUT    /_mock/settings            change the settings the body names; 200 with all of them
//	GET    /_mock/chaos               {"chaos":{...},"on":bool,"counts":{"calls","status":{"503":n},"resets","truncated","html","lost_puts"},"latency_ms":n}
//	PUT    /_mock/chaos               {"seed","rates":{"503":0.1,...},"retry_after":["0","1"],"latency_min_ms","latency_max_ms",
//	                                  "reset_rate","truncate_rate","html_rate","lost_put_rate"}: replace the chaos, restart
//	                                  its stream from the seed, zero its counts; 200 as GET
//	DELETE /_mock/chaos               turn chaos off, keeping its counts; 204
//	POST   /_mock/reset               empty the store, the call log and the faults, turn chaos off, restore the settings; 204
//
// Chaos (SetChaos, PUT /_mock/chaos) fails API calls at random with a seeded,
// reproducible stream: error statuses (429 and 503 with Retry-After, 500,
// 502, 504, ...), random latency, connections reset in the middle of the
// answer's headers, bodies cut shorter than their Content-Length, and IIS's
// HTML error pages. It strikes before the call reaches the store, so a
// failed call changed nothing, except for the opt-in lost PUT, which is
// applied and then loses its answer. The call log names the fault each call
// met.
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

// DefaultCurrentUser is the user the mock authenticates every caller as when
// Options.CurrentUser is empty: the originator of the reference example.
const DefaultCurrentUser mimcm.GUID = "8f1590dc-d932-4b66-8e68-2e91c5880780"

// adminPrefix is where the admin routes live, outside the API's base path.
const adminPrefix = "/_mock"

// Options configures a Server. The zero value serves the documented base
// path without authentication and auto-approves created requests.
type Options struct {
	// BasePath is the path of the API; mimcm.DefaultBasePath when empty.
	BasePath string
	// BasicUser, when not empty, makes the API demand HTTP Basic
	// authentication with BasicUser and BasicPassword.
	BasicUser     string
	BasicPassword string
	// BearerToken, when not empty, makes the API demand
	// "Authorization: Bearer <token>". When Basic is configured too, either
	// is accepted.
	BearerToken string
	// RequireClientCert makes the API demand a verified TLS client
	// certificate, answering 403.7 as IIS does without one. The TLS server
	// must ask for certificates (tls.Config ClientAuth and ClientCAs).
	RequireClientCert bool
	// Auth lists further schemes the API demands (NTLM, Negotiate, ...),
	// after Basic and Bearer from the fields above. Connection-bound
	// schemes need the http.Server's ConnContext set to Server.ConnContext.
	Auth []Authenticator
	// CurrentUser is the authenticated user: the originator of created
	// requests and the user ?targetuser=current selects.
	// DefaultCurrentUser when empty.
	CurrentUser mimcm.GUID
	// PendingOnCreate makes POSTed requests start Pending (16) instead of
	// Approved (3), the status the reference examples show for a new
	// request.
	PendingOnCreate bool
	// Now is the mock's clock; time.Now when nil.
	Now func() time.Time
}

// settings are the behaviours that can change while the mock runs. Reset
// restores them from Options.
type settings struct {
	latency         time.Duration
	putNoContent    bool
	executingPolls  int
	pendingOnCreate bool
}

// Server is the fake MIM CM API. It implements http.Handler and is safe for
// concurrent use.
type Server struct {
	opts     Options
	basePath string // normalised: leading slash, no trailing slash, "" for the root
	auth     []Authenticator

	mu          sync.Mutex
	requests    map[string]mimcm.Request // by lower-case Uuid
	executing   map[string]int           // GETs left before an Executing request completes
	calls       []Call
	connections int
	faults      []*activeFault
	settings    settings
	chaos       *chaosState
}

// New returns a Server with an empty store.
func New(opts Options) *Server {
	if opts.CurrentUser == "" {
		opts.CurrentUser = DefaultCurrentUser
	}
	opts.CurrentUser = mimcm.GUID(strings.ToLower(string(opts.CurrentUser)))
	if opts.Now == nil {
		opts.Now = time.Now
	}
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

// BasePath returns the base path the API is served under, without a
// trailing slash ("" when it is served at the root).
func (s *Server) BasePath() string { return s.basePath }

func (s *Server) now() time.Time { return s.opts.Now() }

// ServeHTTP routes admin calls to the admin handlers, calls under the base
// path to the API, and answers anything else 404 as IIS would.
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

// cutPathPrefix matches prefix against the start of path case-insensitively
// and on a segment boundary, as IIS does, and returns the rest of the path.
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

// Seed stores requests, replacing any with the same Uuid (compared
// case-insensitively). A request without a Uuid gets a random version 4
// GUID. Trailing NULs of the security descriptor are dropped (the mock adds
// the server's padding when it serialises) and a nil data collection is
// stored as an empty one, as the server writes it.
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
		stored = append(stored, cloneRequest(r))
	}
	return stored
}

// storedForm is a deep copy of r as the store keeps it.
func storedForm(r mimcm.Request) mimcm.Request {
	r = cloneRequest(r)
	r.SecurityDescriptor = strings.TrimRight(r.SecurityDescriptor, "\x00")
	return r
}

func requestKey(id mimcm.GUID) string { return strings.ToLower(string(id)) }

// Request returns a deep copy of the stored request with the given Uuid,
// compared case-insensitively.
func (s *Server) Request(id mimcm.GUID) (mimcm.Request, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[requestKey(id)]
	if !ok {
		return mimcm.Request{}, false
	}
	return cloneRequest(r), true
}

// Requests returns deep copies of every stored request, sorted by Submitted
// and then by Uuid, the order the list route answers in.
func (s *Server) Requests() []mimcm.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sortedLocked(func(mimcm.Request) bool { return true })
}

// sortedLocked returns copies of the stored requests that keep is true for,
// in list order. s.mu must be held.
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

// Update changes a stored request in place, as an administrator or the CM
// workflow would behind the provider's back (drift). fn gets a copy and may
// change any field but Uuid. Update reports false when no request has that
// Uuid.
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
	return true
}

// Delete removes a stored request; afterwards GET answers 204 for it.
// Delete reports false when no request has that Uuid.
func (s *Server) Delete(id mimcm.GUID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := requestKey(id)
	if _, ok := s.requests[key]; !ok {
		return false
	}
	delete(s.requests, key)
	delete(s.executing, key)
	return true
}

// Reset empties the store, the call log and the faults, turns chaos off
// and zeroes its counts, and restores the settings to what Options gave.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = map[string]mimcm.Request{}
	s.executing = map[string]int{}
	s.calls = nil
	s.connections = 0
	s.faults = nil
	s.settings = settings{pendingOnCreate: s.opts.PendingOnCreate}
	s.chaos = newChaosState()
}

// SetLatency delays every API answer by d (admin routes are never delayed).
// A caller that gives up while waiting gets no answer; the call is logged
// with status 0.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings.latency = max(d, 0)
}

// SetPutNoContent makes successful PUTs answer 204 with no body, which the
// documentation allows; the client must then GET the result.
func (s *Server) SetPutNoContent(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings.putNoContent = on
}

// SetExecutingPolls makes a successful PUT "Completed" of an Approved
// request leave it Executing (18). The next n GETs of that request still
// answer Executing; after the n-th it is Completed. 0, the default,
// completes it at once.
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

// Handshakes returns how many connection-bound handshakes (NTLM, ...) the
// configured authenticators that implement HandshakeCounter have
// completed since the server was made; ResetCalls does not zero it.
func (s *Server) Handshakes() int {
	n := 0
	for _, a := range s.auth {
		if c, ok := a.(HandshakeCounter); ok {
			n += c.Handshakes()
		}
	}
	return n
}
