package mimcm

import (
	"strings"
	"testing"
)

func TestQuoteInput(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", `""`},
		{"short", "request-42", `"request-42"`},
		{"64 bytes", strings.Repeat("x", 64), `"` + strings.Repeat("x", 64) + `"`},
		{"65 bytes", strings.Repeat("x", 65), `"` + strings.Repeat("x", 64) + `"… (65 bytes)`},
		{"10 KB", strings.Repeat("y", 10_240), `"` + strings.Repeat("y", 64) + `"… (10240 bytes)`},
		{"cut inside a rune", strings.Repeat("x", 63) + "éé", `"` + strings.Repeat("x", 63) + `"… (67 bytes)`},
		{"control characters", "a\r\nb", `"a\r\nb"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := QuoteInput(tc.in); got != tc.want {
				t.Errorf("QuoteInput = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestCheckHeader(t *testing.T) {
	tests := []struct {
		name, header, value string
		wantInError         string // "" when good
	}{
		{name: "good", header: "X-Team", value: "pki"},
		{name: "tab in value", header: "X-Team", value: "pki\tops"},
		{name: "empty value", header: "X-Empty", value: ""},
		{name: "space in name", header: "X Team", value: "pki", wantInError: `header name "X Team" is not an HTTP header name`},
		{name: "colon in name", header: "X-Team:", value: "pki", wantInError: `header name "X-Team:" is not an HTTP header name`},
		{name: "empty name", header: "", value: "pki", wantInError: `header name "" is not`},
		{name: "CR LF in value", header: "X-Key", value: "s3cr3t\r\nX-Injected: 1", wantInError: `the value of header "X-Key" holds a line break, NUL`},
		{name: "LF in value", header: "X-Key", value: "s3cr3t\n", wantInError: `the value of header "X-Key" holds a line break`},
		{name: "NUL in value", header: "X-Key", value: "s3cr3t\x00", wantInError: `the value of header "X-Key" holds a line break, NUL`},
		{name: "long name", header: strings.Repeat("X ", 5000), value: "", wantInError: `… (10000 bytes) is not an HTTP header name`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckHeader(tc.header, tc.value)
			if tc.wantInError == "" {
				if err != nil {
					t.Fatalf("CheckHeader: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("CheckHeader accepted it")
			}
			if !strings.Contains(err.Error(), tc.wantInError) {
				t.Errorf("error %q does not contain %q", err, tc.wantInError)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error %q repeats the header's value", err)
			}
		})
	}
}

func TestNewClient_refusesBadHeaders(t *testing.T) {
	_, err := NewClient(Config{Host: "https://api.contoso.com", Headers: map[string]string{"X-Key": "a\r\nb"}})
	if err == nil || !strings.Contains(err.Error(), `headers: the value of header "X-Key" holds a line break`) {
		t.Fatalf("NewClient: %v; want the header refused", err)
	}
}
