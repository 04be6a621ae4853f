package mimcm

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// The kinds of failure, for errors.Is; the error itself is an *APIError or a *TransitionError.
var (
	// ErrRequestNotFound: GET /requests/{id} answered 204, nothing readable for that GUID.
	ErrRequestNotFound = errors.New("request not found")
	// ErrRouteNotFound: a 404, so the base path is wrong or the API is off (Clm.WebApi.Enabled).
	ErrRouteNotFound = errors.New("API route not found")
	// ErrUnauthorized: the server answered 401.
	ErrUnauthorized = errors.New("authentication failed")
	// ErrForbidden: the server answered 403.
	ErrForbidden = errors.New("forbidden")
	// ErrServer: the server answered 5xx.
	ErrServer = errors.New("server error")
	// ErrRejected: the server answered another 4xx status.
	ErrRejected = errors.New("request rejected")
	// ErrUndecodable: the server's answer could not be decoded.
	ErrUndecodable = errors.New("undecodable response")
	// ErrTransport: no answer came back (connection refused, reset, TLS, timeout).
	ErrTransport = errors.New("no response from the server")
	// ErrNotSent: the operation was interrupted, or its time or the call's ran out, before any
	// attempt of the call began to send its request: the server did nothing for it.
	ErrNotSent = errors.New("not sent")
	// ErrRedirected: a redirect the client did not follow (any of a PUT, a GET's to another origin).
	ErrRedirected = errors.New("redirected")
	// ErrTransition: the request is in a terminal status other than the one wanted.
	ErrTransition = errors.New("impossible status transition")
	// ErrAwaitingApproval: the request is not approved yet, and the status wanted needs approval.
	ErrAwaitingApproval = errors.New("request awaits approval")
	// ErrCreateOutcomeUnknown: a POST /requests of unknown outcome (its answer lost, or a 500, 502
	// or 504) after which no request it may have created was found; it was not sent again.
	ErrCreateOutcomeUnknown = errors.New("the server may or may not have created the request")
	// ErrAmbiguousCreate: after a POST /requests of unknown outcome, several requests match it.
	ErrAmbiguousCreate = errors.New("which request the server created is ambiguous")
	// ErrProfileTemplateNotFound: GET /profiletemplates/{id} answered 204, nothing readable for that GUID.
	ErrProfileTemplateNotFound = errors.New("profile template not found")
	// ErrPolicyNotFound: a workflow policy route answered 204, no policy readable for that template and type.
	ErrPolicyNotFound = errors.New("workflow policy not found")
	// ErrPolicyShape: a workflow policy's answer is JSON, but not shaped as the client expects, so
	// what it requires is unknown.
	ErrPolicyShape = errors.New("unexpected workflow policy shape")
)

// APIError describes a failed call: what was called, for which request, what the server said.
type APIError struct {
	// Kind is one of the Err* sentinels of this package.
	Kind error
	// Method and Path are the HTTP method and the path (with base path) called.
	Method string
	Path   string
	// RequestID is the GUID of the request concerned, when there is one.
	RequestID GUID
	// StatusCode is the HTTP status of the last answer, 0 when none came.
	StatusCode int
	// Message is the server's own message, when it sent one.
	Message string
	// CorrelationID is the correlation ID the server put in its message.
	CorrelationID string
	// Attempts is how many times the call was sent.
	Attempts int
	// RetryStop says why retrying stopped while the failure was still worth retrying.
	RetryStop string
	// Err is the underlying error, when there is one.
	Err error

	// unsettled: an attempt of this write may have been applied, and no settling read followed it.
	unsettled bool
}

// Error renders the failure for a person: what failed, the server's words, what to do next.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Method, e.Path)
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request %s)", e.RequestID)
	}
	fmt.Fprintf(&b, ": %s", e.Kind)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ". Server message: %q", e.Message)
	}
	if e.CorrelationID != "" && !strings.Contains(e.Message, e.CorrelationID) {
		fmt.Fprintf(&b, ". Correlation ID: %s", e.CorrelationID)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ". Cause: %v", e.Err)
	}
	if e.RetryStop != "" {
		fmt.Fprintf(&b, ". Not retried again: %s", e.RetryStop)
	}
	b.WriteString(".")
	if hint := e.Hint(); hint != "" {
		b.WriteString(" ")
		b.WriteString(hint)
	}
	return b.String()
}

