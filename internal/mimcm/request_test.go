package mimcm

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// referenceResponsePath holds the body of the documented answer to
// PUT /requests/a9b4b42c-… {"status":"Completed"}, byte for byte as the
// reference page (/work/shared/seeds/000_*.txt) prints it.
const referenceResponsePath = "testdata/put_complete_response.json"

// exampleID is the request GUID of the reference example.
const exampleID GUID = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"

// referenceSDDL is the reference security descriptor without its padding.
const referenceSDDL = "O:S-1-5-21-2127521184-1604012920-1887927527-14134865D:(D;;LC;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5094534)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-5219125)(A;;SWRC;;;S-1-5-21-2127521184-1604012920-1887927527-5094533)(A;;RC;;;WD)(A;;CCDCLCSWSDRC;;;S-1-5-21-2127521184-1604012920-1887927527-14134865)(A;;DCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)(A;;CCDCSW;;;S-1-5-21-2127521184-1604012920-1887927527-14995557)"

func referenceResponse(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(referenceResponsePath)
	if err != nil {
		t.Fatalf("reading the reference response: %v", err)
	}
	return b
}

func TestRequest_decodeReference(t *testing.T) {
	raw := referenceResponse(t)
	if !strings.Contains(string(raw), `\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000"`) {
		t.Fatal("the reference response lost its NUL padding; restore it from the seed page")
	}
	var r Request
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("decoding the reference response: %v", err)
	}

	checks := []struct {
		field     string
		got, want any
	}{
		{"Uuid", r.Uuid, exampleID},
		{"RequestType", r.RequestType, 1},
		{"Status", r.Status, StatusCompleted},
		{"Status name", r.Status.String(), "Completed"},
		{"Flags", r.Flags, 2},
		{"DataCollection length", len(r.DataCollection), 0},
		{"DataCollection non-nil", r.DataCollection != nil, true},
		{"DataCollectionFlags", r.DataCollectionFlags, 32},
		{"OriginatorUserUuid", r.OriginatorUserUuid, GUID("8f1590dc-d932-4b66-8e68-2e91c5880780")},
		{"TargetUserUuid", r.TargetUserUuid, GUID("8f1590dc-d932-4b66-8e68-2e91c5880780")},
		{"Submitted", r.Submitted.String(), "2015-07-07T23:36:21.93Z"},
		{"Completed", r.Completed.String(), "2015-07-07T23:37:37.767Z"},
		{"NewProfileUuid", r.NewProfileUuid, GUID("b99ff38c-6653-471f-ae3c-325bb351a6bc")},
		{"OldProfileUuid is no value", r.OldProfileUuid.IsZero(), true},
		{"NewSmartcardUuid", r.NewSmartcardUuid, GUID("17cf063d-e337-4aa9-a822-346554ddd3c9")},
		{"OldSmartcardUuid is no value", r.OldSmartcardUuid.IsZero(), true},
		{"Priority", r.Priority, 0},
		{"Comment", r.Comment, ""},
		{"ProfileTemplateUuid", r.ProfileTemplateUuid, GUID("a039b4d0-5ce8-4eff-8651-181c6576fda3")},
		{"SecurityDescriptor", r.SecurityDescriptor, referenceSDDL},
		{"SecurityDescriptor has no NUL", strings.ContainsRune(r.SecurityDescriptor, 0), false},
		{"IsSmartcard", r.IsSmartcard, true},
		{"IsEnrollmentAgent", r.IsEnrollmentAgent, false},
		{"IsDataCollectionComplete", r.IsDataCollectionComplete, false},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
}

// TestRequest_roundTripReference checks that encoding a decoded request
// writes the server's own forms back: the same fields and values as the
// reference, except for the NUL padding, which is dropped.
func TestRequest_roundTripReference(t *testing.T) {
	raw := referenceResponse(t)
	var r Request
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	encoded, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("encoding: %v", err)
	}

	var want, got map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	want["SecurityDescriptor"] = strings.TrimRight(want["SecurityDescriptor"].(string), "\x00")
	if err := json.Unmarshal(encoded, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("%s: encoded %#v, server sent %#v", k, got[k], want[k])
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("encoded an extra field %s", k)
			}
		}
	}
	for _, literal := range []string{
		`"Submitted":"2015-07-07T23:36:21.93Z"`,
		`"Completed":"2015-07-07T23:37:37.767Z"`,
		`"OldProfileUuid":"00000000-0000-0000-0000-000000000000"`,
		`"DataCollection":[]`,
	} {
		if !strings.Contains(string(encoded), literal) {
			t.Errorf("encoding %s does not contain %s", encoded, literal)
		}
	}

	var again Request
	if err := json.Unmarshal(encoded, &again); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, r) {
		t.Errorf("decode(encode(r)) = %+v, want %+v", again, r)
	}
}

