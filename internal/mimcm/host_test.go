package mimcm

import (
	"strings"
	"testing"
)

func TestParseHost_good(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.contoso.com", "https://api.contoso.com"},
		{"https://api.contoso.com/", "https://api.contoso.com"},
		{"http://api.contoso.com", "http://api.contoso.com"},
		{"https://api.contoso.com:8443", "https://api.contoso.com:8443"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"https://[::1]:8443", "https://[::1]:8443"},
		{"HTTPS://api.contoso.com", "https://api.contoso.com"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseHost(tc.in)
			if err != nil {
				t.Fatalf("ParseHost(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseHost(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseHost_bad(t *testing.T) {
	tests := []struct {
		name, in, wantInError string
	}{
		{"empty", "", "empty"},
		{"no scheme", "api.contoso.com", "no http or https scheme"},
		{"ftp", "ftp://api.contoso.com", "no http or https scheme"},
		{"no host", "https://", "no host name"},
		{"port only", "https://:443", "no host name"},
		{"path", "https://api.contoso.com/CertificateManagement/api/v1.0", "base_path"},
		{"query", "https://api.contoso.com?x=1", "query or fragment"},
		{"bare question mark", "https://api.contoso.com?", "query or fragment"},
		{"fragment", "https://api.contoso.com#top", "query or fragment"},
		{"bad port", "https://api.contoso.com:port", "not a URL"},
		{"unparsable", "https://[::1", "not a URL"},
		{"credentials", "https://alice:s3cr3t@api.contoso.com", "username and password"},
		{"credentials that do not parse", "http://admin:s3cr3t%zz@api.contoso.com", `"http://REDACTED@api.contoso.com" is not a URL, and carries credentials in it`},
		{"credentials with a slash", "http://admin:s3/cr3t@api.contoso.com", `"http://REDACTED@api.contoso.com"`},
		{"credentials without a scheme", "admin:s3cr3t@api.contoso.com", `"REDACTED@api.contoso.com"`},
		{"credentials and a bad port", "https://admin:s3cr3t@api.contoso.com:port", "username and password"},
		{"long", "https://" + strings.Repeat("a", 10_000) + ".contoso.com:port", "… (10025 bytes) is not a URL: invalid port"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseHost(tc.in)
			if err == nil {
				t.Fatalf("ParseHost(%q) = %q, want an error", tc.in, got)
			}
			if !strings.Contains(err.Error(), tc.wantInError) {
				t.Errorf("error %q does not contain %q", err, tc.wantInError)
			}
			if strings.Contains(err.Error(), "s3") || strings.Contains(err.Error(), "cr3t") {
				t.Errorf("error %q reveals the password", err)
			}
			if len(err.Error()) > 400 {
				t.Errorf("error of %d bytes: long input must be cut", len(err.Error()))
			}
		})
	}
}

func TestParseBasePath_cases(t *testing.T) {
	tests := []struct {
		in, want    string
		wantInError string // "" when the input is good
	}{
		{in: "", want: DefaultBasePath},
		{in: "/CertificateManagement/api/v1.0", want: "/CertificateManagement/api/v1.0"},
		{in: "/CertificateManagement/api/v1.0/", want: "/CertificateManagement/api/v1.0"},
		{in: "/certificatemanagement/api/v1.0", want: "/certificatemanagement/api/v1.0"},
		{in: "/cm//", want: "/cm"},
		{in: "/", want: ""}, // the API at the root of the host
		{in: "CertificateManagement/api/v1.0", wantInError: `start with "/"`},
		{in: "https://api.contoso.com/cm", wantInError: `start with "/"`},
		{in: "/cm?x=1", wantInError: "query or fragment"},
		{in: "/cm#x", wantInError: "query or fragment"},
		{in: "/cm/%41pi", want: "/cm/%41pi"},
		{in: "/cm/100%", wantInError: `"/cm/100%" has a bad escape at byte 8: % must be followed by two hexadecimal digits; write a literal % as %25`},
		{in: "/cm/%zz/api", wantInError: "bad escape at byte 5"},
		{in: "/cm/%4", wantInError: "bad escape at byte 5"},
		{in: "/cm\r\nX-Injected: 1", wantInError: "control character at byte 4"},
		{in: "/cm\x00", wantInError: "control character at byte 4"},
		{in: "/" + strings.Repeat("a", 10_000) + "%", wantInError: "… (10002 bytes) has a bad escape at byte 10002"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseBasePath(tc.in)
			if tc.wantInError != "" {
				if err == nil {
					t.Fatalf("ParseBasePath(%q) = %q, want an error", tc.in, got)
				}
				if !strings.Contains(err.Error(), tc.wantInError) {
					t.Errorf("error %q does not contain %q", err, tc.wantInError)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseBasePath(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseBasePath(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
