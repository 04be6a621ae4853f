package mimcm

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseTimestamp_good(t *testing.T) {
	plus2 := time.FixedZone("", 2*60*60)
	tests := []struct {
		name, in   string
		wantTime   time.Time // zero: no value
		wantString string    // what String shows
		wantJSON   string    // what MarshalJSON writes back
	}{
		{
			name: "two fraction digits", in: "2015-07-07T23:36:21.93Z",
			wantTime:   time.Date(2015, 7, 7, 23, 36, 21, 930_000_000, time.UTC),
			wantString: "2015-07-07T23:36:21.93Z", wantJSON: `"2015-07-07T23:36:21.93Z"`,
		},
		{
			name: "three fraction digits", in: "2015-07-07T23:37:37.767Z",
			wantTime:   time.Date(2015, 7, 7, 23, 37, 37, 767_000_000, time.UTC),
			wantString: "2015-07-07T23:37:37.767Z", wantJSON: `"2015-07-07T23:37:37.767Z"`,
		},
		{
			name: "trailing zero kept", in: "2015-07-07T23:36:21.930Z",
			wantTime:   time.Date(2015, 7, 7, 23, 36, 21, 930_000_000, time.UTC),
			wantString: "2015-07-07T23:36:21.930Z", wantJSON: `"2015-07-07T23:36:21.930Z"`,
		},
		{
			name: "seven fraction digits (.NET)", in: "2015-07-07T23:37:37.7670000Z",
			wantTime:   time.Date(2015, 7, 7, 23, 37, 37, 767_000_000, time.UTC),
			wantString: "2015-07-07T23:37:37.7670000Z", wantJSON: `"2015-07-07T23:37:37.7670000Z"`,
		},
		{
			name: "nine fraction digits", in: "2015-07-07T23:37:37.123456789Z",
			wantTime:   time.Date(2015, 7, 7, 23, 37, 37, 123_456_789, time.UTC),
			wantString: "2015-07-07T23:37:37.123456789Z", wantJSON: `"2015-07-07T23:37:37.123456789Z"`,
		},
		{
			name: "no fraction", in: "2015-07-07T23:37:37Z",
			wantTime:   time.Date(2015, 7, 7, 23, 37, 37, 0, time.UTC),
			wantString: "2015-07-07T23:37:37Z", wantJSON: `"2015-07-07T23:37:37Z"`,
		},
		{
			name: "lower-case z", in: "2015-07-07T23:37:37.5z",
			wantTime:   time.Date(2015, 7, 7, 23, 37, 37, 500_000_000, time.UTC),
			wantString: "2015-07-07T23:37:37.5Z", wantJSON: `"2015-07-07T23:37:37.5Z"`,
		},
		{
			name: "zone-less is UTC and written back zone-less", in: "2015-07-07T23:36:21.93",
			wantTime:   time.Date(2015, 7, 7, 23, 36, 21, 930_000_000, time.UTC),
			wantString: "2015-07-07T23:36:21.93Z", wantJSON: `"2015-07-07T23:36:21.93"`,
		},
		{
			name: "zone-less without fraction", in: "2015-07-07T23:36:21",
			wantTime:   time.Date(2015, 7, 7, 23, 36, 21, 0, time.UTC),
			wantString: "2015-07-07T23:36:21Z", wantJSON: `"2015-07-07T23:36:21"`,
		},
		{
			name: "offset kept", in: "2015-07-08T01:36:21.93+02:00",
			wantTime:   time.Date(2015, 7, 8, 1, 36, 21, 930_000_000, plus2),
			wantString: "2015-07-08T01:36:21.93+02:00", wantJSON: `"2015-07-08T01:36:21.93+02:00"`,
		},
		{
			name: "negative offset kept", in: "2015-07-07T18:36:21-05:00",
			wantTime:   time.Date(2015, 7, 7, 23, 36, 21, 0, time.UTC),
			wantString: "2015-07-07T18:36:21-05:00", wantJSON: `"2015-07-07T18:36:21-05:00"`,
		},
		{name: ".NET MinValue is no value", in: "0001-01-01T00:00:00", wantJSON: `"0001-01-01T00:00:00"`},
		{name: "MinValue with zone", in: "0001-01-01T00:00:00Z", wantJSON: `"0001-01-01T00:00:00"`},
		{name: "MinValue with fraction", in: "0001-01-01T00:00:00.0000000", wantJSON: `"0001-01-01T00:00:00"`},
		{name: "empty is no value", in: "", wantJSON: `"0001-01-01T00:00:00"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts, err := ParseTimestamp(tc.in)
			if err != nil {
				t.Fatalf("ParseTimestamp(%q): %v", tc.in, err)
			}
			checkTimestamp(t, ts, tc.wantTime, tc.wantString, tc.wantJSON)

			// The same through JSON.
			var viaJSON Timestamp
			if err := json.Unmarshal([]byte(`"`+tc.in+`"`), &viaJSON); err != nil {
				t.Fatalf("Unmarshal(%q): %v", tc.in, err)
			}
			checkTimestamp(t, viaJSON, tc.wantTime, tc.wantString, tc.wantJSON)
		})
	}
}

func checkTimestamp(t *testing.T, ts Timestamp, wantTime time.Time, wantString, wantJSON string) {
	t.Helper()
	if ts.IsZero() != wantTime.IsZero() {
		t.Errorf("IsZero() = %v, want %v", ts.IsZero(), wantTime.IsZero())
	}
	if !ts.Time().Equal(wantTime) {
		t.Errorf("Time() = %v, want %v", ts.Time(), wantTime)
	}
	if got := ts.String(); got != wantString {
		t.Errorf("String() = %q, want %q", got, wantString)
	}
	got, err := json.Marshal(ts)
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	if string(got) != wantJSON {
		t.Errorf("MarshalJSON() = %s, want %s", got, wantJSON)
	}
}

func TestParseTimestamp_bad(t *testing.T) {
	for _, in := range []string{
		"yesterday",
		"2015-07-07",
		"2015-07-07 23:36:21Z",
		"2015-07-07T23:36:21.Z",           // a dot and no digits
		"2015-07-07T23:36:21.1234567891Z", // ten digits
		"2015-13-07T23:36:21Z",
		"2015-07-07T25:36:21Z",
		"2015-07-07T23:36:21+0200",
		"2015-07-07T23:36:21.93ZZ",
		"Z",
		// Found by FuzzParseTimestamp: time.Parse takes these, but they
		// would not render back as they were read.
		"0000-01-01T0:00:00,1",
		"2015-07-07T23:36:21,93Z",
		"2015-07-07T3:36:21Z",
	} {
		t.Run(in, func(t *testing.T) {
			if ts, err := ParseTimestamp(in); err == nil {
				t.Errorf("ParseTimestamp(%q) = %v, want an error", in, ts)
			}
			var ts Timestamp
			if err := json.Unmarshal([]byte(`"`+in+`"`), &ts); err == nil {
				t.Errorf("Unmarshal(%q) = %v, want an error", in, ts)
			}
		})
	}
}

func TestTimestamp_UnmarshalJSON_nullAndNonString(t *testing.T) {
	ts, _ := ParseTimestamp("2015-07-07T23:36:21.93Z")
	if err := json.Unmarshal([]byte(`null`), &ts); err != nil {
		t.Fatalf("Unmarshal(null): %v", err)
	}
	if !ts.IsZero() || ts.String() != "" {
		t.Errorf("null decoded to %q, want no value", ts.String())
	}
	for _, bad := range []string{`1436312181`, `true`, `{}`} {
		if err := json.Unmarshal([]byte(bad), &ts); err == nil {
			t.Errorf("Unmarshal(%s) succeeded, want an error", bad)
		}
	}
}

func TestNewTimestamp_cases(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*60*60)
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"two digits", time.Date(2015, 7, 7, 23, 36, 21, 930_000_000, time.UTC), "2015-07-07T23:36:21.93Z"},
		{"three digits", time.Date(2015, 7, 7, 23, 37, 37, 767_000_000, time.UTC), "2015-07-07T23:37:37.767Z"},
		{"one digit", time.Date(2015, 7, 7, 23, 37, 37, 100_000_000, time.UTC), "2015-07-07T23:37:37.1Z"},
		{"whole second", time.Date(2015, 7, 7, 23, 37, 37, 0, time.UTC), "2015-07-07T23:37:37Z"},
		{"sub-millisecond truncated", time.Date(2015, 7, 7, 23, 37, 37, 767_999_999, time.UTC), "2015-07-07T23:37:37.767Z"},
		{"microseconds only", time.Date(2015, 7, 7, 23, 37, 37, 999_999, time.UTC), "2015-07-07T23:37:37Z"},
		{"converted to UTC", time.Date(2015, 7, 8, 8, 36, 21, 930_000_000, tokyo), "2015-07-07T23:36:21.93Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := NewTimestamp(tc.in)
			if got := ts.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			b, err := json.Marshal(ts)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != `"`+tc.want+`"` {
				t.Errorf("MarshalJSON() = %s, want %q", b, tc.want)
			}
			back, err := ParseTimestamp(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if back != ts {
				t.Errorf("ParseTimestamp(String()) = %#v, want %#v", back, ts)
			}
		})
	}
	if ts := NewTimestamp(time.Time{}); !ts.IsZero() {
		t.Errorf("NewTimestamp(zero time) = %q, want no value", ts.String())
	}
}
