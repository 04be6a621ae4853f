package mimcm

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/http/httpguts"
)

// maxEchoed bounds how many bytes of an input value a message repeats: a
// 10 KB request_id pasted by mistake must not become a 10 KB error.
const maxEchoed = 64

// QuoteInput quotes an input value for a message, as %q does; a value
// longer than 64 bytes is cut to its start, followed by its length. Every
// message that repeats what a user wrote goes through it.
func QuoteInput(s string) string {
	short, cut := cutInput(s)
	if !cut {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(short), len(s))
}

// cutInput returns the start of s that a message may repeat, and whether
// it had to cut.
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

// cutText shortens a text derived from input (such as a parser's error)
// the way QuoteInput does, without quoting it.
func cutText(s string) string {
	if short, cut := cutInput(s); cut {
		return fmt.Sprintf("%s… (%d bytes)", short, len(s))
	}
	return s
}

// redactUserinfoText hides whatever precedes the last "@" of a URL's
// authority, parsable or not: a host never holds an "@" of its own, and
// a password may hold any character, "/" and "%" included.
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

// CheckHeader checks an extra header as net/http would when sending it:
// the name must be an HTTP token and the value must hold no control
// character but tab (no CR, LF or NUL). Its errors name the header but
// never repeat its value, which may be a key.
func CheckHeader(name, value string) error {
	if !httpguts.ValidHeaderFieldName(name) {
		return fmt.Errorf("header name %s is not an HTTP header name: use letters, digits and !#$%%&'*+-.^_`|~ only, no spaces or colons", QuoteInput(name))
	}
	if !httpguts.ValidHeaderFieldValue(value) {
		return fmt.Errorf("the value of header %s holds a line break, NUL or other control character, which HTTP does not allow in a header; remove it", QuoteInput(name))
	}
	return nil
}

// CheckHeaders checks every header with CheckHeader, in name order so that
// the first error is always the same.
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
