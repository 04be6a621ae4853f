package mimcm

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"unicode"
	"unicode/utf8"
)

// The fuzz targets below run their seeds (f.Add and testdata/fuzz/<name>/)
// in every `go test`; `go test -run='^$' -fuzz='^FuzzName$' ./internal/mimcm`
// searches for new inputs. Each checks invariants that must hold for any
// bytes a server, proxy or user can send, not just for documented ones.

// FuzzRequestDecode decodes anything as a Request and as a list of
// requests: it must never panic, decoded GUIDs are lower case (or empty),
// the security descriptor has no NUL padding left, and what is decoded
// encodes and decodes again to the same bytes. The client's own decoders
// (decodeRequest, decodeRequests) must agree with json.Unmarshal.
func FuzzRequestDecode(f *testing.F) {
	if ref, err := os.ReadFile(referenceResponsePath); err == nil {
		f.Add(ref)
		f.Add(append(append([]byte("["), ref...), ']'))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"Uuid":"A9B4B42C-CC50-4C9B-89D1-BBC0BCD5A099","Status":99,"Completed":"0001-01-01T00:00:00","SecurityDescriptor":"O:BA\u0000\u0000"}`))
	f.Add([]byte(`{"uuid":" 00000000-0000-0000-0000-000000000000 ","submitted":"2015-07-07T23:36:21.93+02:00","DataCollection":[{"Name":"n","Value":null}]}`))
	f.Add([]byte(`{"Uuid":"not a guid","Submitted":"yesterday"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var one Request
		err := json.Unmarshal(data, &one)
		if err == nil {
			checkDecodedRequest(t, one)
		}
		if got, clientErr := decodeRequest(data); (clientErr == nil) != (err == nil) {
			t.Errorf("decodeRequest error %v, json.Unmarshal error %v", clientErr, err)
		} else if err == nil && !bytes.Equal(mustMarshal(t, got), mustMarshal(t, one)) {
			t.Errorf("decodeRequest and json.Unmarshal disagree:\n%s\n%s", mustMarshal(t, got), mustMarshal(t, one))
		}

		var list []Request
		err = json.Unmarshal(data, &list)
		if err == nil {
			for _, r := range list {
				checkDecodedRequest(t, r)
			}
		}
		if got, clientErr := decodeRequests(data, nil); (clientErr == nil) != (err == nil) {
			t.Errorf("decodeRequests error %v, json.Unmarshal error %v", clientErr, err)
		} else if err == nil && !bytes.Equal(mustMarshal(t, got), mustMarshal(t, list)) {
			t.Errorf("decodeRequests and json.Unmarshal disagree:\n%s\n%s", mustMarshal(t, got), mustMarshal(t, list))
		}

		// The stream, a byte at a time so that every request is cut at
		// every point, decodes what decodeRequests does; a blank answer
		// (of JSON's whitespace) is an empty list.
		if len(bytes.Trim(data, " \t\r\n")) == 0 {
			err = nil
		}
		keepEven := func(r *Request) bool { return r.Status%2 == 0 }
		want, _ := decodeRequests(data, keepEven)
		if got, streamErr := streamRequests(iotest.OneByteReader(bytes.NewReader(data)), keepEven); (streamErr == nil) != (err == nil) {
			t.Errorf("streamRequests error %v, json.Unmarshal error %v", streamErr, err)
		} else if err == nil && !bytes.Equal(mustMarshal(t, orEmpty(got)), mustMarshal(t, orEmpty(want))) {
			t.Errorf("streamRequests and decodeRequests disagree:\n%s\n%s", mustMarshal(t, got), mustMarshal(t, want))
		}
	})
}

func checkDecodedRequest(t *testing.T, r Request) {
	t.Helper()
	for name, g := range requestGUIDs(r) {
		if g != "" && strings.ToLower(string(g)) != string(g) {
			t.Errorf("%s = %q: a decoded GUID must be lower case", name, g)
		}
		if g == ZeroGUID {
			t.Errorf("%s is the all-zero GUID: it must decode to no value", name)
		}
	}
	if strings.HasSuffix(r.SecurityDescriptor, "\x00") {
		t.Errorf("SecurityDescriptor %q keeps NUL padding", r.SecurityDescriptor)
	}
	first, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("encoding a decoded request: %v", err)
	}
	var again Request
	if err := json.Unmarshal(first, &again); err != nil {
		t.Fatalf("decoding %s, which encoding a decoded request gave: %v", first, err)
	}
	second, err := json.Marshal(again)
	if err != nil {
		t.Fatalf("encoding a request decoded twice: %v", err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("encode/decode is not stable:\n first %s\nsecond %s", first, second)
	}
	for name, ts := range map[string][2]Timestamp{"Submitted": {r.Submitted, again.Submitted}, "Completed": {r.Completed, again.Completed}} {
		if !ts[0].Time().Equal(ts[1].Time()) || ts[0].String() != ts[1].String() {
			t.Errorf("%s changed in a round trip: %q became %q", name, ts[0], ts[1])
		}
	}
}

