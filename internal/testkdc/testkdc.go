// Package testkdc starts a throw-away MIT Kerberos realm for tests: a KDC
// on a free loopback port, a user principal with a password and a keytab,
// an HTTP service principal with a keytab, and a credential cache from
// kinit, all inside the test's temporary directory.
//
// It needs Debian's krb5-kdc, krb5-admin-server and krb5-user packages
// (krb5kdc, kdb5_util, kadmin.local, kinit). Without them a test is skipped
// with an install hint, unless MIMCM_TEST_KERBEROS=1 is set (as CI does),
// in which case it fails: there, a missing KDC must never pass unnoticed.
//
// Only tests import this package.
package testkdc

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// EnvRequire names the environment variable that turns a missing KDC from
// a skip into a failure.
const EnvRequire = "MIMCM_TEST_KERBEROS"

// installHint says how to get the programs the realm needs.
const installHint = "install them with: sudo apt-get install -y krb5-kdc krb5-admin-server krb5-user " +
	"(on Debian and Ubuntu they live in /usr/sbin, which this package searches too)"

// Defaults of a realm.
const (
	DefaultRealm   = "MIMCM.TEST"
	DefaultUser    = "alice"
	DefaultService = "HTTP/127.0.0.1"
)

// programs the realm needs, looked up on PATH and in sbinDirs.
var programs = []string{"krb5kdc", "kdb5_util", "kadmin.local", "kinit"}

// sbinDirs are searched after PATH: Debian installs krb5kdc, kdb5_util and
// kadmin.local there, and a user's PATH often lacks them.
var sbinDirs = []string{"/usr/sbin", "/sbin", "/usr/local/sbin"}

// Options shape a realm; the zero value gives DefaultRealm with tickets
// that last ten hours.
type Options struct {
	// Realm is the realm's name; DefaultRealm when empty.
	Realm string
	// TicketLifetime caps how long tickets last (the realm's max_life and
	// the configuration's ticket_lifetime); ten hours when zero. MIT's KDC
	// honours lifetimes of a few seconds, which lets tests watch tickets
	// expire.
	TicketLifetime time.Duration
	// RenewableLifetime is how long tickets may be renewed for (the realm's
	// max_renewable_life); zero makes tickets not renewable.
	RenewableLifetime time.Duration
}

// Realm is a running throw-away realm. Its fields describe it; the files
// it names live in Dir and disappear with the test.
type Realm struct {
	// Name is the realm's name, e.g. "MIMCM.TEST".
	Name string
	// Dir is the temporary directory holding the realm's files.
	Dir string
	// KDCAddr is the KDC's "127.0.0.1:port", for TCP and UDP.
	KDCAddr string
	// Krb5Conf is the content of a krb5.conf for clients of the realm;
	// Krb5ConfPath is a file holding it.
	Krb5Conf     string
	Krb5ConfPath string
	// User and Password are the user principal's name (without realm) and
	// password; UserKeytab holds the same keys (UserKeytabPath is its file).
	User           string
	Password       string
	UserKeytab     []byte
	UserKeytabPath string
	// SPN is the service principal (without realm), DefaultService;
	// ServiceKeytab holds its keys (ServiceKeytabPath is its file).
	SPN               string
	ServiceKeytab     []byte
	ServiceKeytabPath string
	// CCachePath is a file credential cache into which kinit logged the user in.
	CCachePath string

	kdcProfile string
}

// Principal returns the user's full principal name, "alice@MIMCM.TEST".
func (r *Realm) Principal() string { return r.User + "@" + r.Name }

// Available reports whether the KDC programs are installed, with an error
// naming the missing ones and how to install them.
func Available() error {
	var missing []string
	for _, p := range programs {
		if _, err := lookPath(p); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the MIT Kerberos programs %s are not installed; %s", strings.Join(missing, ", "), installHint)
	}
	return nil
}

// Require skips t when the KDC programs are missing, or fails it when
// MIMCM_TEST_KERBEROS=1 demands them.
func Require(t testing.TB) {
	t.Helper()
	err := Available()
	if err == nil {
		return
	}
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("%v (%s=1 makes this a failure instead of a skip)", err, EnvRequire)
		return
	}
	t.Skipf("skipping a Kerberos test: %v; set %s=1 to make this a failure", err, EnvRequire)
}

// New creates and starts a realm with the default options; see NewWithOptions.
func New(t testing.TB) *Realm {
	t.Helper()
	return NewWithOptions(t, Options{})
}

// NewWithOptions creates a realm in t.TempDir(), starts its KDC and stops
// it when t ends. It skips or fails t as Require does when the programs
// are missing.
func NewWithOptions(t testing.TB, opts Options) *Realm {
	t.Helper()
	Require(t)
	if opts.Realm == "" {
		opts.Realm = DefaultRealm
	}
	if opts.TicketLifetime <= 0 {
		opts.TicketLifetime = 10 * time.Hour
	}
	var lastErr error
	// A free port can be taken by someone else before the KDC binds it:
	// then start over with another.
	for attempt := 0; attempt < 3; attempt++ {
		r, err := create(t, opts)
		if err != nil {
			t.Fatalf("creating the Kerberos realm %s: %v", opts.Realm, err)
		}
		if lastErr = r.startKDC(t); lastErr == nil {
			r.kinit(t)
			return r
		}
	}
	t.Fatalf("starting krb5kdc for realm %s: %v", opts.Realm, lastErr)
	return nil
}

