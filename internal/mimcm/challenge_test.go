package mimcm

import (
	"reflect"
	"testing"
)

func TestParseChallenges(t *testing.T) {
	tests := map[string]struct {
		values []string
		want   []Challenge
	}{
		"none":        {nil, nil},
		"empty value": {[]string{"", " , "}, nil},
		"bare schemes in several headers": {[]string{"Negotiate", "NTLM"},
			[]Challenge{{Scheme: "Negotiate"}, {Scheme: "NTLM"}}},
		"bare schemes in one header": {[]string{"Negotiate, NTLM"},
			[]Challenge{{Scheme: "Negotiate"}, {Scheme: "NTLM"}}},
		"token68 with padding": {[]string{"Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg=="},
			[]Challenge{{Scheme: "Negotiate", Token68: "oRQwEqADCgEAoQsGCSqGSIb3EgECAg=="}}},
		"token68 then another challenge": {[]string{"NTLM TlRMTVNTUAACAAAA, Negotiate YII+, Basic"},
			[]Challenge{{Scheme: "NTLM", Token68: "TlRMTVNTUAACAAAA"}, {Scheme: "Negotiate", Token68: "YII+"}, {Scheme: "Basic"}}},
		"auth-params, quoted and not": {[]string{`Basic realm="MIM CM", charset=UTF-8`},
			[]Challenge{{Scheme: "Basic", Params: map[string]string{"realm": "MIM CM", "charset": "UTF-8"}}}},
		"auth-params then a challenge": {[]string{`Basic realm="a, b", NTLM, Bearer realm="x" , error="invalid_token"`},
			[]Challenge{
				{Scheme: "Basic", Params: map[string]string{"realm": "a, b"}},
				{Scheme: "NTLM"},
				{Scheme: "Bearer", Params: map[string]string{"realm": "x", "error": "invalid_token"}},
			}},
		"parameter names lower-cased, spaces around =": {[]string{`Digest Realm = "r", QOP="auth"`},
			[]Challenge{{Scheme: "Digest", Params: map[string]string{"realm": "r", "qop": "auth"}}}},
		"quoted-pair": {[]string{`Basic realm="say \"hi\" \\ bye"`},
			[]Challenge{{Scheme: "Basic", Params: map[string]string{"realm": `say "hi" \ bye`}}}},
		"scheme with a trailing space": {[]string{"Negotiate "}, []Challenge{{Scheme: "Negotiate"}}},
		"malformed challenges kept whole, the next read": {[]string{`Basic realm="open, NTLM`, `Foo a b, Negotiate !!!`, `Bar"x", Baz`},
			[]Challenge{{Scheme: "Basic", Token68: `realm="open`}, {Scheme: "NTLM"}, {Scheme: "Foo", Token68: "a b"},
				{Scheme: "Negotiate", Token68: "!!!"}, {Scheme: "Bar", Token68: `"x"`}, {Scheme: "Baz"}}},
		"garbage before a comma": {[]string{`"quoted", NTLM`}, []Challenge{{Scheme: "NTLM"}}},
		"malformed after a quoted comma": {[]string{`Basic realm="a,b" junk, NTLM`},
			[]Challenge{{Scheme: "Basic", Token68: `realm="a,b" junk`}, {Scheme: "NTLM"}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := ParseChallenges(tt.values); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseChallenges(%q)\n got %+v\nwant %+v", tt.values, got, tt.want)
			}
		})
	}
}

func TestParseAuthorization(t *testing.T) {
	tests := map[string]struct {
		value  string
		want   Challenge
		wantOK bool
	}{
		"token68":              {"Negotiate YIIC+g==", Challenge{Scheme: "Negotiate", Token68: "YIIC+g=="}, true},
		"bearer":               {"Bearer eyJ0eXAiOiJKV1Qi.test-token", Challenge{Scheme: "Bearer", Token68: "eyJ0eXAiOiJKV1Qi.test-token"}, true},
		"lower-case scheme":    {"basic dTpw", Challenge{Scheme: "basic", Token68: "dTpw"}, true},
		"several spaces":       {"NTLM   TlRMTVNTUAABAAAA  ", Challenge{Scheme: "NTLM", Token68: "TlRMTVNTUAABAAAA"}, true},
		"auth-params":          {`Digest username="u", nc=00000001`, Challenge{Scheme: "Digest", Params: map[string]string{"username": "u", "nc": "00000001"}}, true},
		"scheme only":          {"Toy", Challenge{Scheme: "Toy"}, true},
		"empty":                {"", Challenge{}, false},
		"not a token68":        {"Basic !!!", Challenge{Scheme: "Basic", Token68: "!!!"}, false},
		"two sets":             {"Basic dTpw, Bearer t", Challenge{Scheme: "Basic", Token68: "dTpw"}, false},
		"space in the token":   {"Bearer two words", Challenge{Scheme: "Bearer", Token68: "two words"}, false},
		"no scheme, a token68": {"=abc", Challenge{}, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := ParseAuthorization(tt.value)
			if ok != tt.wantOK || got.Scheme != tt.want.Scheme || got.Token68 != tt.want.Token68 ||
				(tt.wantOK && !reflect.DeepEqual(got.Params, tt.want.Params)) {
				t.Errorf("ParseAuthorization(%q) = %+v, %v; want %+v, %v", tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestChallengeIs(t *testing.T) {
	if c := (Challenge{Scheme: "NeGoTiAtE"}); !c.Is("negotiate") || c.Is("ntlm") {
		t.Errorf("Is must compare schemes without regard to case: %+v", c)
	}
}

// A Negotiate answer behind another challenge in the same value is found.
func TestNegotiateData_commaJoined(t *testing.T) {
	tests := map[string]struct {
		values []string
		want   string
	}{
		"alone":                    {[]string{"Negotiate oRQw"}, "oRQw"},
		"after another challenge":  {[]string{"NTLM, Negotiate oRQw"}, "oRQw"},
		"before another challenge": {[]string{"Negotiate oRQw==, NTLM"}, "oRQw=="},
		"in a second header":       {[]string{`Basic realm="x"`, "Negotiate oRQw"}, "oRQw"},
		"bare Negotiate":           {[]string{"Negotiate, NTLM"}, ""},
		"malformed, so refused":    {[]string{"Negotiate !!!"}, "!!!"},
		"none":                     {nil, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := negotiateData(tt.values); got != tt.want {
				t.Errorf("negotiateData(%q) = %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}
