package mimcm

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// statusCases is the status table of the API contract
// (/work/shared/mimcm-api.md), written out independently of statusTable so
// that a change to either shows up here.
var statusCases = []struct {
	number   int
	status   Status
	name     string
	terminal bool
}{
	{0, StatusNone, "None", false},
	{3, StatusApproved, "Approved", false},
	{4, StatusDenied, "Denied", true},
	{8, StatusCompleted, "Completed", true},
	{9, StatusFailed, "Failed", true},
	{16, StatusPending, "Pending", false},
	{17, StatusCanceled, "Canceled", true},
	{18, StatusExecuting, "Executing", false},
}

func TestStatus_table(t *testing.T) {
	for _, tc := range statusCases {
		t.Run(tc.name, func(t *testing.T) {
			if int(tc.status) != tc.number {
				t.Errorf("Status%s = %d, want %d", tc.name, int(tc.status), tc.number)
			}
			s := Status(tc.number)
			if got := s.String(); got != tc.name {
				t.Errorf("Status(%d).String() = %q, want %q", tc.number, got, tc.name)
			}
			if !s.Known() {
				t.Errorf("Status(%d).Known() = false, want true", tc.number)
			}
			if got := s.IsTerminal(); got != tc.terminal {
				t.Errorf("Status(%d).IsTerminal() = %v, want %v", tc.number, got, tc.terminal)
			}
			got, ok := ParseStatusName(tc.name)
			if !ok || got != s {
				t.Errorf("ParseStatusName(%q) = %d, %v; want %d, true", tc.name, int(got), ok, tc.number)
			}
		})
	}
}

func TestStatuses_orderAndNames(t *testing.T) {
	var wantStatuses []Status
	var wantNames []string
	for _, tc := range statusCases {
		wantStatuses = append(wantStatuses, tc.status)
		wantNames = append(wantNames, tc.name)
	}
	if got := Statuses(); !reflect.DeepEqual(got, wantStatuses) {
		t.Errorf("Statuses() = %v, want %v", got, wantStatuses)
	}
	if got := StatusNames(); !reflect.DeepEqual(got, wantNames) {
		t.Errorf("StatusNames() = %q, want %q", got, wantNames)
	}
	if len(statusTable) != len(statusCases) {
		t.Errorf("statusTable has %d entries, Statuses() %d: every status must be listed", len(statusTable), len(Statuses()))
	}
}

func TestStatus_unknownNumbers(t *testing.T) {
	for _, n := range []int{-1, 1, 2, 5, 7, 10, 15, 19, 42, 1 << 20} {
		s := Status(n)
		want := "Unknown(" + strconv.Itoa(n) + ")"
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", n, got, want)
		}
		if s.Known() {
			t.Errorf("Status(%d).Known() = true, want false", n)
		}
		if s.IsTerminal() {
			t.Errorf("Status(%d).IsTerminal() = true; unknown numbers must not be terminal", n)
		}
		for _, d := range DesiredStatuses() {
			if s.Satisfies(d) {
				t.Errorf("Status(%d).Satisfies(%s) = true, want false", n, d)
			}
			if err := CheckTransition(exampleID, s, d); err != nil {
				t.Errorf("CheckTransition(%d, %s) = %v; an unknown status must not be refused", n, d, err)
			}
		}
		if _, ok := ParseStatusName(want); ok {
			t.Errorf("ParseStatusName(%q) succeeded, want failure", want)
		}
	}
}

func TestStatus_Satisfies(t *testing.T) {
	satisfiedBy := map[DesiredStatus]Status{
		DesiredCompleted: StatusCompleted, // 8
		DesiredCanceled:  StatusCanceled,  // 17
		DesiredAbandoned: StatusFailed,    // 9: the server has no Abandoned status
	}
	for _, d := range DesiredStatuses() {
		for _, tc := range statusCases {
			want := satisfiedBy[d] == tc.status
			if got := tc.status.Satisfies(d); got != want {
				t.Errorf("%s.Satisfies(%s) = %v, want %v", tc.name, d, got, want)
			}
		}
		if got := d.Target(); got != satisfiedBy[d] {
			t.Errorf("%s.Target() = %s, want %s", d, got, satisfiedBy[d])
		}
	}
	// A desired status outside the table is satisfied by nothing, not even
	// by the zero Status.
	for _, tc := range statusCases {
		if tc.status.Satisfies("Bogus") || tc.status.Satisfies("") {
			t.Errorf("%s satisfies an invalid desired status", tc.name)
		}
	}
}

