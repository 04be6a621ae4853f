package mimcm

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// DotNetMinValue is how the server writes .NET's DateTime.MinValue, its "no date".
const DotNetMinValue = "0001-01-01T00:00:00"

// hasDateTimeShape reports whether s matches `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?$`,
// written out rather than a regexp as it runs for every time of every request in a list.
func hasDateTimeShape(s string) bool {
	const shape = "0000-00-00T00:00:00" // 0 stands for a digit
	if len(s) < len(shape) {
		return false
	}
	for i := 0; i < len(shape); i++ {
		if shape[i] == '0' {
			if !isDigit(s[i]) {
				return false
			}
		} else if s[i] != shape[i] {
			return false
		}
	}
	fraction := s[len(shape):]
	if fraction == "" {
		return true
	}
	if fraction[0] != '.' {
		return false
	}
	for i := 1; i < len(fraction); i++ {
		if !isDigit(fraction[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// Timestamp is a time from the API that remembers how the server wrote it, so that state shows
// exactly what it sent. The zero Timestamp means "no value" (DateTime.MinValue).
type Timestamp struct {
	t      time.Time
	digits int  // fraction digits the server sent
	zoned  bool // whether the server sent a zone
}

// NewTimestamp returns t as the server writes new times: UTC, to the millisecond, no trailing zeros.
func NewTimestamp(t time.Time) Timestamp {
	t = t.UTC().Truncate(time.Millisecond)
	digits := 0
	if ms := t.Nanosecond() / int(time.Millisecond); ms != 0 {
		digits = 3
		for ms%10 == 0 {
			ms /= 10
			digits--
		}
	}
	return Timestamp{t: t, digits: digits, zoned: true}
}

// ParseTimestamp parses RFC 3339 with up to nine fraction digits and an optional zone (else UTC).
func ParseTimestamp(s string) (Timestamp, error) {
	if s == "" {
		return Timestamp{}, nil
	}
	date, zone, zoned := splitZone(s)
	// time.Parse also takes text that would not render back as read, such as one-digit hours.
	if !hasDateTimeShape(date) {
		return Timestamp{}, fmt.Errorf("time %q is not an RFC 3339 date and time such as 2015-07-07T23:36:21.93Z", s)
	}
	digits := 0
	if dot := strings.IndexByte(date, '.'); dot >= 0 {
		digits = len(date) - dot - 1
		if digits == 0 || digits > 9 {
			return Timestamp{}, fmt.Errorf("time %q: want between 1 and 9 fraction digits", s)
		}
	}
	layout := parseLayouts[digits]
	var (
		t   time.Time
		err error
	)
	if zoned {
		t, err = time.Parse(layout+"Z07:00", date+zone)
	} else {
		t, err = time.ParseInLocation(layout, date, time.UTC)
	}
	if err != nil {
		return Timestamp{}, fmt.Errorf("time %q is not an RFC 3339 date and time: %w", s, err)
	}
	if t.IsZero() {
		return Timestamp{}, nil
	}
	return Timestamp{t: t, digits: digits, zoned: zoned}, nil
}

func splitZone(s string) (string, string, bool) {
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return s[:len(s)-1], "Z", true
	}
	if len(s) > 6 {
		sign := s[len(s)-6]
		if (sign == '+' || sign == '-') && s[len(s)-3] == ':' {
			return s[:len(s)-6], s[len(s)-6:], true
		}
	}
	return s, "", false
}

// IsZero reports whether the Timestamp holds no value.
func (ts Timestamp) IsZero() bool { return ts.t.IsZero() }

// Time returns the instant, or the zero time when there is no value.
func (ts Timestamp) Time() time.Time { return ts.t }

// String renders the time in RFC 3339 with the server's fraction digits and zone (UTC if none).
func (ts Timestamp) String() string {
	if ts.IsZero() {
		return ""
	}
	return ts.t.Format(ts.layout(true))
}

func (ts Timestamp) layout(withZone bool) string {
	if withZone {
		return zonedFormatLayouts[ts.digits]
	}
	return formatLayouts[ts.digits]
}

// The layouts for 0 to 9 fraction digits, built once rather than for every time.
var parseLayouts, formatLayouts, zonedFormatLayouts = func() (parse, format, zoned [10]string) {
	for digits := range 10 {
		parse[digits], format[digits] = "2006-01-02T15:04:05", "2006-01-02T15:04:05"
		if digits > 0 {
			parse[digits] += "." + strings.Repeat("9", digits)
			format[digits] += "." + strings.Repeat("0", digits)
		}
		zoned[digits] = format[digits] + "Z07:00"
	}
	return parse, format, zoned
}()

// UnmarshalJSON decodes a time as ParseTimestamp does; null decodes to "no value".
func (ts *Timestamp) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*ts = Timestamp{}
		return nil
	}
	var (
		parsed Timestamp
		err    error
	)
	if raw, ok := plainJSONString(b); ok {
		parsed, err = timestampFromWire(raw)
	} else {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("time: %w", err)
		}
		parsed, err = ParseTimestamp(s)
	}
	if err != nil {
		return err
	}
	*ts = parsed
	return nil
}

// timestampFromWire is ParseTimestamp for a time's text as it arrives, without allocating for
// DateTime.MinValue, which every open request has.
func timestampFromWire(raw []byte) (Timestamp, error) {
	if string(raw) == DotNetMinValue {
		return Timestamp{}, nil
	}
	return ParseTimestamp(string(raw))
}

// MarshalJSON writes the time as the server does, "no value" as DateTime.MinValue without a zone.
func (ts Timestamp) MarshalJSON() ([]byte, error) {
	if ts.IsZero() {
		return json.Marshal(DotNetMinValue)
	}
	return json.Marshal(ts.t.Format(ts.layout(ts.zoned)))
}
