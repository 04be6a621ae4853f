package mimcm

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"testing"
)

// The client decodes one request through decodeRequest, whose fast path
// skips encoding/json's extra passes, and a list through streamRequests,
// which uses the same scanner, or decodeRequests for what is not an array.
// These tests hold them to exactly what json.Unmarshal into Request gives,
// for valid and invalid input alike.

// decodeCases are answers and near-answers the decoders must treat as
// json.Unmarshal does.
var decodeCases = []string{
	`{}`,
	`null`,
	`{"Uuid":"A9B4B42C-CC50-4C9B-89D1-BBC0BCD5A099","Status":99,"Completed":"0001-01-01T00:00:00","SecurityDescriptor":"O:BA\u0000\u0000"}`,
	`{"uuid":" 00000000-0000-0000-0000-000000000000 ","submitted":"2015-07-07T23:36:21.93+02:00","DataCollection":[{"Name":"n","Value":null}]}`,
	`{"Uuid":"\u0041\u0039B4B42C-CC50-4C9B-89D1-BBC0BCD5A099","Submitted":"2015-07-07T23:36:21\u002e93Z"}`,
	`{"Uuid":"not a guid","Submitted":"2015-07-07T23:36:21"}`,
	`{"Uuid":null,"Submitted":null,"Completed":"","DataCollection":null}`,
	`{"Submitted":"yesterday"}`,
	`{"Submitted":"2015-07-07T23:36:21."}`,
	`{"Submitted":"2015-7-07T23:36:21Z"}`,
	`{"Completed":"0001-01-01T00:00:00Z"}`,
	`{"Uuid":42}`,
	`{"Status":"Completed"}`,
	`{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099","Comment":"caf\u00e9 \"quoted\"","SecurityDescriptor":"\u0000"}`,
	`{"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"`,
	`[1]`,
	`"text"`,
	// Strings: every escape, raw UTF-8, invalid UTF-8, surrogates.
	`{"Comment":"\" \\ \/ \b \f \n \r \t \u00e9 \u0000 \u20AC","SecurityDescriptor":"O:BA\u0000\u0000\u0000"}`,
	"{\"Comment\":\"caf\xc3\xa9 \xe2\x82\xac\"}",
	"{\"Comment\":\"bad \xff byte\"}",
	`{"Comment":"\ud83d\ude00 pair","Uuid":"\ud83d"}`,
	`{"Comment":"\x"}`,
	"{\"Comment\":\"tab\there\"}",
	`{"SecurityDescriptor":"\u0000"}`,
	// Long strings, where the text is checked eight bytes at a time.
	"{\"Comment\":\"0123456789abcdef\x01ghij\"}",
	"{\"Comment\":\"0123456789abcdef\x7f\xc3\xa9ghij\"}",
	"{\"Comment\":\"0123456789abcdef\xc3ghij\"}",
	`{"Comment":"0123456789 \"quoted\" \\\" and more text"}`,
	"{\"SecurityDescriptor\":\"O:S-1-5-21-1004336348D:(A;;RC;;;WD)\\u0000\x02\"}",
	"{\"SecurityDescriptor\":\"O:S-1-5-21-1004336348D:(A;;RC;;;WD)\\u0000\\u0000 tail \xe2\x82\xac\"}",
	// GUIDs: letter case, spaces and escapes, repeated from request to request.
	`[{"OriginatorUserUuid":"8F1590DC-D932-4B66-8E68-2E91C5880780","TargetUserUuid":" 8f1590dc-d932-4b66-8e68-2e91c5880780 "},` +
		`{"OriginatorUserUuid":"8F1590DC-D932-4B66-8E68-2E91C5880780","TargetUserUuid":"\u0038f1590dc-d932-4b66-8e68-2e91c5880780"},` +
		`{"OriginatorUserUuid":" 00000000-0000-0000-0000-000000000000","NewProfileUuid":"not-a-guid","OldProfileUuid":"NOT-A-GUID"}]`,
	// Numbers, booleans and nulls in every field.
	`{"Status":-0,"RequestType":01}`,
	`{"Status":1.0}`,
	`{"Status":1e2}`,
	`{"Priority":99999999999999999999}`,
	`{"Priority":-9223372036854775808,"Flags":9223372036854775807}`,
	`{"IsSmartcard":true,"IsEnrollmentAgent":false,"IsDataCollectionComplete":null}`,
	`{"IsSmartcard":"true"}`,
	`{"IsSmartcard":tru}`,
	`{"Uuid":null,"RequestType":null,"Status":null,"Flags":null,"DataCollection":null,"DataCollectionFlags":null,"OriginatorUserUuid":null,"TargetUserUuid":null,"Submitted":null,"Completed":null,"NewProfileUuid":null,"OldProfileUuid":null,"NewSmartcardUuid":null,"OldSmartcardUuid":null,"Priority":null,"Comment":null,"ProfileTemplateUuid":null,"SecurityDescriptor":null,"IsSmartcard":null,"IsEnrollmentAgent":null,"IsDataCollectionComplete":null}`,
	// Data collections.
	`{"DataCollection":[]}`,
	`{"DataCollection":[null,{"Name":"a","Value":"b"},{"Value":null},{}]}`,
	`{"DataCollection":[{"Name":"a","Name":"b"}]}`,
	`{"DataCollection":[{"name":"a"}]}`,
	`{"DataCollection":[{"Name":"a","Other":1}]}`,
	`{"DataCollection":{"Name":"a"}}`,
	`{"DataCollection":[{"Name":"a"},{"Name":"b"}],"DataCollection":[{"Value":"c"}]}`,
	// Keys: twice, another letter case, unknown, escaped.
	`{"Status":3,"Status":8}`,
	`{"STATUS":8}`,
	`{"Unknown":{"nested":[1,2,{"a":null}]},"Status":8}`,
	`{"St\u0061tus":8}`,
	// Syntax.
	" \t\r\n{ \"Status\" : 8 , \"Comment\" : \"x\" } \n",
	`{"Status":8,}`,
	`{"Status":8} trailing`,
	"\xef\xbb\xbf{\"Status\":8}",
	`{"Status" 8}`,
	`{"Submitted":"2015-07-07T23:36:21.93Z","Completed":"0001-01-01T00:00:00"}`,
	`{"Submitted":"0001-01-01T00:00:00Z","Completed":"2015-07-07T23:36:21.930+02:00"}`,
	`{"Submitted":"0001-01-01T00:00:00\u0000"}`,
}