func TestParseStatusName_cases(t *testing.T) {
	tests := []struct {
		in     string
		want   Status
		wantOK bool
	}{
		{"Completed", StatusCompleted, true},
		{"completed", StatusCompleted, true},
		{"COMPLETED", StatusCompleted, true},
		{"cAnCeLeD", StatusCanceled, true},
		{"none", StatusNone, true},
		{"executing", StatusExecuting, true},
		{"Abandoned", 0, false}, // a desired status, never an observed one
		{"Cancelled", 0, false},
		{" Completed", 0, false},
		{"", 0, false},
		{"8", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ParseStatusName(tc.in)
			if ok != tc.wantOK || (ok && got != tc.want) {
				t.Errorf("ParseStatusName(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestParseDesiredStatus_cases(t *testing.T) {
	tests := []struct {
		in     string
		want   DesiredStatus
		wantOK bool
	}{
		{"Completed", DesiredCompleted, true},
		{"completed", DesiredCompleted, true},
		{"CANCELED", DesiredCanceled, true},
		{"abandoned", DesiredAbandoned, true},
		{"Failed", "", false},
		{"Approved", "", false},
		{"Cancelled", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := ParseDesiredStatus(tc.in)
			if ok != tc.wantOK || got != tc.want {
				t.Errorf("ParseDesiredStatus(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
	if got, want := DesiredStatusNames(), []string{"Completed", "Canceled", "Abandoned"}; !reflect.DeepEqual(got, want) {
		t.Errorf("DesiredStatusNames() = %q, want %q", got, want)
	}
}

func TestDesiredStatusFor_cases(t *testing.T) {
	want := map[Status]DesiredStatus{
		StatusCompleted: DesiredCompleted,
		StatusCanceled:  DesiredCanceled,
		StatusFailed:    DesiredAbandoned,
	}
	for _, s := range append(Statuses(), 42, -1) {
		got, ok := DesiredStatusFor(s)
		w, wantOK := want[s]
		if ok != wantOK || got != w {
			t.Errorf("DesiredStatusFor(%s) = %q, %v; want %q, %v", s, got, ok, w, wantOK)
		}
		if ok && !s.Satisfies(got) {
			t.Errorf("%s does not satisfy DesiredStatusFor(%s) = %s", s, s, got)
		}
	}
}

func TestCheckTransition_cases(t *testing.T) {
	tests := []struct {
		current Status
		desired DesiredStatus
		wantErr bool
	}{
		{StatusCompleted, DesiredCompleted, false}, // already there
		{StatusCanceled, DesiredCanceled, false},
		{StatusFailed, DesiredAbandoned, false},
		{StatusPending, DesiredCompleted, false}, // still can
		{StatusApproved, DesiredCompleted, false},
		{StatusExecuting, DesiredAbandoned, false},
		{StatusNone, DesiredCanceled, false},
		{Status(42), DesiredCompleted, false},     // unknown: let the server decide
		{StatusCompleted, DesiredCanceled, true},  // terminal, other
		{StatusCanceled, DesiredCompleted, true},  //
		{StatusDenied, DesiredCompleted, true},    //
		{StatusFailed, DesiredCompleted, true},    //
		{StatusCompleted, DesiredAbandoned, true}, //
	}
	for _, tc := range tests {
		t.Run(tc.current.String()+"_to_"+string(tc.desired), func(t *testing.T) {
			err := CheckTransition(exampleID, tc.current, tc.desired)
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("CheckTransition = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrTransition) {
				t.Fatalf("CheckTransition = %v, want an error matching ErrTransition", err)
			}
			var te *TransitionError
			if !errors.As(err, &te) {
				t.Fatalf("CheckTransition = %T, want *TransitionError", err)
			}
			if te.RequestID != exampleID || te.Current != tc.current || te.Desired != tc.desired {
				t.Errorf("TransitionError = %+v", te)
			}
			msg := err.Error()
			for _, want := range []string{string(exampleID), tc.current.String(), string(tc.desired), "terminal", strconv.Itoa(int(tc.current))} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
		})
	}
}

func TestCheckApproval(t *testing.T) {
	const id GUID = "a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"
	for _, tc := range []struct {
		current Status
		desired DesiredStatus
		awaits  bool
	}{
		{StatusPending, DesiredCompleted, true},
		{StatusNone, DesiredAbandoned, true},
		{StatusPending, DesiredCanceled, false},
		{StatusApproved, DesiredCompleted, false},
		{StatusExecuting, DesiredAbandoned, false},
		{StatusDenied, DesiredCompleted, false},
	} {
		err := CheckApproval(id, tc.current, tc.desired)
		if got := errors.Is(err, ErrAwaitingApproval); got != tc.awaits {
			t.Errorf("CheckApproval(%s, %s) = %v; want awaiting approval %v", tc.current, tc.desired, err, tc.awaits)
		}
		if tc.awaits && !strings.Contains(err.Error(), "CM portal") {
			t.Errorf("CheckApproval(%s, %s) does not say where approval happens: %v", tc.current, tc.desired, err)
		}
	}
}
