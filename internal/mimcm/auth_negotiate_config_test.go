package mimcm_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jcmturner/gokrb5/v8/keytab"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

func TestKerberosConfig_invalid(t *testing.T) {
	t.Parallel()
	conf := "[libdefaults]\n default_realm = MIMCM.TEST\n dns_lookup_kdc = false\n[realms]\n MIMCM.TEST = {\n  kdc = 127.0.0.1:88\n }\n CORP.EXAMPLE.COM = {\n  kdc = 127.0.0.1:88\n }\n"
	noDefault := "[realms]\n MIMCM.TEST = {\n  kdc = 127.0.0.1:88\n }\n"
	kt := keytab.New()
	if err := kt.AddEntry("HTTP/127.0.0.1", "MIMCM.TEST", "pw", time.Now(), 1, 18); err != nil {
		t.Fatal(err)
	}
	serviceKeytab, err := kt.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		cfg  mimcm.KerberosConfig
		want string
	}{
		"no way to log in":         {mimcm.KerberosConfig{Username: "alice", Krb5Conf: conf}, "needs a way to log in"},
		"password and keytab":      {mimcm.KerberosConfig{Username: "alice", Password: "pw", Keytab: serviceKeytab, Krb5Conf: conf}, "exactly one way to log in, but got a password and a keytab"},
		"password and ccache":      {mimcm.KerberosConfig{Username: "alice", Password: "pw", CCachePath: "/tmp/cc", Krb5Conf: conf}, "a password and a credential cache"},
		"password without user":    {mimcm.KerberosConfig{Password: "pw", Krb5Conf: conf}, "needs a username"},
		"not a krb5.conf":          {mimcm.KerberosConfig{Username: "alice", Password: "pw", Krb5Conf: "/etc/krb5.conf"}, "has no [libdefaults], [realms] or [domain_realm] section"},
		"broken krb5.conf":         {mimcm.KerberosConfig{Username: "alice", Password: "pw", Krb5Conf: "[libdefaults]\n ticket_lifetime = forever\n"}, "the krb5.conf cannot be read"},
		"realm unknown":            {mimcm.KerberosConfig{Username: "alice", Password: "pw", Krb5Conf: noDefault}, "the Kerberos realm is unknown"},
		"NetBIOS domain unknown":   {mimcm.KerberosConfig{Username: `CONTOSO\alice`, Password: "pw", Krb5Conf: noDefault}, "a NetBIOS domain name is not a realm"},
		"conflicting realms":       {mimcm.KerberosConfig{Username: "alice@A.TEST", Realm: "B.TEST", Password: "pw", Krb5Conf: conf}, "names realm A.TEST but the realm is set to B.TEST"},
		"no KDC for the realm":     {mimcm.KerberosConfig{Username: "alice@OTHER.TEST", Password: "pw", Krb5Conf: conf}, "names no kdc for realm OTHER.TEST"},
		"not a keytab":             {mimcm.KerberosConfig{Username: "alice", Keytab: []byte("hello"), Krb5Conf: conf}, "the keytab cannot be read"},
		"keytab for someone else":  {mimcm.KerberosConfig{Username: "alice", Keytab: serviceKeytab, Krb5Conf: conf}, "holds no key for alice@MIMCM.TEST, only for HTTP/127.0.0.1@MIMCM.TEST"},
		"SPN with a realm":         {mimcm.KerberosConfig{Username: "alice", Password: "pw", Krb5Conf: conf, SPN: "HTTP/x@MIMCM.TEST"}, "names a realm"},
		"SPN without a host":       {mimcm.KerberosConfig{Username: "alice", Password: "pw", Krb5Conf: conf, SPN: "mimcm.contoso.com"}, "not of the form service/host"},
		"keyring credential cache": {mimcm.KerberosConfig{CCachePath: "KEYRING:persistent:1000", Krb5Conf: conf}, "only file caches"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := mimcm.NegotiateAuth(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one saying %q", err, tc.want)
			}
			if tc.cfg.Password != "" && strings.Contains(err.Error(), tc.cfg.Password+" ") {
				t.Errorf("the error may reveal the password: %v", err)
			}
		})
	}
}

func TestKerberosConfig_valid(t *testing.T) {
	t.Parallel()
	conf := "[libdefaults]\n default_realm = MIMCM.TEST\n[realms]\n MIMCM.TEST = {\n  kdc = 127.0.0.1:88\n }\n CORP.EXAMPLE.COM = {\n  kdc = 127.0.0.1:88\n }\n"
	for name, cfg := range map[string]mimcm.KerberosConfig{
		"default realm":              {Username: "alice", Password: "pw", Krb5Conf: conf},
		"NetBIOS domain of a realm":  {Username: `corp\alice`, Password: "pw", Krb5Conf: conf},
		"no krb5.conf: KDCs by DNS":  {Username: "alice@CONTOSO.COM", Password: "pw"},
		"ccache path only":           {CCachePath: "/nonexistent/yet"},
		"unsupported directive only": {Username: "alice", Password: "pw", Krb5Conf: conf + "[libdefaults]\n default_ccache_name = KEYRING:persistent:%{uid}\n"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := mimcm.NegotiateAuth(cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCCacheFile(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in, want string
		wantErr  []string
	}{
		"empty":                  {in: "", want: ""},
		"path":                   {in: "/tmp/krb5cc_1000", want: "/tmp/krb5cc_1000"},
		"FILE: type":             {in: "FILE:/tmp/krb5cc_1000", want: "/tmp/krb5cc_1000"},
		"type in lower case":     {in: "file:/tmp/krb5cc_1000", want: "/tmp/krb5cc_1000"},
		"spaces around":          {in: "  FILE:/tmp/cc ", want: "/tmp/cc"},
		"colon inside a path":    {in: "/tmp/a:b", want: "/tmp/a:b"},
		"relative path, a colon": {in: "./cc:1", want: "./cc:1"},
		"backslash before colon": {in: `cc\x:1`, want: `cc\x:1`},
		"keyring":                {in: "KEYRING:persistent:1000", wantErr: []string{`"KEYRING:persistent:1000" is of type KEYRING`, "not a file cache", "only file caches", "Run kinit with -c FILE:/path, or use a keytab"}},
		"KCM in lower case":      {in: "kcm:1000", wantErr: []string{"of type KCM"}},
		"DIR":                    {in: "DIR:/run/user/1000/krb5cc", wantErr: []string{"of type DIR"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := mimcm.CCacheFile(tc.in)
			if tc.wantErr == nil {
				if err != nil || got != tc.want {
					t.Fatalf("CCacheFile(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("CCacheFile(%q) = %q, want an error", tc.in, got)
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error does not say %q: %v", want, err)
				}
			}
		})
	}
}
