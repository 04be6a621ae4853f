package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
	"github.com/mimcm/terraform-provider-mimcm/internal/testkdc"
)

func TestRun_negotiateRefused(t *testing.T) {
	notKeytab := filepath.Join(t.TempDir(), "not.keytab")
	if err := os.WriteFile(notKeytab, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"without a keytab", []string{"-auth", "negotiate"}, "-auth negotiate needs -keytab, the service's keytab file"},
		{"keytab without negotiate", []string{"-keytab", notKeytab}, "-keytab and -spn need -auth negotiate"},
		{"spn with basic", []string{"-auth", "basic", "-basic-user", "u", "-basic-password", "p", "-spn", "HTTP/x"}, "-keytab and -spn need -auth negotiate"},
		{"missing keytab", []string{"-auth", "negotiate", "-keytab", "/nonexistent/http.keytab"}, "-keytab: open /nonexistent/http.keytab: no such file or directory"},
		{"not a keytab", []string{"-auth", "negotiate", "-keytab", notKeytab}, "-keytab " + notKeytab + ": the service keytab cannot be read"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr, env(nil))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error:\n want %s\n got  %v", tt.want, err)
			}
			if strings.Contains(stdout.String(), "listening") {
				t.Fatalf("it listened: %q", stdout.String())
			}
		})
	}
}

// TestRun_Kerberos demands Negotiate with a real KDC's service keytab: the
// API answers 401 offering Negotiate, and the client's Kerberos login gets
// through.
func TestRun_Kerberos(t *testing.T) {
	realm := testkdc.New(t)
	s := start(t, env(nil), "-auth", "negotiate", "-keytab", realm.ServiceKeytabPath, "-spn", realm.SPN, "-seed-example")

	status, _ := get(t, s.url+mimcm.DefaultBasePath+"/requests/"+string(mockapi.ExampleRequestID))
	if status != http.StatusUnauthorized {
		t.Fatalf("without a token: want 401, got %d", status)
	}
	auth, err := mimcm.NegotiateAuth(mimcm.KerberosConfig{Username: realm.User, Password: realm.Password, Krb5Conf: realm.Krb5Conf})
	if err != nil {
		t.Fatal(err)
	}
	c, err := mimcm.NewClient(mimcm.Config{Host: s.url, Auth: auth, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID); err != nil {
		t.Fatalf("with Kerberos: %v", err)
	}

	// A ticket for another service is refused.
	other, err := mimcm.NegotiateAuth(mimcm.KerberosConfig{Username: realm.User, Password: realm.Password, Krb5Conf: realm.Krb5Conf, SPN: "krbtgt/" + realm.Name})
	if err != nil {
		t.Fatal(err)
	}
	c, err = mimcm.NewClient(mimcm.Config{Host: s.url, Auth: other, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID); !errors.Is(err, mimcm.ErrUnauthorized) {
		t.Errorf("a ticket for another service: want %v, got %v", mimcm.ErrUnauthorized, err)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
}
