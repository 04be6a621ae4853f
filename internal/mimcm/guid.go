package mimcm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// ZeroGUID is the all-zero GUID the API sends for "no value".
const ZeroGUID = "00000000-0000-0000-0000-000000000000"

// GUID is a GUID as the API sends it, in lower case; the empty GUID stands for the all-zero one.
type GUID string

// ParseGUID checks that s is a GUID in the 8-4-4-4-12 hexadecimal form and lower-cases it.
func ParseGUID(s string) (GUID, error) {
	if len(s) != 36 {
		return "", fmt.Errorf("%s is not a GUID: want 36 characters in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got %d", QuoteInput(s), len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", fmt.Errorf("%s is not a GUID: want a hyphen at position %d", QuoteInput(s), i+1)
			}
		default:
			if !isHex(c) {
				return "", fmt.Errorf("%s is not a GUID: %q at position %d is not a hexadecimal digit", QuoteInput(s), c, i+1)
			}
		}
	}
	return GUID(strings.ToLower(s)), nil
}

// CanonicalGUID reads a GUID as a server may write it, in ParseGUID's form or in the braces of
// .NET's "B" format ({xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}), in any letter case, and returns
// its lower-case form without braces; anything else gets ParseGUID's error. Arguments a user
// writes go through ParseGUID, which refuses braces, so that a configuration spells each GUID
// one way.
func CanonicalGUID(s string) (GUID, error) {
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		if g, err := ParseGUID(s[1:37]); err == nil {
			return g, nil
		}
	}
	return ParseGUID(s)
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// normalizeGUID lower-cases a GUID from the wire, but does not reject malformed text: the server
// is the authority on its own identifiers.
func normalizeGUID(s string) GUID {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == ZeroGUID {
		return ""
	}
	return GUID(s)
}

// IsZero reports whether the GUID holds no value.
func (g GUID) IsZero() bool { return g == "" }

// String returns the lower-case GUID, or "" when it holds no value.
func (g GUID) String() string { return string(g) }

// UnmarshalJSON decodes a GUID in any case; null, "" and the all-zero GUID give "no value".
func (g *GUID) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*g = ""
		return nil
	}
	if raw, ok := plainJSONString(b); ok {
		*g = guidFromWire(raw)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("GUID: %w", err)
	}
	*g = normalizeGUID(s)
	return nil
}

// guidFromWire is normalizeGUID for a GUID's text as it arrives, without allocating for the
// all-zero GUID: most GUIDs the server sends are zero.
func guidFromWire(raw []byte) GUID {
	if string(bytes.TrimSpace(raw)) == ZeroGUID {
		return ""
	}
	return normalizeGUID(string(raw))
}

// plainJSONString returns a literal's text when it is its value, sparing GUIDs and times a second pass.
func plainJSONString(b []byte) ([]byte, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return nil, false
	}
	raw := b[1 : len(b)-1]
	for _, c := range raw {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return nil, false
		}
	}
	return raw, true
}

// MarshalJSON encodes "no value" as the all-zero GUID, as the server does.
func (g GUID) MarshalJSON() ([]byte, error) {
	if g == "" {
		return json.Marshal(ZeroGUID)
	}
	return json.Marshal(string(g))
}
