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

// sdPadding is the server's NUL padding after every security descriptor.
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

// serverError is the server's answer to an unhandled exception.
func serverError(why string) answer {
	return messageAnswer(http.StatusInternalServerError, withCorrelationID(why))
}

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

// wireForm returns a copy of r as the server writes it, padded.
func wireForm(r mimcm.Request) mimcm.Request {
	w := cloneRequest(r)
	w.SecurityDescriptor += sdPadding
	return w
}

func wireForms(reqs []mimcm.Request) []mimcm.Request {
	out := make([]mimcm.Request, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, wireForm(r))
	}
	return out
}

// cloneRequest deep-copies r; the server writes a nil data collection as [].
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

func newGUID() mimcm.GUID {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return mimcm.GUID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// parseRouteGUID parses a GUID in the forms .NET's Guid.Parse takes.
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

// requestFields is mimcm.Request without its UnmarshalJSON, so that a partial
// object decodes onto a request and leaves the fields it does not name alone.
type requestFields mimcm.Request

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

// canonicalRequestKey returns the Request key encoding/json matches key to.
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

// decodeRequestObject returns a request object's members by canonical key.
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

// decodeWireRequests decodes an array of requests or one, and says which.
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
