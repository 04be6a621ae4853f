package mimcm

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"unicode"
)

const maxMessageLen = 500

var (
	correlationIDPattern = regexp.MustCompile(`(?i)correlation[\s_-]*id\W{0,3}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`)
	htmlTitlePattern     = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	htmlTagPattern       = regexp.MustCompile(`(?s)<[^>]*>`)
)

// errorBody is ASP.NET Web API's error body; the optional fields come with error details on.
type errorBody struct {
	Message          string `json:"Message"`
	MessageDetail    string `json:"MessageDetail"`
	ExceptionMessage string `json:"ExceptionMessage"`
}

// parseErrorBody finds the message and correlation ID of an error answer, whatever its form.
func parseErrorBody(header http.Header, body []byte) (message, correlationID string) {
	message = errorMessage(header, body)
	if m := correlationIDPattern.FindStringSubmatch(message); m != nil {
		return message, m[1]
	}
	return message, headerCorrelationID(header)
}

// headerCorrelationID returns X-Correlation-ID when it holds a GUID (maybe in braces). Other text
// there is some proxy's ID, which locates nothing in the MIM CM event log the hint points to.
func headerCorrelationID(header http.Header) string {
	id := strings.TrimSpace(header.Get("X-Correlation-ID"))
	if len(id) == 38 && id[0] == '{' && id[37] == '}' {
		id = id[1:37]
	}
	if _, err := ParseGUID(id); err != nil {
		return ""
	}
	return id
}

func errorMessage(header http.Header, body []byte) string {
	text := strings.TrimSpace(string(body))
	if text == "" {
		return ""
	}
	// A JSON object without ASP.NET's fields (a proxy's {"error": ...}) is shown as text.
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err == nil {
		if parts := nonEmptyStrings(eb.Message, eb.MessageDetail, eb.ExceptionMessage); len(parts) > 0 {
			return clean(strings.Join(parts, " "), maxMessageLen)
		}
	}
	var s string
	if err := json.Unmarshal(body, &s); err == nil {
		return clean(s, maxMessageLen)
	}
	if strings.Contains(strings.ToLower(header.Get("Content-Type")), "html") || strings.HasPrefix(text, "<") {
		if m := htmlTitlePattern.FindStringSubmatch(text); m != nil {
			return clean(html.UnescapeString(m[1]), maxMessageLen)
		}
		return clean(html.UnescapeString(htmlTagPattern.ReplaceAllString(text, " ")), maxMessageLen)
	}
	return clean(text, maxMessageLen)
}

// clean cuts s to n bytes and drops control characters, so that it cannot garble a diagnostic.
func clean(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func nonEmptyStrings(values ...string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
