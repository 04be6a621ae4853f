package mockapi

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// sdPadding is the run of NULs the server leaves at the end of every
// security descriptor: nine in the reference example.
const sdPadding = "\x00\x00\x00\x00\x00\x00\x00\x00\x00"

// contentTypeJSON is what ASP.NET Web API sends with every JSON answer.
const contentTypeJSON = "application/json; charset=utf-8"

// answer is an HTTP answer computed before anything is written, so that the
// call log is complete before the client can see the answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// write sends the answer. A body is always JSON.
func (a answer) write(w http.ResponseWriter) {
	for k, vs := range a.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if a.body != nil {
		w.Header().Set("Content-Type", contentTypeJSON)
		w.Header().Set("Content-Length", fmt.Sprint(len(a.body)))
	}
	w.WriteHeader(a.status)
	if a.body != nil {
		_, _ = w.Write(a.body)
	}
}

// withHeader returns the answer with one more header line.
func (a answer) withHeader(key, value string) answer {
	h := a.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Add(key, value)
	a.header = h
	return a
}

func noContent() answer { return answer{status: http.StatusNoContent} }

// jsonAnswer encodes v as the body of an answer with the given status.
func jsonAnswer(status int, v any) answer {
	b, err := encodeJSON(v)
	if err != nil {
		return serverError("The answer could not be serialised: " + err.Error())
	}
	return answer{status: status, body: b}
}

// apiMessage is the body ASP.NET Web API gives its error answers.
type apiMessage struct {
	Message string `json:"Message"`
}

func messageAnswer(status int, msg string) answer {
	return jsonAnswer(status, apiMessage{Message: msg})
}

// serverError is how the server reports an unhandled exception: 500 with a
// message that ends in a fresh correlation ID.
func serverError(why string) answer {
	return messageAnswer(http.StatusInternalServerError, withCorrelationID(why))
}

// withCorrelationID appends ". Correlation ID: <fresh GUID>" to a message,
// unless it already carries one.
func withCorrelationID(msg string) string {
	if strings.Contains(msg, "Correlation ID") {
		return msg
	}
	return strings.TrimRight(msg, ". ") + ". Correlation ID: " + string(newGUID())
}

// encodeJSON marshals v compactly, without a trailing newline and without
// escaping <, > and &, as Json.NET writes it. NULs still come out as \u0000.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// wireForm returns a copy of a stored request as the server serialises it:
// the security descriptor padded with NULs and an empty data collection
// written as [] rather than null. GUIDs and times get their quirks from
// mimcm.GUID and mimcm.Timestamp.
func wireForm(r mimcm.Request) mimcm.Request {
	w := cloneRequest(r)
	w.SecurityDescriptor += sdPadding
	return w
}

// wireForms returns wireForm of every request, never nil.
func wireForms(reqs []mimcm.Request) []mimcm.Request {
	out := make([]mimcm.Request, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, wireForm(r))
	}
	return out
}

// cloneRequest returns a deep copy of r. The data collection of the copy is
// never nil: the server always writes it as an array.
func cloneRequest(r mimcm.Request) mimcm.Request {
	items := make([]mimcm.DataCollectionItem, len(r.DataCollection))
	for i, it := range r.DataCollection {
		items[i] = mimcm.DataCollectionItem{Name: it.Name}
		if it.Value != nil {
			v := *it.Value
			items[i].Value = &v
		}
	}
	r.DataCollection = items
	return r
}

// newGUID returns a random version 4 GUID in lower case.
func newGUID() mimcm.GUID {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return mimcm.GUID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// parseRouteGUID parses a GUID from a URL the way .NET's Guid.Parse does for
// the common forms: 32 digits with hyphens (optionally in braces or
// parentheses) or without. It returns the GUID in lower-case hyphenated form.
func parseRouteGUID(s string) (mimcm.GUID, error) {
	inner := s
	if len(s) == 38 && (s[0] == '{' && s[37] == '}' || s[0] == '(' && s[37] == ')') {
		inner = s[1:37]
	}
	if len(inner) == 32 && !strings.Contains(inner, "-") {
		inner = inner[0:8] + "-" + inner[8:12] + "-" + inner[12:16] + "-" + inner[16:20] + "-" + inner[20:32]
	}
	if _, err := mimcm.ParseGUID(inner); err != nil {
		return "", fmt.Errorf("'%s' is not a valid GUID", s)
	}
	return mimcm.GUID(strings.ToLower(inner)), nil
}

// requestFields has the fields and JSON tags of mimcm.Request but not its
// UnmarshalJSON, so that a partial wire-form object decodes onto an existing
// request and leaves the fields it does not name alone. It is a view used
// for decoding only; mimcm.Request stays the one request type.
type requestFields mimcm.Request

// requestKeys are the JSON keys of mimcm.Request.
var requestKeys = func() []string {
	t := reflect.TypeFor[mimcm.Request]()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		keys = append(keys, name)
	}
	return keys
}()

// canonicalRequestKey returns the Request key that encoding/json would match
// key to (case-insensitively), or "" when there is none.
func canonicalRequestKey(key string) string {
	for _, k := range requestKeys {
		if k == key {
			return k
		}
	}
	for _, k := range requestKeys {
		if strings.EqualFold(k, key) {
			return k
		}
	}
	return ""
}

// decodeRequestObject checks that raw is a JSON object whose keys are all
// Request keys (in any letter case) and returns its members by canonical key.
func decodeRequestObject(raw []byte) (map[string]json.RawMessage, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return nil, fmt.Errorf("want a JSON object in the wire form of a request: %w", err)
	}
	if members == nil {
		return nil, fmt.Errorf("want a JSON object in the wire form of a request, got null")
	}
	out := make(map[string]json.RawMessage, len(members))
	for k, v := range members {
		canon := canonicalRequestKey(k)
		if canon == "" {
			return nil, fmt.Errorf("%q is not a field of a request; the fields are %s", k, strings.Join(requestKeys, ", "))
		}
		out[canon] = v
	}
	return out, nil
}

// decodeWireRequest decodes one complete wire-form request, rejecting
// unknown keys and a Uuid that is not a GUID.
func decodeWireRequest(raw []byte) (mimcm.Request, error) {
	if _, err := decodeRequestObject(raw); err != nil {
		return mimcm.Request{}, err
	}
	var r mimcm.Request
	if err := json.Unmarshal(raw, &r); err != nil {
		return mimcm.Request{}, fmt.Errorf("not a request in wire form: %w", err)
	}
	if r.Uuid != "" {
		if _, err := mimcm.ParseGUID(string(r.Uuid)); err != nil {
			return mimcm.Request{}, fmt.Errorf("Uuid: %w", err)
		}
	}
	return r, nil
}

// decodeWireRequests decodes a JSON array of wire-form requests, or a single
// object. It reports whether the input was an array.
func decodeWireRequests(raw []byte) ([]mimcm.Request, bool, error) {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")) // .NET tools like to write a BOM
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, false, fmt.Errorf("empty input; want a JSON array of requests or one request object")
	}
	if raw[0] != '[' {
		r, err := decodeWireRequest(raw)
		if err != nil {
			return nil, false, err
		}
		return []mimcm.Request{r}, false, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, true, fmt.Errorf("want a JSON array of requests: %w", err)
	}
	reqs := make([]mimcm.Request, 0, len(items))
	for i, item := range items {
		r, err := decodeWireRequest(item)
		if err != nil {
			return nil, true, fmt.Errorf("request %d of %d: %w", i+1, len(items), err)
		}
		reqs = append(reqs, r)
	}
	return reqs, true, nil
}
