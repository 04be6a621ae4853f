package mimcm

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/http/httpguts"
)

// maxEchoed bounds what a message repeats of an input value, which may be a file pasted by mistake.
const maxEchoed = 64

// QuoteInput quotes an input value as %q does, cutting a long one to its start and its length.
func QuoteInput(s string) string {
	short, cut := cutInput(s)
	if !cut {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(short), len(s))
}

func cutInput(s string) (string, bool) {
	if len(s) <= maxEchoed {
		return s, false
	}
	end := maxEchoed
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end], true
}

func cutText(s string) string {
	if short, cut := cutInput(s); cut {
		return fmt.Sprintf("%s… (%d bytes)", short, len(s))
	}
	return s
}

// redactUserinfoText hides what precedes the last "@" of a URL's authority, parsable or not: a
// host never holds an "@", and a password may hold any character.
func redactUserinfoText(s string) string {
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + len("://")
	}
	at := strings.LastIndex(s[start:], "@")
	if at < 0 {
		return s
	}
	return s[:start] + "REDACTED" + s[start+at:]
}

// CheckHeader checks a header as net/http would; its errors never repeat the value, which may be a key.
func CheckHeader(name, value string) error {
	if !httpguts.ValidHeaderFieldName(name) {
		return fmt.Errorf("header name %s is not an HTTP header name: use letters, digits and !#$%%&'*+-.^_`|~ only, no spaces or colons", QuoteInput(name))
	}
	if !httpguts.ValidHeaderFieldValue(value) {
		return fmt.Errorf("the value of header %s holds a line break, NUL or other control character, which HTTP does not allow in a header; remove it", QuoteInput(name))
	}
	return nil
}

// CheckHeaders checks every header with CheckHeader, in name order for a stable first error.
func CheckHeaders(headers map[string]string) error {
	names := make([]string, 0, len(headers))
	for name := range headers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := CheckHeader(name, headers[name]); err != nil {
			return err
		}
	}
	return nil
}
