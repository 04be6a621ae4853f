package mimcm

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A fast path for requests in the exact form the server writes them, for decodeRequest and
// streamRequests. On anything else (a key unknown, repeated or in another case, a fraction, a
// surrogate escape, invalid UTF-8, a syntax error) it gives up and the caller uses encoding/json,
// whose results it otherwise equals (fuzzed). It is kept because it decodes the server's answers
// several times faster than encoding/json (scripts/bench/analysis.md, "Decoding requests"); the
// quirks of the wire form stay with the types that know them (GUID, Timestamp, Request).

type requestScanner struct {
	b   []byte
	i   int
	buf []byte // scratch space for strings with escapes
	// guids interns the GUIDs that repeat from request to request (users, profile templates).
	guids map[string]GUID
}

const maxInternedGUIDs = 1024

func fastDecodeRequest(b []byte) (Request, bool) {
	s := &requestScanner{b: b}
	var r Request
	s.skipSpace()
	if !s.literal("null") && !s.request(&r) {
		return Request{}, false
	}
	return r, s.atEnd()
}

// requestField is a field's bit, so that a key given twice is noticed.
type requestField uint32

const (
	fieldUuid requestField = 1 << iota
	fieldRequestType
	fieldStatus
	fieldFlags
	fieldDataCollection
	fieldDataCollectionFlags
	fieldOriginatorUserUuid
	fieldTargetUserUuid
	fieldSubmitted
	fieldCompleted
	fieldNewProfileUuid
	fieldOldProfileUuid
	fieldNewSmartcardUuid
	fieldOldSmartcardUuid
	fieldPriority
	fieldComment
	fieldProfileTemplateUuid
	fieldSecurityDescriptor
	fieldIsSmartcard
	fieldIsEnrollmentAgent
	fieldIsDataCollectionComplete
)

var requestFields = map[string]requestField{
	"Uuid": fieldUuid, "RequestType": fieldRequestType, "Status": fieldStatus, "Flags": fieldFlags,
	"DataCollection": fieldDataCollection, "DataCollectionFlags": fieldDataCollectionFlags,
	"OriginatorUserUuid": fieldOriginatorUserUuid, "TargetUserUuid": fieldTargetUserUuid,
	"Submitted": fieldSubmitted, "Completed": fieldCompleted,
	"NewProfileUuid": fieldNewProfileUuid, "OldProfileUuid": fieldOldProfileUuid,
	"NewSmartcardUuid": fieldNewSmartcardUuid, "OldSmartcardUuid": fieldOldSmartcardUuid,
	"Priority": fieldPriority, "Comment": fieldComment, "ProfileTemplateUuid": fieldProfileTemplateUuid,
	"SecurityDescriptor": fieldSecurityDescriptor, "IsSmartcard": fieldIsSmartcard,
	"IsEnrollmentAgent": fieldIsEnrollmentAgent, "IsDataCollectionComplete": fieldIsDataCollectionComplete,
}

func (s *requestScanner) request(r *Request) bool {
	if !s.consume('{') {
		return false
	}
	var seen requestField
	s.skipSpace()
	if s.consume('}') {
		return true
	}
	for {
		s.skipSpace()
		key, ok := s.plainKey()
		if !ok {
			return false
		}
		field := requestFields[string(key)] // no allocation for a map index
		if field == 0 || seen&field != 0 {
			return false
		}
		seen |= field
		s.skipSpace()
		if !s.consume(':') {
			return false
		}
		s.skipSpace()
		if !s.requestValue(r, field) {
			return false
		}
		s.skipSpace()
		if s.consume('}') {
			r.trimPadding()
			return true
		}
		if !s.consume(',') {
			return false
		}
	}
}