func requestGUIDs(r Request) map[string]GUID {
	return map[string]GUID{
		"Uuid": r.Uuid, "OriginatorUserUuid": r.OriginatorUserUuid, "TargetUserUuid": r.TargetUserUuid,
		"NewProfileUuid": r.NewProfileUuid, "OldProfileUuid": r.OldProfileUuid,
		"NewSmartcardUuid": r.NewSmartcardUuid, "OldSmartcardUuid": r.OldSmartcardUuid,
		"ProfileTemplateUuid": r.ProfileTemplateUuid,
	}
}

// FuzzParseTimestamp parses anything as an API time: it must never panic,
// and a time it accepts renders (String) to text that parses back to the
// same instant with the same number of fraction digits, as does its JSON.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{
		"2015-07-07T23:36:21.93Z", "2015-07-07T23:37:37.767Z", "2015-07-07T23:37:37.7670000Z",
		"2015-07-07T23:36:21.93", "2015-07-07T23:36:21", "2015-07-07T23:36:21.5+02:00",
		"2015-07-07T23:36:21-05:30", "2015-07-07T23:36:21.123456789z", DotNetMinValue,
		"0001-01-01T00:00:00Z", "0001-01-01T00:30:00+01:00", "", "Z", "2015-07-07T23:36:21.Z", "2015-07-07T23:36:21.1234567890Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTimestamp(s)
		if err != nil || ts.IsZero() {
			checkTimestampJSON(t, s)
			return
		}
		text := ts.String()
		back, err := ParseTimestamp(text)
		if err != nil {
			t.Fatalf("ParseTimestamp(%q) gave %q, which does not parse: %v", s, text, err)
		}
		if !back.Time().Equal(ts.Time()) {
			t.Errorf("ParseTimestamp(%q): String %q parses to %v, want %v", s, text, back.Time(), ts.Time())
		}
		if back.digits != ts.digits || back.String() != text {
			t.Errorf("ParseTimestamp(%q): String %q parses back as %q (%d fraction digits, want %d)", s, text, back.String(), back.digits, ts.digits)
		}

		checkTimestampJSON(t, s)
		raw, err := json.Marshal(ts)
		if err != nil {
			t.Fatalf("MarshalJSON of ParseTimestamp(%q): %v", s, err)
		}
		var decoded Timestamp
		if err := json.Unmarshal(raw, &decoded); err != nil {
			t.Fatalf("ParseTimestamp(%q) encodes as %s, which does not decode: %v", s, raw, err)
		}
		if !decoded.Time().Equal(ts.Time()) || decoded.digits != ts.digits || decoded.zoned != ts.zoned {
			t.Errorf("ParseTimestamp(%q) encodes as %s, which decodes to %q (zoned %v), want %q (zoned %v)",
				s, raw, decoded.String(), decoded.zoned, text, ts.zoned)
		}
	})
}

// checkTimestampJSON checks that UnmarshalJSON, with its shortcuts for
// plain strings, decodes s as a JSON string exactly as ParseTimestamp
// parses it.
func checkTimestampJSON(t *testing.T, s string) {
	t.Helper()
	want, wantErr := ParseTimestamp(s)
	var got Timestamp
	err := got.UnmarshalJSON(mustMarshal(t, s))
	same := got.Time().Equal(want.Time()) && got.digits == want.digits && got.zoned == want.zoned && got.String() == want.String()
	if (err == nil) != (wantErr == nil) || !same {
		t.Errorf("UnmarshalJSON(%q) = %q (zoned %v), %v; ParseTimestamp = %q (zoned %v), %v",
			s, got.String(), got.zoned, err, want.String(), want.zoned, wantErr)
	}
}

