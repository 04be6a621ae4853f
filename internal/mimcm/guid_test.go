package mimcm

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseGUID_good(t *testing.T) {
	tests := []struct {
		name, in string
		want     GUID
	}{
		{"lower", "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099", "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"},
		{"upper", "A9B4B42C-CC50-4C9B-89D1-BBC0BCD5A099", "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"},
		{"mixed", "a9B4b42C-cC50-4c9b-89D1-bbc0BCD5a099", "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"},
		{"digits", "01234567-8901-2345-6789-012345678901", "01234567-8901-2345-6789-012345678901"},
		{"all zero", ZeroGUID, ZeroGUID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseGUID(tc.in)
			if err != nil {
				t.Fatalf("ParseGUID(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseGUID(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got.String() != string(tc.want) {
				t.Errorf("String() = %q, want %q", got.String(), tc.want)
			}
		})
	}
}

func TestParseGUID_bad(t *testing.T) {
	tests := []struct {
		name, in, wantInError string
	}{
		{"empty", "", "36 characters"},
		{"too short", "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a09", "got 35"},
		{"too long", "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a0999", "got 37"},
		{"braces", "{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099}", "36 characters"},
		{"no hyphens", "a9b4b42ccc504c9b89d1bbc0bcd5a099", "36 characters"},
		{"urn", "urn:uuid:a9b4b42c-cc50-4c9b-89d1-bbc0", "36 characters"},
		{"hyphen moved", "a9b4b42cc-c50-4c9b-89d1-bbc0bcd5a099", "hyphen at position 9"},
		{"hyphen replaced", "a9b4b42c-cc50-4c9b-89d1_bbc0bcd5a099", "hyphen at position 24"},
		{"non-hex letter", "g9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099", "position 1"},
		{"hyphen in a group", "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a-99", "position 34"},
		{"space padded", " a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a09", "position 1"},
		{"non-ASCII", "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a0é", "not a hexadecimal digit"},
		{"10 KB", strings.Repeat("a9b4b42c-", 1200), `"a9b4b42c-a9b4b42c-a9b4b42c-a9b4b42c-a9b4b42c-a9b4b42c-a9b4b42c-a"… (10800 bytes) is not a GUID: want 36 characters`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseGUID(tc.in)
			if err == nil {
				t.Fatalf("ParseGUID(%q) = %q, want an error", tc.in, got)
			}
			if got != "" {
				t.Errorf("ParseGUID(%q) returned %q with its error, want \"\"", tc.in, got)
			}
			if !strings.Contains(err.Error(), tc.wantInError) {
				t.Errorf("error %q does not contain %q", err, tc.wantInError)
			}
			if len(err.Error()) > 200 {
				t.Errorf("error of %d bytes: long input must be cut", len(err.Error()))
			}
			if tc.in != "" && len(tc.in) <= 64 && !strings.Contains(err.Error(), tc.in) {
				t.Errorf("error %q does not quote the input %q", err, tc.in)
			}
		})
	}
}

func TestCanonicalGUID(t *testing.T) {
	const want = GUID("a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099")
	for _, in := range []string{
		"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
		"A9B4B42C-CC50-4C9B-89D1-BBC0BCD5A099",
		"{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099}",
		"{A9B4B42C-cc50-4C9B-89D1-BBC0BCD5A099}",
	} {
		if got, err := CanonicalGUID(in); err != nil || got != want {
			t.Errorf("CanonicalGUID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got, err := CanonicalGUID("{" + ZeroGUID + "}"); err != nil || got != ZeroGUID {
		t.Errorf("CanonicalGUID of the braced all-zero GUID = %q, %v; want %q, as ParseGUID gives", got, err, ZeroGUID)
	}
	for _, in := range []string{
		"",
		"{}",
		"{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099",
		"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099}",
		"{{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099}}",
		"{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a09g}",
		"(a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099)",
		"a9b4b42ccc504c9b89d1bbc0bcd5a099",
		" {a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099}",
		"{" + strings.Repeat("a", 10000) + "}",
	} {
		got, err := CanonicalGUID(in)
		if err == nil {
			t.Errorf("CanonicalGUID(%q) = %q, want an error", in, got)
			continue
		}
		if len(err.Error()) > 200 {
			t.Errorf("CanonicalGUID: an error of %d bytes: long input must be cut", len(err.Error()))
		}
	}
	// Only the server's GUIDs may come in braces: ParseGUID, which reads
	// what users write, still refuses them (see TestParseGUID_bad).
	if _, err := ParseGUID("{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099}"); err == nil {
		t.Error("ParseGUID accepts braces")
	}
}

func TestGUID_UnmarshalJSON(t *testing.T) {
	tests := []struct {
		name, in string
		want     GUID
	}{
		{"lower", `"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"`, "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"},
		{"upper is lower-cased", `"8F1590DC-D932-4B66-8E68-2E91C5880780"`, "8f1590dc-d932-4b66-8e68-2e91c5880780"},
		{"all zero is no value", `"00000000-0000-0000-0000-000000000000"`, ""},
		{"null is no value", `null`, ""},
		{"empty is no value", `""`, ""},
		{"surrounding space trimmed", `" 8f1590dc-d932-4b66-8e68-2e91c5880780 "`, "8f1590dc-d932-4b66-8e68-2e91c5880780"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := GUID("preset")
			if err := json.Unmarshal([]byte(tc.in), &g); err != nil {
				t.Fatalf("Unmarshal(%s): %v", tc.in, err)
			}
			if g != tc.want {
				t.Errorf("Unmarshal(%s) = %q, want %q", tc.in, g, tc.want)
			}
			if g.IsZero() != (tc.want == "") {
				t.Errorf("IsZero() = %v, want %v", g.IsZero(), tc.want == "")
			}
		})
	}
	for _, bad := range []string{`42`, `true`, `{}`, `["a"]`} {
		var g GUID
		if err := json.Unmarshal([]byte(bad), &g); err == nil {
			t.Errorf("Unmarshal(%s) = %q, want an error", bad, g)
		}
	}
}

func TestGUID_MarshalJSON(t *testing.T) {
	tests := []struct {
		in   GUID
		want string
	}{
		{"", `"00000000-0000-0000-0000-000000000000"`},
		{"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099", `"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"`},
	}
	for _, tc := range tests {
		got, err := json.Marshal(tc.in)
		if err != nil {
			t.Fatalf("Marshal(%q): %v", tc.in, err)
		}
		if string(got) != tc.want {
			t.Errorf("Marshal(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
