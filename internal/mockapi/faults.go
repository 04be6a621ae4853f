package mockapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// Call is one API call the mock received.
type Call struct {
	// Method and Path are the HTTP method and the URL path as sent (in the
	// caller's letter case, without the query).
	Method string
	Path   string
	// Query is the raw query string, without the "?".
	Query string
	// RequestID is the lower-case GUID of the request the call was about:
	// from the path, or the request a POST created. Empty when there is none.
	RequestID mimcm.GUID
	// Status is the HTTP status answered; 0 when the caller went away before
	// an answer (see SetLatency) or chaos reset the connection.
	Status int
	// Chaos names the fault chaos injected into the call (SetChaos):
	// "status", "reset", "truncate", "html" or "lost_put"; empty for none.
	Chaos string
	// Time is when the call arrived, by the mock's clock.
	Time time.Time
}

// Calls returns the API calls received since the last ResetCalls or Reset,
// in the order they were answered. It includes calls answered by a fault or
// with 401; admin calls never appear.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Counts returns the number of API calls per HTTP method, and their sum
// under "total". "GET", "PUT", "POST" and "total" are always present.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return countCalls(s.calls)
}

func countCalls(calls []Call) map[string]int {
	counts := map[string]int{"GET": 0, "PUT": 0, "POST": 0, "total": len(calls)}
	for _, c := range calls {
		counts[c.Method]++
	}
	return counts
}

// ResetCalls empties the call log and zeroes the connection count.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.connections = 0
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// Fault makes the mock answer API calls with an error instead of handling
// them, as a failing server, proxy or load balancer would.
type Fault struct {
	// Status is the HTTP status to answer (200-599); 500 when zero.
	Status int
	// Count is how many calls the fault answers before it goes away; 0
	// means until ClearFaults.
	Count int
	// RetryAfter, when set, is sent as the Retry-After header: seconds
	// ("2") or an HTTP date.
	RetryAfter string
	// Method, when set, limits the fault to calls with this HTTP method.
	Method string
	// RequestID, when set, limits the fault to calls about this request.
	RequestID mimcm.GUID
	// Message is the message of the JSON body; a default text for the
	// status when empty. 5xx messages get a correlation ID appended unless
	// they carry one.
	Message string
}

// activeFault is a fault with the number of answers it has left.
type activeFault struct {
	Fault
	remaining int // 0 = unlimited
}

// AddFault adds a fault. Faults are checked in the order they were added;
// the first that matches a call answers it.
func (s *Server) AddFault(f Fault) {
	if f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	f.Method = strings.ToUpper(f.Method)
	f.RequestID = mimcm.GUID(strings.ToLower(string(f.RequestID)))
	f.Count = max(f.Count, 0)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &activeFault{Fault: f, remaining: f.Count})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Faults returns the active faults, each with the answers it has left in
// Count; a fault that has given all its answers is gone.
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faultsLocked()
}

// faultsLocked returns the active faults with their remaining counts in
// Count. s.mu must be held.
func (s *Server) faultsLocked() []Fault {
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		c := f.Fault
		c.Count = f.remaining
		out = append(out, c)
	}
	return out
}

// takeFault returns the first fault matching a call and uses up one of its
// answers.
func (s *Server) takeFault(method string, id mimcm.GUID) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		if f.RequestID != "" && f.RequestID != id {
			continue
		}
		if f.remaining > 0 {
			f.remaining--
			if f.remaining == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

// faultAnswer is the answer a fault gives to r.
func (s *Server) faultAnswer(f Fault, r *http.Request) answer {
	var a answer
	switch {
	case f.Status == http.StatusNoContent || f.Status == http.StatusNotModified:
		a = answer{status: f.Status}
	case f.Message == "" && f.Status == http.StatusNotFound:
		a = notFound(r)
	default:
		msg := f.Message
		if msg == "" {
			msg = defaultMessage(f.Status)
		}
		if f.Status >= 500 {
			msg = withCorrelationID(msg)
		}
		a = messageAnswer(f.Status, msg)
	}
	if f.Status == http.StatusUnauthorized {
		for _, c := range s.challenges() {
			a = a.withHeader("WWW-Authenticate", c)
		}
	}
	if f.RetryAfter != "" {
		a = a.withHeader("Retry-After", f.RetryAfter)
	}
	return a
}

// defaultMessage is the message a fault without one sends.
func defaultMessage(status int) string {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return "Authorization has been denied for this request."
	case http.StatusInternalServerError:
		return "An error has occurred."
	case http.StatusServiceUnavailable:
		return "The service is unavailable."
	}
	if text := http.StatusText(status); text != "" {
		return text + "."
	}
	return "Error."
}