// requestValue decodes one field's value; null leaves the zero value, as encoding/json does.
func (s *requestScanner) requestValue(r *Request, field requestField) bool {
	if s.literal("null") {
		return true
	}
	switch field {
	case fieldUuid:
		return s.guid(&r.Uuid, false)
	case fieldOriginatorUserUuid:
		return s.guid(&r.OriginatorUserUuid, true)
	case fieldTargetUserUuid:
		return s.guid(&r.TargetUserUuid, true)
	case fieldNewProfileUuid:
		return s.guid(&r.NewProfileUuid, true)
	case fieldOldProfileUuid:
		return s.guid(&r.OldProfileUuid, true)
	case fieldNewSmartcardUuid:
		return s.guid(&r.NewSmartcardUuid, true)
	case fieldOldSmartcardUuid:
		return s.guid(&r.OldSmartcardUuid, true)
	case fieldProfileTemplateUuid:
		return s.guid(&r.ProfileTemplateUuid, true)
	case fieldRequestType:
		return s.integer(&r.RequestType)
	case fieldStatus:
		var n int
		ok := s.integer(&n)
		r.Status = Status(n)
		return ok
	case fieldFlags:
		return s.integer(&r.Flags)
	case fieldDataCollectionFlags:
		return s.integer(&r.DataCollectionFlags)
	case fieldPriority:
		return s.integer(&r.Priority)
	case fieldSubmitted:
		return s.timestamp(&r.Submitted)
	case fieldCompleted:
		return s.timestamp(&r.Completed)
	case fieldComment:
		return s.str(&r.Comment)
	case fieldSecurityDescriptor:
		return s.str(&r.SecurityDescriptor)
	case fieldIsSmartcard:
		return s.boolean(&r.IsSmartcard)
	case fieldIsEnrollmentAgent:
		return s.boolean(&r.IsEnrollmentAgent)
	case fieldIsDataCollectionComplete:
		return s.boolean(&r.IsDataCollectionComplete)
	case fieldDataCollection:
		return s.dataCollection(&r.DataCollection)
	}
	return false
}

func (s *requestScanner) dataCollection(items *[]DataCollectionItem) bool {
	if !s.consume('[') {
		return false
	}
	list := []DataCollectionItem{}
	s.skipSpace()
	if s.consume(']') {
		*items = list
		return true
	}
	for {
		var item DataCollectionItem
		s.skipSpace()
		if !s.literal("null") && !s.dataCollectionItem(&item) {
			return false
		}
		list = append(list, item)
		s.skipSpace()
		if s.consume(']') {
			*items = list
			return true
		}
		if !s.consume(',') {
			return false
		}
	}
}

func (s *requestScanner) dataCollectionItem(item *DataCollectionItem) bool {
	if !s.consume('{') {
		return false
	}
	var seenName, seenValue bool
	s.skipSpace()
	if s.consume('}') {
		return true
	}
	for {
		s.skipSpace()
		key, ok := s.plainKey()
		if !ok {
			return false
		}
		s.skipSpace()
		if !s.consume(':') {
			return false
		}
		s.skipSpace()
		switch name := string(key); {
		case name == "Name" && !seenName:
			seenName = true
			if !s.literal("null") && !s.str(&item.Name) {
				return false
			}
		case name == "Value" && !seenValue:
			seenValue = true
			if !s.literal("null") {
				var v string
				if !s.str(&v) {
					return false
				}
				item.Value = &v
			}
		default:
			return false
		}
		s.skipSpace()
		if s.consume('}') {
			return true
		}
		if !s.consume(',') {
			return false
		}
	}
}

// guid decodes a GUID string as GUID.UnmarshalJSON does, interning those that may repeat.
func (s *requestScanner) guid(g *GUID, intern bool) bool {
	start := s.i
	raw, ok := s.plainString()
	switch {
	case !ok:
		s.i = start
		var text string
		if !s.str(&text) {
			return false
		}
		*g = normalizeGUID(text)
	case intern:
		*g = s.interned(raw)
	default:
		*g = guidFromWire(raw)
	}
	return true
}

// interned is guidFromWire that converts each GUID's text once per scanner: users and profile
// templates repeat from request to request.
func (s *requestScanner) interned(raw []byte) GUID {
	if known, ok := s.guids[string(raw)]; ok { // no allocation for a map index
		return known
	}
	g := guidFromWire(raw)
	if g == "" || len(s.guids) >= maxInternedGUIDs {
		return g
	}
	key := string(g) // the text itself, unless normalising changed it
	if key != string(raw) {
		key = string(raw)
	}
	if s.guids == nil {
		s.guids = map[string]GUID{}
	}
	s.guids[key] = g
	return g
}

// timestamp decodes a time as Timestamp.UnmarshalJSON does, leaving one it refuses to encoding/json.
func (s *requestScanner) timestamp(ts *Timestamp) bool {
	var (
		parsed Timestamp
		err    error
	)
	start := s.i
	if raw, ok := s.plainString(); ok {
		parsed, err = timestampFromWire(raw)
	} else {
		s.i = start
		var text string
		if !s.str(&text) {
			return false
		}
		parsed, err = ParseTimestamp(text)
	}
	if err != nil {
		return false
	}
	*ts = parsed
	return true
}

