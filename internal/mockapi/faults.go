package mockapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// Call is one API call the mock received.
type Call struct {
	// Method and Path are as sent, in the caller's letter case.
	Method string
	Path   string
	// Query is the raw query string, without the "?".
	Query string
	// RequestID is the lower-case GUID in the path, or that a POST created.
	RequestID mimcm.GUID
	// Status is the HTTP status answered; 0 when there was no answer (the
	// caller went away, or chaos or a fault lost the answer).
	Status int
	// Chaos names the fault injected: status, reset, truncate, html or lost_put.
	Chaos string
	// Time is when the call arrived, by the mock's clock.
	Time time.Time
}

// Calls returns the API calls since the last Reset or ResetCalls.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Counts returns the calls per method, always with GET, PUT, POST and "total".
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

// Fault makes the mock answer API calls with an error, as a failing proxy does.
type Fault struct {
	// Status is the HTTP status to answer (200-599); 500 when zero, except
	// with DropAnswer, which answers nothing.
	Status int
	// Count is how many calls the fault answers; 0 means until ClearFaults.
	Count int
	// RetryAfter, when set, is the Retry-After header: seconds or an HTTP date.
	RetryAfter string
	// Method, when set, limits the fault to calls with this HTTP method.
	Method string
	// RequestID, when set, limits the fault to calls about this request.
	RequestID mimcm.GUID
	// Message is the body's message, or a default; 5xx ones get a correlation ID.
	Message string
	// AfterApply carries the call out first — a POST creates its request, a
	// PUT changes the status — and then answers with the fault instead of the
	// server's answer, as a proxy that times out on a slow backend does. The
	// call log names the request a POST created.
	AfterApply bool
	// DropAnswer carries the call out, then closes the connection without an
	// answer (half a status line, then a reset), as a lost PUT of Chaos does;
	// Status and Message are not sent. It implies AfterApply.
	DropAnswer bool
}

// applies reports whether the server carries out the call the fault answers.
func (f Fault) applies() bool { return f.AfterApply || f.DropAnswer }

type activeFault struct {
	Fault
	remaining int // 0 = unlimited
}

// AddFault adds a fault; the first added that matches a call answers it.
func (s *Server) AddFault(f Fault) {
	if f.Status == 0 && !f.DropAnswer {
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

// Faults returns the active faults, with the answers each has left in Count.
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faultsLocked()
}

// faultsLocked is Faults with s.mu held.
func (s *Server) faultsLocked() []Fault {
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		c := f.Fault
		c.Count = f.remaining
		out = append(out, c)
	}
	return out
}

// takeFault uses up one answer of the first fault that matches a call.
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