// FuzzParseGUID checks GUID normalisation: ParseGUID accepts only
// 36-character GUIDs, returns them in lower case, and accepts its own
// output unchanged; UnmarshalJSON never panics and stores lower case or no
// value, and MarshalJSON gives it back.
func FuzzParseGUID(f *testing.F) {
	for _, s := range []string{
		"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099", "A9B4B42C-CC50-4C9B-89D1-BBC0BCD5A099", ZeroGUID,
		"{a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099}", "a9b4b42ccc504c9b89d1bbc0bcd5a099", "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a09g",
		"a9b4b42c_cc50-4c9b-89d1-bbc0bcd5a099", "", "null",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if g, err := ParseGUID(s); err == nil {
			if len(g) != 36 {
				t.Errorf("ParseGUID(%q) = %q: want 36 characters", s, g)
			}
			if strings.ToLower(string(g)) != string(g) || !strings.EqualFold(string(g), s) {
				t.Errorf("ParseGUID(%q) = %q: want the input in lower case", s, g)
			}
			if again, err := ParseGUID(string(g)); err != nil || again != g {
				t.Errorf("ParseGUID(%q) = %q, but ParseGUID of that = %q, %v", s, g, again, err)
			}
		}

		for _, raw := range [][]byte{[]byte(s), mustMarshal(t, s)} {
			var g GUID
			err := g.UnmarshalJSON(raw)
			// UnmarshalJSON takes shortcuts for plain strings; it must
			// decode as encoding/json and normalizeGUID do.
			var text string
			wantErr := json.Unmarshal(raw, &text)
			if string(raw) == "null" {
				wantErr = nil
			}
			if (err == nil) != (wantErr == nil) || err == nil && g != normalizeGUID(text) {
				t.Errorf("UnmarshalJSON(%s) = %q, %v; want %q, %v", raw, g, err, normalizeGUID(text), wantErr)
			}
			if err != nil {
				continue
			}
			if g != "" && (strings.ToLower(string(g)) != string(g) || g == ZeroGUID) {
				t.Errorf("UnmarshalJSON(%s) = %q: want lower case or no value", raw, g)
			}
			out, err := g.MarshalJSON()
			if err != nil {
				t.Fatalf("MarshalJSON(%q): %v", g, err)
			}
			var back GUID
			if err := back.UnmarshalJSON(out); err != nil || back != g {
				t.Errorf("UnmarshalJSON(%s) = %q encodes as %s, which decodes to %q, %v", raw, g, out, back, err)
			}
		}
	})
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzParseErrorBody parses anything as an error answer, with any content
// type and X-Correlation-ID header: it must never panic, the message is
// bounded, valid UTF-8 and free of control characters, and a correlation
// ID, when one is found, is a GUID.
func FuzzParseErrorBody(f *testing.F) {
	corr := "5f0d9c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f"
	f.Add("application/json; charset=utf-8", "", []byte(`{"Message":"An error has occurred. Correlation ID: `+corr+`"}`))
	f.Add("application/json", corr, []byte(`{"Message":"The request is invalid.","MessageDetail":"x","ExceptionMessage":"y"}`))
	f.Add("text/html", "", []byte("<html><head><title>502 - Web server received an invalid response</title></head></html>"))
	f.Add("", "", []byte("<html><body><h1>Service Unavailable</h1></body></html>"))
	f.Add("text/plain", "abc\n123", []byte("Bad Request\r\n\x00\x1b[31m"))
	f.Add("", "", []byte(`"Request is in a terminal state. CorrelationId={5F0D9C3E-1B2A-4C3D-9E8F-0A1B2C3D4E5F}"`))
	f.Add("application/json", "", []byte(`{"Message":"truncated`))
	f.Add("", "", []byte(strings.Repeat("é", 400)))
	f.Fuzz(func(t *testing.T, contentType, correlationHeader string, body []byte) {
		h := http.Header{}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		if correlationHeader != "" {
			h.Set("X-Correlation-ID", correlationHeader)
		}
		msg, id := parseErrorBody(h, body)
		if n := len(strings.TrimSuffix(msg, "…")); n > maxMessageLen {
			t.Errorf("message is %d bytes, want at most %d: %q", n, maxMessageLen, msg)
		}
		if !utf8.ValidString(msg) {
			t.Errorf("message is not valid UTF-8: %q", msg)
		}
		if i := strings.IndexFunc(msg, unicode.IsControl); i >= 0 {
			t.Errorf("message holds control character %q: %q", msg[i], msg)
		}
		if id != "" {
			if _, err := ParseGUID(id); err != nil {
				t.Errorf("correlation ID %q is not a GUID: %v", id, err)
			}
		}
	})
}

// FuzzParseChallenges reads anything as WWW-Authenticate and Authorization
// values: it must never panic or loop, every challenge has a scheme made of
// token characters, and a well-formed Authorization value reads the same
// as a one-challenge WWW-Authenticate value.
func FuzzParseChallenges(f *testing.F) {
	for _, seed := range []string{
		"Negotiate", "Negotiate, NTLM", "NTLM TlRMTVNTUAACAAAA==", `Basic realm="MIM CM", charset="UTF-8"`,
		`Bearer realm="x", error="invalid_token", Negotiate oRQw`, `Basic realm="open`, "Foo a b, Negotiate !!!",
		`Digest realm = "r\"q", qop=auth`, ",,, ,", "=abc", "Negotiate YII=, ", "\tNTLM\t",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		challenges := ParseChallenges([]string{v})
		if len(challenges) > len(v) {
			t.Fatalf("%d challenges out of %d bytes", len(challenges), len(v))
		}
		for _, c := range challenges {
			if c.Scheme == "" || strings.IndexFunc(c.Scheme, func(r rune) bool { return r > unicode.MaxASCII || !isTokenChar(byte(r)) }) >= 0 {
				t.Fatalf("scheme %q of %q is not a token", c.Scheme, v)
			}
		}
		if c, ok := ParseAuthorization(v); ok {
			if len(challenges) != 1 || challenges[0].Scheme != c.Scheme || challenges[0].Token68 != c.Token68 {
				t.Fatalf("ParseAuthorization(%q) = %+v, but ParseChallenges reads %+v", v, c, challenges)
			}
		}
	})
}