func TestDecodeRequest_matchesUnmarshalJSON(t *testing.T) {
	cases := decodeCases
	if ref, err := os.ReadFile(referenceResponsePath); err == nil {
		cases = append(cases, string(ref))
	}
	for _, in := range cases {
		t.Run(in, func(t *testing.T) {
			checkDecodeMatches(t, []byte(in))
			checkDecodeMatches(t, []byte("["+in+"]"))
			checkDecodeMatches(t, []byte("["+in+","+in+"]"))
		})
	}
}

// FuzzDecodeRequests_matchesUnmarshalJSON checks the fast paths against
// json.Unmarshal on any input.
func FuzzDecodeRequests_matchesUnmarshalJSON(f *testing.F) {
	for _, in := range decodeCases {
		f.Add([]byte(in))
		f.Add([]byte("[" + in + "]"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodeMatches(t, data)
	})
}

// checkDecodeMatches decodes data as one request and as a list, with the
// client's decoders and with json.Unmarshal, and fails when the results or
// the errors differ.
func checkDecodeMatches(t *testing.T, data []byte) {
	t.Helper()
	var want Request
	wantErr := json.Unmarshal(data, &want)
	got, gotErr := decodeRequest(data)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("decodeRequest(%q) error %v; json.Unmarshal error %v", data, gotErr, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeRequest(%q) = %+v; json.Unmarshal gives %+v", data, got, want)
	}

	var wantList []Request
	wantErr = json.Unmarshal(data, &wantList)
	gotList, gotErr := decodeRequests(data, nil)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("decodeRequests(%q) error %v; json.Unmarshal error %v", data, gotErr, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(gotList, wantList) {
		t.Fatalf("decodeRequests(%q) = %+v; json.Unmarshal gives %+v", data, gotList, wantList)
	}

	// The stream, which gives a blank answer as an empty list and null as
	// none.
	if len(bytes.Trim(data, " \t\r\n")) == 0 {
		wantErr, wantList = nil, []Request{}
	}
	gotList, gotErr = streamRequests(bytes.NewReader(data), nil)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("streamRequests(%q) error %v; json.Unmarshal error %v", data, gotErr, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(orEmpty(gotList), orEmpty(wantList)) {
		t.Fatalf("streamRequests(%q) = %+v; json.Unmarshal gives %+v", data, gotList, wantList)
	}
}

// TestFastDecode_takesTheServersForm makes sure the fast path, not the
// fallback, decodes what the server sends: the reference answer, and each
// request of a list as streamRequests hands them to the scanner.
func TestFastDecode_takesTheServersForm(t *testing.T) {
	ref, err := os.ReadFile(referenceResponsePath)
	if err != nil {
		t.Fatal(err)
	}
	one, ok := fastDecodeRequest(ref)
	if !ok {
		t.Fatal("fastDecodeRequest gave up on the reference answer")
	}
	if one.Uuid != exampleID || one.SecurityDescriptor != referenceSDDL {
		t.Errorf("fastDecodeRequest(reference) = %+v", one)
	}
	s := &requestScanner{b: referenceList(t, 3)}
	if !s.consume('[') {
		t.Fatal("the list does not start with [")
	}
	for i := range 3 {
		var r Request
		if !s.request(&r) {
			t.Fatalf("the scanner gave up on request %d of a list of the reference answer", i)
		}
		if r.Uuid != listGUID(i) || r.SecurityDescriptor != referenceSDDL || r.Completed.IsZero() {
			t.Errorf("request %d of the list = %+v", i, r)
		}
		s.consume(',')
	}
}

// TestHasDateTimeShape_matchesPattern holds the hand-written check to the
// pattern it replaces.
func TestHasDateTimeShape_matchesPattern(t *testing.T) {
	pattern := regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?$`)
	for _, s := range []string{
		"", "2015-07-07T23:36:21", "2015-07-07T23:36:21.", "2015-07-07T23:36:21.93", "2015-07-07T23:36:21.930000000000",
		"2015-07-07T23:36:21Z", "2015-07-07t23:36:21", "2015-07-07 23:36:21", "2015-7-07T23:36:21", "2015-07-07T23:36:2",
		"2015-07-07T23:36:21.9a", "2015-07-07T23:36:21,93", "2015-07-07T23:36:21.93\n", "+2015-07-07T23:36:21",
		"0001-01-01T00:00:00", "２０１５-07-07T23:36:21", "2015-07-07T23:36:21..9", "2015-07-07T23:36:21.\u0669",
	} {
		if got, want := hasDateTimeShape(s), pattern.MatchString(s); got != want {
			t.Errorf("hasDateTimeShape(%q) = %v; the pattern says %v", s, got, want)
		}
	}
}
