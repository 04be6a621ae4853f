package mimcm_test

import (
	"slices"
	"testing"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

func TestSplitUsername(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][3]string{
		"alice":                     {"alice", "", ""},
		"alice@CONTOSO.COM":         {"alice", "CONTOSO.COM", ""},
		"svc@mail@CONTOSO.COM":      {"svc@mail", "CONTOSO.COM", ""},
		`CONTOSO\alice`:             {"alice", "", "CONTOSO"},
		`CONTOSO\alice@contoso.com`: {"alice@contoso.com", "", "CONTOSO"},
		"":                          {"", "", ""},
	} {
		name, realm, domain := mimcm.SplitUsername(in)
		if got := [3]string{name, realm, domain}; got != want {
			t.Errorf("SplitUsername(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every authenticator names itself with one of AuthMethods, which the
// provider's auth_method and the mock's -auth take.
func TestAuthMethods(t *testing.T) {
	t.Parallel()
	for _, a := range []mimcm.Authenticator{
		mimcm.AutoAuth(), mimcm.NTLMAuth("u", "p", ""), mimcm.BasicAuth("u", "p"), mimcm.BearerAuth("t"), mimcm.NoAuth(),
	} {
		if !slices.Contains(mimcm.AuthMethods(), a.Name()) {
			t.Errorf("%T names itself %q, which AuthMethods %q lacks", a, a.Name(), mimcm.AuthMethods())
		}
	}
	if got := mimcm.AuthMethods(); len(got) != 6 || got[0] != mimcm.AuthAuto {
		t.Errorf("AuthMethods() = %q: want the six methods, auto first", got)
	}
}