// Unwrap lets errors.Is match both the kind and the underlying error.
func (e *APIError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Hint says what to do next about this kind of failure.
func (e *APIError) Hint() string {
	switch e.Kind {
	case ErrRequestNotFound:
		return "Check the request GUID; the request may have been deleted, or the account may not be allowed to read it."
	case ErrRouteNotFound:
		return "Every route answering 404 means the base path is wrong or the CM REST API is switched off: check the provider's base_path (default /CertificateManagement/api/v1.0) and that Clm.WebApi.Enabled is true in the CM web.config."
	case ErrUnauthorized:
		return "Check the provider's auth_method and credentials (username/password or token)."
	case ErrForbidden:
		return "The account is authenticated but not allowed to do this: check its permissions on the request and its profile template in MIM CM."
	case ErrServer:
		switch {
		case e.CorrelationID != "":
			return "Give the correlation ID to the MIM CM administrator: it locates the error in the server's event log."
		case e.StatusCode == http.StatusBadGateway || e.StatusCode == http.StatusServiceUnavailable || e.StatusCode == http.StatusGatewayTimeout:
			return "A 502, 503 or 504 usually comes from a proxy or load balancer in front of IIS; unless max_retries is 0, the provider retries it for up to " +
				DefaultRetryWindow.String() + " per call (less when the operation's timeout is nearer), slowing all its calls meanwhile: " +
				"check that the MIM CM server is up and reachable from the proxy."
		}
		return "Check the MIM CM server's event log around this time."
	case ErrRejected:
		return "The server refused the call; its message above says why."
	case ErrUndecodable:
		if e.Method == http.MethodPost && e.StatusCode >= 200 && e.StatusCode < 300 {
			return "" // the server created a request: the cause says what to do about it
		}
		return "The answer did not look like the MIM CM API: check host and base_path, and any proxy in between."
	case ErrRedirected:
		return "Set host (and base_path) to where the API itself answers: a redirect usually means http where the server wants https, " +
			"another host name than the server's, or a base_path that is not the API's."
	case ErrTransport:
		return "Check host, network reachability, TLS settings and request_timeout."
	case ErrCreateOutcomeUnknown:
		return "Look for the request in the MIM CM portal: if it exists, import it with terraform import; otherwise run apply again. " +
			"The POST was not sent again, as a second one would create a second request if the first had been created."
	case ErrProfileTemplateNotFound:
		return "Check the profile template GUID; the account may not be allowed to read that template."
	case ErrPolicyNotFound:
		return "The profile template may have no workflow policy for this request type, or the account may not be allowed to read it."
	case ErrPolicyShape:
		return "Without a policy it can read, the client cannot tell which data collection items the request needs: check the profile template's workflow policy in the MIM CM portal."
	case ErrNotSent:
		return "The call was stopped before any of it reached the server, so the server did nothing: running it again is safe."
	}
	return ""
}

// TransitionError reports a request in a terminal status other than the one wanted.
type TransitionError struct {
	RequestID GUID
	Current   Status
	Desired   DesiredStatus
}

// Error explains why the transition can never happen.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("request %s is %s (status %d), a terminal status: MIM CM never moves a request out of a terminal status, so it can never become %s",
		e.RequestID, e.Current, int(e.Current), e.Desired)
}

// Unwrap lets errors.Is match ErrTransition.
func (e *TransitionError) Unwrap() error { return ErrTransition }

// CheckTransition returns a *TransitionError when a request in current can never reach desired.
func CheckTransition(id GUID, current Status, desired DesiredStatus) error {
	if current.Satisfies(desired) || !current.IsTerminal() {
		return nil
	}
	return &TransitionError{RequestID: id, Current: current, Desired: desired}
}

// ApprovalError reports a request that cannot reach the desired status before it is approved:
// approval happens in the CM portal, never through the REST API.
type ApprovalError struct {
	RequestID GUID
	Current   Status
	Desired   DesiredStatus
}

// Error says what the request waits for and what to do.
func (e *ApprovalError) Error() string {
	return fmt.Sprintf("request %s is %s (status %d) and awaits approval: MIM CM completes or abandons only an approved request, and approval happens in the CM portal, not through the API. Once an approver has approved it, run again and it becomes %s",
		e.RequestID, e.Current, int(e.Current), e.Desired.Target())
}

// Unwrap lets errors.Is match ErrAwaitingApproval.
func (e *ApprovalError) Unwrap() error { return ErrAwaitingApproval }

// CheckApproval returns an *ApprovalError when a request in current must be approved before it
// can reach desired. Canceling needs no approval.
func CheckApproval(id GUID, current Status, desired DesiredStatus) error {
	if !desired.NeedsApproval() || !current.AwaitsApproval() {
		return nil
	}
	return &ApprovalError{RequestID: id, Current: current, Desired: desired}
}

// AmbiguousCreateError reports several requests that match a POST /requests of unknown outcome:
// any of them may be the one it created, or none.
type AmbiguousCreateError struct {
	// Candidates are the matching requests' GUIDs, oldest first.
	Candidates []GUID
}

// maxCandidatesShown bounds the candidates an AmbiguousCreateError names.
const maxCandidatesShown = 5

// Error names the candidates, the first few of them, and says what to do.
func (e *AmbiguousCreateError) Error() string {
	shown := e.Candidates[:min(len(e.Candidates), maxCandidatesShown)]
	names := make([]string, len(shown))
	for i, id := range shown {
		names[i] = string(id)
	}
	list := strings.Join(names, ", ")
	if more := len(e.Candidates) - len(shown); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	return fmt.Sprintf("%d requests match what was sent and may be the one the server created: %s. "+
		"Import the right one with terraform import, and cancel the others in the MIM CM portal", len(e.Candidates), list)
}

// Unwrap lets errors.Is match ErrAmbiguousCreate.
func (e *AmbiguousCreateError) Unwrap() error { return ErrAmbiguousCreate }

// nestedError shows an error inside another's sentence: without its final period, which the
// sentence around it adds.
type nestedError struct{ err error }

func (e nestedError) Error() string { return strings.TrimSuffix(e.err.Error(), ".") }
func (e nestedError) Unwrap() error { return e.err }
