package mimcm

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

const exampleCorrelationID = "5f0d9c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f"

func TestParseErrorBody_cases(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		header      map[string]string
		body        string
		wantMessage string
		wantCorr    string
	}{
		{
			name:        "ASP.NET message with correlation ID",
			contentType: "application/json; charset=utf-8",
			body:        `{"Message":"An error has occurred. Correlation ID: ` + exampleCorrelationID + `"}`,
			wantMessage: "An error has occurred. Correlation ID: " + exampleCorrelationID,
			wantCorr:    exampleCorrelationID,
		},
		{
			name:        "correlation ID in upper case and braces",
			body:        `{"Message":"Failed. CorrelationId={5F0D9C3E-1B2A-4C3D-9E8F-0A1B2C3D4E5F}"}`,
			wantMessage: "Failed. CorrelationId={5F0D9C3E-1B2A-4C3D-9E8F-0A1B2C3D4E5F}",
			wantCorr:    "5F0D9C3E-1B2A-4C3D-9E8F-0A1B2C3D4E5F",
		},
		{
			name:        "message detail and exception message",
			body:        `{"Message":"The request is invalid.","MessageDetail":"No HTTP resource was found.","ExceptionMessage":"boom"}`,
			wantMessage: "The request is invalid. No HTTP resource was found. boom",
		},
		{
			name:        "lower-case message key",
			body:        `{"message":"Access denied."}`,
			wantMessage: "Access denied.",
		},
		{
			name:        "JSON object of another shape keeps its text",
			body:        `{"error":"upstream unavailable"}`,
			wantMessage: `{"error":"upstream unavailable"}`,
		},
		{
			name:        "bare JSON string",
			body:        `"Request a9b4b42c is in a terminal state."`,
			wantMessage: "Request a9b4b42c is in a terminal state.",
		},
		{
			name:        "IIS HTML page: title",
			contentType: "text/html",
			body:        "<!DOCTYPE html>\r\n<html><head><title>404 - File or directory not found.</title></head><body><h1>Server Error</h1></body></html>",
			wantMessage: "404 - File or directory not found.",
		},
		{
			name:        "HTML title with entities and line breaks",
			contentType: "text/html; charset=utf-8",
			body:        "<html><head><TITLE>\n  502 Bad Gateway &amp; friends\n</TITLE></head></html>",
			wantMessage: "502 Bad Gateway & friends",
		},
		{
			name:        "HTML without title: tags stripped",
			body:        "<html><body><h1>Service Unavailable</h1><p>Try again &lt;later&gt;.</p></body></html>",
			wantMessage: "Service Unavailable Try again <later>.",
		},
		{
			name:        "plain text",
			contentType: "text/plain",
			body:        "Bad Request\r\n",
			wantMessage: "Bad Request",
		},
		{
			name:        "control characters dropped, whitespace collapsed",
			body:        "line one\n\n\tline\x00 two\x1b[31m",
			wantMessage: "line one line two[31m",
		},
		{name: "empty", body: ""},
		{name: "whitespace only", body: " \r\n\t "},
		{name: "JSON null", body: "null"},
		{
			name:        "correlation ID from header",
			header:      map[string]string{"X-Correlation-ID": exampleCorrelationID},
			body:        `{"Message":"An error has occurred."}`,
			wantMessage: "An error has occurred.",
			wantCorr:    exampleCorrelationID,
		},
		{
			name:        "message's correlation ID wins over the header's",
			header:      map[string]string{"X-Correlation-ID": "other"},
			body:        `{"Message":"Correlation ID: ` + exampleCorrelationID + `"}`,
			wantMessage: "Correlation ID: " + exampleCorrelationID,
			wantCorr:    exampleCorrelationID,
		},
		{
			name:     "header correlation ID in braces with an empty body",
			header:   map[string]string{"X-Correlation-ID": " {" + exampleCorrelationID + "} "},
			wantCorr: exampleCorrelationID,
		},
		{
			// Found by FuzzParseErrorBody: the hint sends the reader to the
			// MIM CM event log with it, where only a GUID can be found.
			name:   "header correlation ID that is not a GUID is ignored",
			header: map[string]string{"X-Correlation-ID": "abc\n123"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.contentType != "" {
				h.Set("Content-Type", tc.contentType)
			}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			msg, corr := parseErrorBody(h, []byte(tc.body))
			if msg != tc.wantMessage {
				t.Errorf("message = %q, want %q", msg, tc.wantMessage)
			}
			if corr != tc.wantCorr {
				t.Errorf("correlation ID = %q, want %q", corr, tc.wantCorr)
			}
		})
	}
}

func TestParseErrorBody_longMessageShortened(t *testing.T) {
	tests := map[string]string{
		"ASCII":      strings.Repeat("x", 10_000),
		"multi-byte": strings.Repeat("é", 5_000), // 2 bytes each: the cut falls inside a rune
		"3-byte":     "a" + strings.Repeat("証", 3_000),
	}
	for name, long := range tests {
		t.Run(name, func(t *testing.T) {
			msg, _ := parseErrorBody(http.Header{}, []byte(`{"Message":"`+long+`"}`))
			if !strings.HasSuffix(msg, "…") {
				t.Errorf("shortened message does not end in an ellipsis: ...%q", msg[max(0, len(msg)-10):])
			}
			if body := strings.TrimSuffix(msg, "…"); len(body) > maxMessageLen {
				t.Errorf("message is %d bytes, want at most %d plus the ellipsis", len(body), maxMessageLen)
			}
			if !utf8.ValidString(msg) {
				t.Errorf("shortened message is not valid UTF-8")
			}
		})
	}
}

func TestClean_cases(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"  a \t b\r\nc  ", 100, "a b c"},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"\x00\x07bell", 100, "bell"},
		{"bad \xff byte", 100, "bad byte"},
		{"héllo", 2, "h…"},
	}
	for _, tc := range tests {
		if got := clean(tc.in, tc.n); got != tc.want {
			t.Errorf("clean(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