// create writes the configuration, creates the database and the
// principals, and exports the keytabs.
func create(t testing.TB, opts Options) (*Realm, error) {
	t.Helper()
	dir := t.TempDir()
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	r := &Realm{
		Name:              opts.Realm,
		Dir:               dir,
		KDCAddr:           net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Krb5ConfPath:      filepath.Join(dir, "krb5.conf"),
		User:              DefaultUser,
		Password:          randomSecret(),
		UserKeytabPath:    filepath.Join(dir, "user.keytab"),
		SPN:               DefaultService,
		ServiceKeytabPath: filepath.Join(dir, "service.keytab"),
		CCachePath:        filepath.Join(dir, "ccache"),
		kdcProfile:        filepath.Join(dir, "kdc.conf"),
	}
	r.Krb5Conf = krb5Conf(r.Name, r.KDCAddr, opts)
	if err := os.WriteFile(r.Krb5ConfPath, []byte(r.Krb5Conf), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(r.kdcProfile, []byte(kdcConf(r.Name, dir, port, opts)), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "kadm5.acl"), nil, 0o600); err != nil {
		return nil, err
	}
	if _, err := r.run("kdb5_util", "-r", r.Name, "create", "-s", "-P", randomSecret()); err != nil {
		return nil, err
	}
	for _, q := range []string{
		fmt.Sprintf("addprinc -pw %s %s", r.Password, r.Principal()),
		fmt.Sprintf("addprinc -randkey %s@%s", r.SPN, r.Name),
		fmt.Sprintf("ktadd -k %s %s@%s", r.ServiceKeytabPath, r.SPN, r.Name),
		// -norandkey keeps the password working beside the keytab.
		fmt.Sprintf("ktadd -norandkey -k %s %s", r.UserKeytabPath, r.Principal()),
	} {
		if _, err := r.KAdmin(q); err != nil {
			return nil, err
		}
	}
	if r.ServiceKeytab, err = os.ReadFile(r.ServiceKeytabPath); err != nil {
		return nil, err
	}
	if r.UserKeytab, err = os.ReadFile(r.UserKeytabPath); err != nil {
		return nil, err
	}
	return r, nil
}

// krb5Conf is the clients' configuration: TCP only (udp_preference_limit
// = 1), no DNS, the KDC on the loopback port.
func krb5Conf(realm, kdcAddr string, opts Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[libdefaults]\n")
	fmt.Fprintf(&b, "  default_realm = %s\n", realm)
	fmt.Fprintf(&b, "  dns_lookup_kdc = false\n  dns_lookup_realm = false\n  rdns = false\n")
	fmt.Fprintf(&b, "  udp_preference_limit = 1\n")
	fmt.Fprintf(&b, "  ticket_lifetime = %ds\n", int(opts.TicketLifetime.Seconds()))
	if opts.RenewableLifetime > 0 {
		fmt.Fprintf(&b, "  renew_lifetime = %ds\n", int(opts.RenewableLifetime.Seconds()))
	}
	fmt.Fprintf(&b, "\n[realms]\n  %s = {\n    kdc = %s\n  }\n", realm, kdcAddr)
	fmt.Fprintf(&b, "\n[domain_realm]\n  127.0.0.1 = %s\n  localhost = %s\n", realm, realm)
	return b.String()
}

// kdcConf is the KDC's profile, with everything inside dir. Principals
// require pre-authentication, as Active Directory's do, so that a wrong
// password is refused by the KDC itself.
func kdcConf(realm, dir string, port int, opts Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[kdcdefaults]\n  kdc_ports = %d\n  kdc_tcp_ports = %d\n\n", port, port)
	fmt.Fprintf(&b, "[realms]\n  %s = {\n", realm)
	fmt.Fprintf(&b, "    database_name = %s\n", filepath.Join(dir, "principal"))
	fmt.Fprintf(&b, "    key_stash_file = %s\n", filepath.Join(dir, "stash"))
	fmt.Fprintf(&b, "    acl_file = %s\n", filepath.Join(dir, "kadm5.acl"))
	fmt.Fprintf(&b, "    kdc_ports = %d\n    kdc_tcp_ports = %d\n", port, port)
	fmt.Fprintf(&b, "    max_life = %ds\n", int(opts.TicketLifetime.Seconds()))
	fmt.Fprintf(&b, "    max_renewable_life = %ds\n", int(opts.RenewableLifetime.Seconds()))
	fmt.Fprintf(&b, "    default_principal_flags = +preauth\n")
	fmt.Fprintf(&b, "  }\n\n[logging]\n  kdc = FILE:%s\n", filepath.Join(dir, "kdc.log"))
	return b.String()
}

