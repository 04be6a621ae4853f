package mimcm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestAPIError_Error(t *testing.T) {
	path := DefaultBasePath + "/requests/" + string(exampleID)
	tests := []struct {
		name       string
		err        *APIError
		want       []string
		wantAbsent []string
	}{
		{
			name: "server error with correlation ID in the message",
			err: &APIError{
				Kind: ErrServer, Method: "PUT", Path: path, RequestID: exampleID, StatusCode: 500, Attempts: 2,
				Message:       "An error has occurred. Correlation ID: " + exampleCorrelationID,
				CorrelationID: exampleCorrelationID,
			},
			want: []string{
				"PUT " + path, "(request " + string(exampleID) + ")", "server error", "(HTTP 500)", "after 2 attempts",
				`Server message: "An error has occurred. Correlation ID: ` + exampleCorrelationID + `"`,
				"Give the correlation ID to the MIM CM administrator",
			},
			// Shown once, in the message.
			wantAbsent: []string{". Correlation ID: " + exampleCorrelationID + ". "},
		},
		{
			name: "correlation ID from a header is shown on its own",
			err: &APIError{
				Kind: ErrServer, Method: "GET", Path: path, RequestID: exampleID, StatusCode: 503, Attempts: 1,
				Message: "Service Unavailable", CorrelationID: "abc-123",
			},
			want:       []string{"GET " + path, "(HTTP 503)", `"Service Unavailable"`, "Correlation ID: abc-123"},
			wantAbsent: []string{"attempts"},
		},
		{
			name: "server error without correlation ID",
			err:  &APIError{Kind: ErrServer, Method: "GET", Path: path, StatusCode: 500},
			want: []string{"(HTTP 500)", "event log"},
			wantAbsent: []string{
				"(request", "Server message", "Correlation ID", "Cause",
			},
		},
		{
			name:       "bad gateway from a proxy",
			err:        &APIError{Kind: ErrServer, Method: "GET", Path: path, StatusCode: 502, Message: "502 - Web server received an invalid response"},
			want:       []string{"(HTTP 502)", "proxy or load balancer", "retries it for up to 2m0s per call"},
			wantAbsent: []string{"event log"},
		},
		{
			name: "transport error with cause",
			err: &APIError{
				Kind: ErrTransport, Method: "GET", Path: DefaultBasePath + "/requests", Attempts: 5,
				Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused"),
			},
			want:       []string{"GET " + DefaultBasePath + "/requests: no response from the server", "after 5 attempts", "Cause: dial tcp", "request_timeout"},
			wantAbsent: []string{"HTTP 0", "(request"},
		},
		{
			name: "route not found",
			err:  &APIError{Kind: ErrRouteNotFound, Method: "GET", Path: path, RequestID: exampleID, StatusCode: 404},
			want: []string{"API route not found", "(HTTP 404)", "base_path", DefaultBasePath, "Clm.WebApi.Enabled"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := tc.err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("Error() = %q\ndoes not contain %q", msg, w)
				}
			}
			for _, a := range tc.wantAbsent {
				if strings.Contains(msg, a) {
					t.Errorf("Error() = %q\ncontains %q", msg, a)
				}
			}
			if strings.Count(msg, exampleCorrelationID) > 1 {
				t.Errorf("Error() = %q repeats the correlation ID", msg)
			}
		})
	}
}

func TestAPIError_Hint(t *testing.T) {
	tests := []struct {
		kind error
		want string
	}{
		{ErrRequestNotFound, "request GUID"},
		{ErrRouteNotFound, "Clm.WebApi.Enabled"},
		{ErrUnauthorized, "auth_method"},
		{ErrForbidden, "permissions"},
		{ErrServer, "event log"},
		{ErrRejected, "refused"},
		{ErrUndecodable, "base_path"},
		{ErrTransport, "TLS"},
		{ErrCreateOutcomeUnknown, "terraform import"},
		{ErrProfileTemplateNotFound, "profile template GUID"},
		{ErrPolicyNotFound, "no workflow policy for this request type"},
		{ErrPolicyShape, "data collection items"},
		{ErrNotSent, "did nothing"},
	}
	for _, tc := range tests {
		t.Run(tc.kind.Error(), func(t *testing.T) {
			e := &APIError{Kind: tc.kind, Method: "GET", Path: "/x"}
			if hint := e.Hint(); !strings.Contains(hint, tc.want) {
				t.Errorf("Hint() = %q, want it to mention %q", hint, tc.want)
			}
			if !strings.HasSuffix(e.Error(), e.Hint()) {
				t.Errorf("Error() = %q does not end with the hint", e.Error())
			}
		})
	}
	if hint := (&APIError{Kind: errors.New("other")}).Hint(); hint != "" {
		t.Errorf("Hint() for a foreign kind = %q, want \"\"", hint)
	}
}

func TestAPIError_Unwrap(t *testing.T) {
	cause := fmt.Errorf("the operation was interrupted: %w", context.Canceled)
	var err error = &APIError{Kind: ErrTransport, Method: "GET", Path: "/x", Err: cause}
	wrapped := fmt.Errorf("reading: %w", err)
	for _, target := range []error{ErrTransport, context.Canceled} {
		if !errors.Is(wrapped, target) {
			t.Errorf("errors.Is(%v, %v) = false", wrapped, target)
		}
	}
	for _, other := range []error{ErrServer, ErrRequestNotFound, context.DeadlineExceeded} {
		if errors.Is(wrapped, other) {
			t.Errorf("errors.Is(%v, %v) = true", wrapped, other)
		}
	}
	var apiErr *APIError
	if !errors.As(wrapped, &apiErr) || apiErr.Kind != ErrTransport {
		t.Errorf("errors.As did not find the *APIError")
	}

	noCause := &APIError{Kind: ErrForbidden}
	if !errors.Is(noCause, ErrForbidden) || errors.Is(noCause, ErrServer) {
		t.Errorf("an APIError without a cause must match only its kind")
	}
}
