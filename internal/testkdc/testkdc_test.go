package testkdc

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestKerberosRealm_starts(t *testing.T) {
	t.Parallel()
	r := New(t)

	conn, err := net.Dial("tcp", r.KDCAddr)
	if err != nil {
		t.Fatalf("the KDC does not accept connections on %s: %v", r.KDCAddr, err)
	}
	conn.Close()
	for name, b := range map[string][]byte{"service keytab": r.ServiceKeytab, "user keytab": r.UserKeytab} {
		// Keytab files start with version 0x0502.
		if len(b) < 2 || b[0] != 5 || b[1] != 2 {
			t.Errorf("%s: want a keytab file, got %d bytes", name, len(b))
		}
	}
	if st, err := os.Stat(r.CCachePath); err != nil || st.Size() == 0 {
		t.Errorf("kinit left no credential cache at %s: %v", r.CCachePath, err)
	}
	pid, err := os.ReadFile(filepath.Join(r.Dir, "krb5kdc.pid"))
	if err != nil {
		t.Errorf("krb5kdc wrote no pid file: %v", err)
	} else if _, err := strconv.Atoi(strings.TrimSpace(string(pid))); err != nil {
		t.Errorf("pid file holds %q", pid)
	}
	if !strings.Contains(r.Krb5Conf, "kdc = "+r.KDCAddr) || !strings.Contains(r.Krb5Conf, "udp_preference_limit = 1") {
		t.Errorf("krb5.conf does not point clients at the KDC over TCP:\n%s", r.Krb5Conf)
	}
	if got, want := r.Principal(), "alice@MIMCM.TEST"; got != want {
		t.Errorf("Principal() = %q, want %q", got, want)
	}
}

func TestKerberosRealm_wrongPasswordRefused(t *testing.T) {
	t.Parallel()
	r := New(t)
	r.Password = "not-" + r.Password
	if err := r.Kinit(filepath.Join(t.TempDir(), "cc")); err == nil {
		t.Fatal("kinit with a wrong password succeeded")
	}
}

func TestKerberosRealm_stopsWithTheTest(t *testing.T) {
	t.Parallel()
	var addr string
	t.Run("realm", func(t *testing.T) {
		addr = New(t).KDCAddr
	})
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Fatalf("the KDC still listens on %s after its test ended", addr)
	}
}

func TestRedact(t *testing.T) {
	got := redact([]string{"-r", "R", "create", "-s", "-P", "master", "-q", "addprinc -pw pass alice@R"})
	if strings.Contains(got, "master") || strings.Contains(got, "pass ") {
		t.Fatalf("redact left a secret in %q", got)
	}
}

// recorder stands in for a test to see whether Require skips or fails it.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skipf(format string, args ...any)  { r.skipped = fmt.Sprintf(format, args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

// Not parallel: it changes PATH, sbinDirs and the environment.
func TestRequire_missingPrograms(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	saved := sbinDirs
	sbinDirs = nil
	t.Cleanup(func() { sbinDirs = saved })

	t.Run("skips by default", func(t *testing.T) {
		t.Setenv(EnvRequire, "")
		rec := &recorder{TB: t}
		Require(rec)
		if rec.skipped == "" || rec.failed != "" {
			t.Fatalf("want a skip, got skipped=%q failed=%q", rec.skipped, rec.failed)
		}
		if !strings.Contains(rec.skipped, "apt-get install -y krb5-kdc krb5-admin-server krb5-user") {
			t.Errorf("the skip gives no install hint: %s", rec.skipped)
		}
	})
	t.Run("fails when CI demands a KDC", func(t *testing.T) {
		t.Setenv(EnvRequire, "1")
		rec := &recorder{TB: t}
		Require(rec)
		if rec.failed == "" || rec.skipped != "" {
			t.Fatalf("want a failure, got skipped=%q failed=%q", rec.skipped, rec.failed)
		}
		if !strings.Contains(rec.failed, "krb5kdc") || !strings.Contains(rec.failed, "apt-get") {
			t.Errorf("the failure does not say what is missing and how to get it: %s", rec.failed)
		}
	})
}
