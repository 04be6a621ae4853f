package mimcm

import "testing"

func TestParseRequestType(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want RequestType
		ok   bool
	}{
		{"Enroll", RequestTypeEnroll, true},
		{"enroll", RequestTypeEnroll, true},
		{"TEMPORARYCARDS", RequestTypeTemporaryCards, true},
		{"TemporaryEnroll", "", false},
		{"", "", false},
		{"Approve", "", false},
	} {
		got, ok := ParseRequestType(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseRequestType(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if n := len(RequestTypeNames()); n != 12 {
		t.Errorf("RequestTypeNames() has %d names, want the 12 documented", n)
	}
}

func TestRequestType_Number(t *testing.T) {
	for _, tc := range []struct {
		t  RequestType
		n  int
		ok bool
	}{
		{RequestTypeEnroll, 1, true},
		{RequestTypeUnblock, 5, true},
		{RequestTypeRenew, 0, false},
	} {
		n, ok := tc.t.Number()
		if n != tc.n || ok != tc.ok {
			t.Errorf("%s.Number() = %d, %v; want %d, %v", tc.t, n, ok, tc.n, tc.ok)
		}
		if !ok {
			continue
		}
		back, ok := RequestTypeForNumber(n)
		if back != tc.t || !ok {
			t.Errorf("RequestTypeForNumber(%d) = %q, %v; want %q", n, back, ok, tc.t)
		}
	}
	if _, ok := RequestTypeForNumber(2); ok {
		t.Error("RequestTypeForNumber(2) mapped an unconfirmed number")
	}
}

func TestRequestType_PolicyName(t *testing.T) {
	if got := RequestTypeTemporaryCards.PolicyName(); got != "TemporaryEnroll" {
		t.Errorf("TemporaryCards.PolicyName() = %q, want TemporaryEnroll", got)
	}
	if got := RequestTypeRenew.PolicyName(); got != "Renew" {
		t.Errorf("Renew.PolicyName() = %q, want Renew", got)
	}
}