// startKDC starts krb5kdc in the foreground of a child process, waits
// until it accepts TCP connections, and stops it when t ends.
func (r *Realm) startKDC(t testing.TB) error {
	t.Helper()
	bin, err := lookPath("krb5kdc")
	if err != nil {
		return err
	}
	pidFile := filepath.Join(r.Dir, "krb5kdc.pid")
	var out bytes.Buffer
	cmd := exec.Command(bin, "-n", "-r", r.Name, "-P", pidFile)
	cmd.Env = r.env()
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited: //nolint:errcheck // asked to stop: how it exited does not matter
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited //nolint:errcheck // killed: how it exited does not matter
		}
	}

	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("krb5kdc exited (%v): %s%s", err, strings.TrimSpace(out.String()), r.kdcLogTail())
		default:
		}
		conn, err := net.DialTimeout("tcp", r.KDCAddr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			stop()
			return fmt.Errorf("krb5kdc did not listen on %s within 15s: %s%s", r.KDCAddr, strings.TrimSpace(out.String()), r.kdcLogTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(stop)
	return nil
}

// kinit logs the user in with the password into CCachePath.
func (r *Realm) kinit(t testing.TB) {
	t.Helper()
	if err := r.Kinit(r.CCachePath); err != nil {
		t.Fatal(err)
	}
}

// Kinit logs the user in with the password into a new file credential
// cache at path, with kinit's extra arguments (such as "-l", "5s").
func (r *Realm) Kinit(path string, extra ...string) error {
	bin, err := lookPath("kinit")
	if err != nil {
		return err
	}
	args := append(append([]string{"-c", "FILE:" + path}, extra...), r.Principal())
	cmd := exec.Command(bin, args...)
	cmd.Env = r.env()
	cmd.Stdin = strings.NewReader(r.Password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("kinit %s: %v: %s", r.Principal(), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// KAdmin runs one kadmin.local query against the realm's database, such as
// "addprinc -randkey HTTP/other.example".
func (r *Realm) KAdmin(query string) (string, error) {
	return r.run("kadmin.local", "-r", r.Name, "-q", query)
}

// run runs one of the realm's programs with the realm's environment.
func (r *Realm) run(name string, args ...string) (string, error) {
	bin, err := lookPath(name)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = r.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %v: %s", name, redact(args), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// env points the MIT programs at the realm's files only.
func (r *Realm) env() []string {
	env := []string{
		"KRB5_CONFIG=" + r.Krb5ConfPath,
		"KRB5_KDC_PROFILE=" + r.kdcProfile,
		"KRB5CCNAME=FILE:" + filepath.Join(r.Dir, "ccache.default"),
		"KRB5_KTNAME=FILE:" + filepath.Join(r.Dir, "default.keytab"),
		"PATH=" + os.Getenv("PATH"),
	}
	if home := os.Getenv("HOME"); home != "" {
		env = append(env, "HOME="+home)
	}
	return env
}

// Log returns what the KDC has logged so far: one line per AS_REQ and
// TGS_REQ, with ISSUE for a ticket issued, which lets tests count logins.
func (r *Realm) Log() string {
	b, _ := os.ReadFile(filepath.Join(r.Dir, "kdc.log"))
	return string(b)
}

// Issued counts the tickets the KDC has issued for requests of kind
// "AS_REQ" (logins) or "TGS_REQ" (service tickets and renewals).
func (r *Realm) Issued(kind string) int {
	n := 0
	for _, line := range strings.Split(r.Log(), "\n") {
		if strings.Contains(line, kind) && strings.Contains(line, ": ISSUE:") {
			n++
		}
	}
	return n
}

func (r *Realm) kdcLogTail() string {
	b, err := os.ReadFile(filepath.Join(r.Dir, "kdc.log"))
	if err != nil || len(b) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return "; kdc.log: " + strings.Join(lines, " | ")
}

// freePort finds a port on 127.0.0.1 that is free for both TCP and UDP,
// as the KDC listens on both.
func freePort() (int, error) {
	for attempt := 0; attempt < 20; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := ln.Addr().(*net.TCPAddr).Port //nolint:forcetypeassert // a "tcp" listener's address is a *net.TCPAddr
		pc, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		ln.Close()
		if err != nil {
			continue
		}
		pc.Close()
		return port, nil
	}
	return 0, errors.New("found no port on 127.0.0.1 free for both TCP and UDP")
}

// lookPath finds a program on PATH or in the sbin directories, where
// Debian installs the KDC's programs but which a user's PATH often lacks.
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range sbinDirs {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on PATH or in /usr/sbin; %s", name, installHint)
}

func randomSecret() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// redact joins args for an error message with the passwords after -P and
// -pw masked.
func redact(args []string) string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if i > 0 && args[i-1] == "-P" {
			a = "***"
		}
		fields := strings.Fields(a)
		for j := 1; j < len(fields); j++ {
			if fields[j-1] == "-pw" {
				fields[j] = "***"
			}
		}
		if len(fields) > 1 {
			a = strings.Join(fields, " ")
		}
		out = append(out, a)
	}
	return strings.Join(out, " ")
}