// integer decodes a JSON integer that fits an int; encoding/json refuses a fraction or exponent.
func (s *requestScanner) integer(n *int) bool {
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	digits := s.i
	for s.i < len(s.b) && isDigit(s.b[s.i]) {
		s.i++
	}
	if s.i == digits || s.b[digits] == '0' && s.i-digits > 1 { // no digits, or a leading zero
		return false
	}
	if s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		return false
	}
	v, err := strconv.ParseInt(string(s.b[start:s.i]), 10, strconv.IntSize)
	if err != nil {
		return false
	}
	*n = int(v)
	return true
}

func (s *requestScanner) boolean(v *bool) bool {
	switch {
	case s.literal("true"):
		*v = true
	case s.literal("false"):
		*v = false
	default:
		return false
	}
	return true
}

// plainKey reads a key of printable ASCII without escapes, as every key the fast path knows is.
func (s *requestScanner) plainKey() ([]byte, bool) {
	if !s.consume('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

func (s *requestScanner) plainString() ([]byte, bool) {
	if !s.consume('"') {
		return nil, false
	}
	end := bytes.IndexByte(s.b[s.i:], '"')
	if end < 0 {
		return nil, false
	}
	raw := s.b[s.i : s.i+end]
	if bytes.IndexByte(raw, '\\') >= 0 {
		return nil, false
	}
	if control, high := scanText(raw); control || high {
		return nil, false
	}
	s.i += end + 1
	return raw, true
}

// str decodes a string as encoding/json does, but gives up on surrogate escapes and invalid UTF-8.
func (s *requestScanner) str(v *string) bool {
	if !s.consume('"') {
		return false
	}
	start := s.i
	end := bytes.IndexByte(s.b[start:], '"')
	if end < 0 {
		return false
	}
	raw := s.b[start : start+end]
	if escape := bytes.IndexByte(raw, '\\'); escape >= 0 {
		s.i = start + escape
		return s.escapedString(v, start)
	}
	control, high := scanText(raw)
	if control || high && !utf8.Valid(raw) {
		return false
	}
	s.i = start + end + 1
	*v = string(raw)
	return true
}

func (s *requestScanner) escapedString(v *string, start int) bool {
	out := append(s.buf[:0], s.b[start:s.i]...)
	if control, _ := scanText(out); control {
		return false
	}
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c != '\\' {
			run := s.b[s.i:]
			if n := bytes.IndexAny(run, `"\\`); n >= 0 {
				run = run[:n]
			}
			if c == '"' {
				s.i++
				s.buf = out
				if !utf8.Valid(out) {
					return false
				}
				*v = string(out)
				return true
			}
			if control, _ := scanText(run); control {
				return false
			}
			out = append(out, run...)
			s.i += len(run)
			continue
		}
		if s.i+1 >= len(s.b) {
			return false
		}
		switch e := s.b[s.i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4(s.i + 2)
			if !ok || utf16.IsSurrogate(r) {
				return false
			}
			out = utf8.AppendRune(out, r)
			s.i += 4
		default:
			return false
		}
		s.i += 2
	}
	return false
}

func (s *requestScanner) hex4(at int) (rune, bool) {
	if at+4 > len(s.b) {
		return 0, false
	}
	var r rune
	for _, c := range s.b[at : at+4] {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// scanText reports whether b holds a byte below 0x20, which a JSON string cannot hold raw, and
// one of 0x80 or above (UTF-8 to check), eight bytes at a time for the long security descriptors.
func scanText(b []byte) (control, high bool) {
	const ones, highBits = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		high = high || x&highBits != 0
		// A byte below 0x20 exists exactly when this is not zero.
		if (x-0x20*ones)&^x&highBits != 0 {
			return true, high
		}
	}
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c < 0x20:
			return true, high
		case c >= utf8.RuneSelf:
			high = true
		}
	}
	return false, high
}

func (s *requestScanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *requestScanner) consume(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// literal takes a literal (null, true, false) if it comes next, whole.
func (s *requestScanner) literal(word string) bool {
	end := s.i + len(word)
	if end > len(s.b) || string(s.b[s.i:end]) != word {
		return false
	}
	if end < len(s.b) && isLiteralByte(s.b[end]) {
		return false
	}
	s.i = end
	return true
}

func isLiteralByte(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) }

func (s *requestScanner) atEnd() bool {
	s.skipSpace()
	return s.i == len(s.b)
}