// pendingRequestJSON is a request as a GET might show it before it
// completes, with every quirk the contract lists and some it does not.
const pendingRequestJSON = `{
	"Uuid": "A9B4B42C-CC50-4C9B-89D1-BBC0BCD5A099",
	"RequestType": 5,
	"Status": 42,
	"Flags": 0,
	"DataCollection": [
		{"Name": "Reason", "Value": "lost card"},
		{"Name": "Empty", "Value": ""},
		{"Name": "Unset", "Value": null}
	],
	"DataCollectionFlags": 0,
	"OriginatorUserUuid": "8F1590DC-D932-4B66-8E68-2E91C5880780",
	"TargetUserUuid": "00000000-0000-0000-0000-000000000000",
	"Submitted": "2015-07-07T23:36:21.93",
	"Completed": "0001-01-01T00:00:00",
	"NewProfileUuid": null,
	"OldProfileUuid": "00000000-0000-0000-0000-000000000000",
	"NewSmartcardUuid": "00000000-0000-0000-0000-000000000000",
	"OldSmartcardUuid": "00000000-0000-0000-0000-000000000000",
	"Priority": 3,
	"Comment": "needs a new card\u0000",
	"ProfileTemplateUuid": "A039B4D0-5CE8-4EFF-8651-181C6576FDA3",
	"SecurityDescriptor": "O:BAD:(A;;RC;;;WD)\u0000\u0000",
	"IsSmartcard": true,
	"IsEnrollmentAgent": true,
	"IsDataCollectionComplete": true,
	"SomeFutureField": {"nested": [1, 2, 3]},
	"AnotherOne": "ignored"
}`

func TestRequest_decodeQuirks(t *testing.T) {
	var r Request
	if err := json.Unmarshal([]byte(pendingRequestJSON), &r); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	checks := []struct {
		field     string
		got, want any
	}{
		{"Uuid lower-cased", r.Uuid, exampleID},
		{"RequestType", r.RequestType, 5},
		{"unknown Status kept", r.Status, Status(42)},
		{"unknown Status name", r.Status.String(), "Unknown(42)"},
		{"OriginatorUserUuid lower-cased", r.OriginatorUserUuid, GUID("8f1590dc-d932-4b66-8e68-2e91c5880780")},
		{"TargetUserUuid zero", r.TargetUserUuid.IsZero(), true},
		{"NewProfileUuid null", r.NewProfileUuid.IsZero(), true},
		{"zone-less Submitted", r.Submitted.String(), "2015-07-07T23:36:21.93Z"},
		{"MinValue Completed is no value", r.Completed.IsZero(), true},
		{"MinValue Completed string", r.Completed.String(), ""},
		{"ProfileTemplateUuid lower-cased", r.ProfileTemplateUuid, GUID("a039b4d0-5ce8-4eff-8651-181c6576fda3")},
		{"SecurityDescriptor stripped", r.SecurityDescriptor, "O:BAD:(A;;RC;;;WD)"},
		{"Comment untouched", r.Comment, "needs a new card\x00"},
		{"Priority", r.Priority, 3},
		{"IsEnrollmentAgent", r.IsEnrollmentAgent, true},
		{"IsDataCollectionComplete", r.IsDataCollectionComplete, true},
		{"DataCollection length", len(r.DataCollection), 3},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
		}
	}
	if len(r.DataCollection) == 3 {
		dc := r.DataCollection
		if dc[0].Name != "Reason" || dc[0].Value == nil || *dc[0].Value != "lost card" {
			t.Errorf("DataCollection[0] = %+v", dc[0])
		}
		if dc[1].Value == nil || *dc[1].Value != "" {
			t.Errorf("DataCollection[1]: an empty Value must stay distinct from null, got %v", dc[1].Value)
		}
		if dc[2].Name != "Unset" || dc[2].Value != nil {
			t.Errorf("DataCollection[2]: a null Value must decode to nil, got %v", *dc[2].Value)
		}
	}

	encoded, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, literal := range []string{
		`"Uuid":"a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"`,
		`"Status":42`,
		`"Submitted":"2015-07-07T23:36:21.93"`,
		`"Completed":"0001-01-01T00:00:00"`,
		`"TargetUserUuid":"00000000-0000-0000-0000-000000000000"`,
		`"NewProfileUuid":"00000000-0000-0000-0000-000000000000"`,
		`{"Name":"Unset","Value":null}`,
		`{"Name":"Empty","Value":""}`,
	} {
		if !strings.Contains(string(encoded), literal) {
			t.Errorf("encoding %s does not contain %s", encoded, literal)
		}
	}
	if strings.Contains(string(encoded), "SomeFutureField") {
		t.Errorf("encoding %s carries an unknown field", encoded)
	}
}

func TestRequest_decodeErrors(t *testing.T) {
	tests := map[string]string{
		"not an object":   `[1, 2]`,
		"bad GUID type":   `{"Uuid": 12}`,
		"bad time":        `{"Submitted": "yesterday"}`,
		"bad Status type": `{"Status": "Completed"}`,
		"truncated":       `{"Uuid": "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			var r Request
			if err := json.Unmarshal([]byte(in), &r); err == nil {
				t.Errorf("decoding %s succeeded: %+v", in, r)
			}
		})
	}
}

func TestRequest_decodeMinimal(t *testing.T) {
	var r Request
	if err := json.Unmarshal([]byte(`{"Status": 18, "DataCollection": null}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusExecuting || !r.Uuid.IsZero() || r.DataCollection != nil || !r.Submitted.IsZero() {
		t.Errorf("decoded %+v", r)
	}
}
