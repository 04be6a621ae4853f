// Command mimcm-mock serves the fake MIM CM requests API of package mockapi
// over HTTP, for trying the provider by hand and for scripts:
//
//	mimcm-mock -listen 127.0.0.1:0 -seed-example -url-file /tmp/mock.url
//	mimcm-mock -seed requests-and-templates.json -policy-routes workflow
//	MIMCM_MOCK_NTLM_PASSWORD=... mimcm-mock -auth ntlm -ntlm-user svc-terraform -ntlm-domain CONTOSO
//	mimcm-mock -auth negotiate -keytab http.keytab -spn HTTP/127.0.0.1
//	mimcm-mock -chaos-seed 7 -chaos-rate 429=0.05,503=0.05,500=0.02,reset=0.03,truncate=0.02,html=0.03 \
//	           -chaos-retry-after 0,1 -chaos-latency 5ms-100ms
//	mimcm-mock -chaos-storm 10s -chaos-storm-burst 12 -chaos-storm-calm 20 -chaos-retry-after 1
//
// It serves until SIGINT or SIGTERM; the README describes its flags and its
// admin routes under /_mock/. Secrets are never printed; give them in the
// environment, since flags show up in process listings.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// version is set by release builds through -ldflags "-X main.version=...".
var version = "dev"

// Environment variables that hold the secrets, out of process listings.
const (
	envBasicPassword = "MIMCM_MOCK_BASIC_PASSWORD"
	envBearerToken   = "MIMCM_MOCK_BEARER_TOKEN"
	envNTLMPassword  = "MIMCM_MOCK_NTLM_PASSWORD"
)

// authMTLS demands a client certificate signed by -client-ca; the other
// methods are the client's (mimcm.Auth*).
const authMTLS = "mtls"

var authMethods = []string{mimcm.AuthNone, mimcm.AuthBasic, mimcm.AuthBearer, mimcm.AuthNTLM, mimcm.AuthNegotiate, authMTLS}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "mimcm-mock:", err)
		os.Exit(1)
	}
}

// errUsage marks errors the flag package has already reported.
var errUsage = errors.New("usage error")

// stringList is a flag that can be given more than once.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// config is what the flags and the environment ask for.
type config struct {
	listen          string
	allowRemote     bool
	basePath        string
	seedExample     bool
	seedFiles       stringList
	basicUser       string
	basicPassword   string
	bearerToken     string
	auth            string
	ntlmUser        string
	ntlmDomain      string
	ntlmPassword    string
	keytabFile      string // -auth negotiate
	spn             string // -auth negotiate
	tlsCert         string // serve https with this certificate...
	tlsKey          string // ...and key
	clientCA        string // -auth mtls
	pendingOnCreate bool
	policyRoutes    string
	executingPolls  int
	chaos           mockapi.Chaos
	urlFile         string
	showVersion     bool
}

func parseFlags(args []string, stderr io.Writer, getenv func(string) string) (config, error) {
	var c config
	fs := flag.NewFlagSet("mimcm-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: mimcm-mock [flags]\n\nServes a fake MIM CM requests API; admin routes under /_mock/.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&c.listen, "listen", "127.0.0.1:8080", "`address` to listen on; port 0 picks a free port")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "allow a -listen address that is not loopback (the mock has no real security)")
	fs.StringVar(&c.basePath, "base-path", mimcm.DefaultBasePath, "`path` the API is served under")
	fs.BoolVar(&c.seedExample, "seed-example", false, "seed the reference request "+string(mockapi.ExampleRequestID)+
		" (Approved) and the example profile templates VPN User, Smart Card Logon and Virtual Smart Card")
	fs.Var(&c.seedFiles, "seed", "seed requests and profile templates from a JSON `file`: an array of wire-form requests, one, "+
		`or {"requests":[...],"profile_templates":[...]}; repeatable`)
	fs.StringVar(&c.basicUser, "basic-user", "", "demand HTTP Basic authentication with this `user`")
	fs.StringVar(&c.basicPassword, "basic-password", "", "the Basic password (default from "+envBasicPassword+")")
	fs.StringVar(&c.bearerToken, "bearer-token", "", "demand this bearer `token` (default from "+envBearerToken+")")
	fs.StringVar(&c.auth, "auth", "", "the `method` the API demands: "+strings.Join(authMethods, ", ")+
		" (default none, or what -basic-user and -bearer-token imply)")
	fs.StringVar(&c.ntlmUser, "ntlm-user", "", "with -auth ntlm: the `user`, or DOMAIN\\user")
	fs.StringVar(&c.ntlmDomain, "ntlm-domain", "", "with -auth ntlm: the user's `domain`")
	fs.StringVar(&c.ntlmPassword, "ntlm-password", "", "the NTLM password (default from "+envNTLMPassword+")")
	fs.StringVar(&c.keytabFile, "keytab", "", "with -auth negotiate: the service's keytab `file` (kadmin's ktadd, or ktpass)")
	fs.StringVar(&c.spn, "spn", "", "with -auth negotiate: the service `principal` tokens must be for, such as HTTP/127.0.0.1 (default: any in the keytab)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "serve https with the PEM certificate in `file` (with -tls-key)")
	fs.StringVar(&c.tlsKey, "tls-key", "", "the PEM private key `file` of -tls-cert")
	fs.StringVar(&c.clientCA, "client-ca", "", "with -auth mtls: the PEM `file` of the CA that signs client certificates")
	fs.BoolVar(&c.pendingOnCreate, "pending-on-create", false, "created requests start Pending instead of Approved where no workflow policy decides")
	fs.StringVar(&c.policyRoutes, "policy-routes", string(mockapi.PolicyRoutesPolicies), "the workflow policy routes served (`forms`): "+
		"policies (profiletemplates/{id}/policies/{type} and /policies/{policyId}), workflow (profiletemplates/{id}/policy/workflow/{type} "+
		"and /policies/{policyId}) or all")
	fs.IntVar(&c.executingPolls, "executing-polls", 0, "a completed request stays Executing for `n` GETs")
	fs.Uint64Var(&c.chaos.Seed, "chaos-seed", 0, "`seed` of -chaos-rate's random stream: the same seed fails the same calls")
	fs.Func("chaos-rate", "fail API calls at random: comma-separated `KIND=P`, KIND an HTTP status (429, 500, 502, 503, 504 ...) "+
		"or reset, truncate, html, lost_put, P a probability; repeatable", c.chaos.SetRates)
	fs.Func("chaos-retry-after", "comma-separated Retry-After `values` for chaos's 429 and 503 answers, such as 0,1", func(v string) error {
		c.chaos.RetryAfter = append(c.chaos.RetryAfter, strings.Split(v, ",")...)
		return nil
	})
	fs.Func("chaos-latency", "random latency `MIN-MAX` (or MAX) added to every API call, such as 5ms-100ms", func(v string) error {
		lo, hi, ok := strings.Cut(v, "-")
		if !ok {
			lo, hi = "0s", v
		}
		var err error
		if c.chaos.LatencyMin, err = time.ParseDuration(lo); err == nil {
			c.chaos.LatencyMax, err = time.ParseDuration(hi)
		}
		return err
	})
	fs.DurationVar(&c.chaos.Storm.Duration, "chaos-storm", 0, "a throttling storm of this `duration` from the first API call: bursts of "+
		"-chaos-storm-burst failed calls, whichever arrive, between -chaos-storm-calm calls let through")
	fs.IntVar(&c.chaos.Storm.Burst, "chaos-storm-burst", 12, "calls failed in a row by each burst of -chaos-storm (`n`)")
	fs.IntVar(&c.chaos.Storm.Calm, "chaos-storm-calm", 20, "calls let through between two bursts of -chaos-storm (`n`)")
	fs.IntVar(&c.chaos.Storm.Calls, "chaos-storm-calls", 0, "end -chaos-storm after this many calls (`n`), if its duration has not ended it first; 0: no limit")
	fs.Func("chaos-storm-statuses", "comma-separated HTTP `statuses` a -chaos-storm answers with, in turn (default 429,502,503,504), "+
		"with -chaos-retry-after's values as Retry-After", func(v string) error {
		for item := range strings.SplitSeq(v, ",") {
			code, err := strconv.Atoi(strings.TrimSpace(item))
			if err != nil {
				return fmt.Errorf("%q is not an HTTP status", item)
			}
			c.chaos.Storm.Statuses = append(c.chaos.Storm.Statuses, code)
		}
		return nil
	})
	fs.StringVar(&c.urlFile, "url-file", "", "after listening, write the server's base URL to `file` (removed on exit)")
	fs.BoolVar(&c.showVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mimcm-mock: unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return c, errUsage
	}
	passwordFlag := false
	fs.Visit(func(f *flag.Flag) { passwordFlag = passwordFlag || f.Name == "basic-password" })
	if c.basicPassword == "" {
		c.basicPassword = getenv(envBasicPassword)
	}
	if c.bearerToken == "" {
		c.bearerToken = getenv(envBearerToken)
	}
	switch {
	case passwordFlag && c.basicUser == "":
		return c, errors.New("-basic-password needs -basic-user")
	case c.basicUser != "" && c.basicPassword == "":
		return c, fmt.Errorf("-basic-user needs a password: set %s or pass -basic-password", envBasicPassword)
	case c.executingPolls < 0 || c.executingPolls > mockapi.MaxExecutingPolls:
		return c, fmt.Errorf("-executing-polls %d: want 0 to %d", c.executingPolls, mockapi.MaxExecutingPolls)
	}
	if _, err := mockapi.ParsePolicyRoutes(c.policyRoutes); err != nil || c.policyRoutes == "" {
		return c, fmt.Errorf("-policy-routes %q: want %s", c.policyRoutes, strings.Join(mockapi.PolicyRouteNames(), ", "))
	}
	if c.chaos.Storm.Duration == 0 && len(c.chaos.Storm.Statuses) == 0 {
		c.chaos.Storm = mockapi.Storm{} // the burst and calm defaults mean nothing without a storm
	}
	if err := c.chaos.Validate(); err != nil {
		return c, fmt.Errorf("-chaos-*: %w", err)
	}
	if _, err := mimcm.ParseBasePath(c.basePath); err != nil {
		return c, fmt.Errorf("-base-path: %w", err)
	}
	ntlmFlags := false
	fs.Visit(func(f *flag.Flag) { ntlmFlags = ntlmFlags || strings.HasPrefix(f.Name, "ntlm-") })
	if c.auth != mimcm.AuthNTLM && ntlmFlags {
		return c, errors.New("-ntlm-user, -ntlm-domain and -ntlm-password need -auth ntlm")
	}
	if c.auth != mimcm.AuthNegotiate && (c.keytabFile != "" || c.spn != "") {
		return c, errors.New("-keytab and -spn need -auth negotiate")
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return c, errors.New("-tls-cert and -tls-key go together")
	}
	if c.auth != authMTLS && c.clientCA != "" {
		return c, errors.New("-client-ca needs -auth mtls")
	}
	if c.ntlmPassword == "" && c.auth == mimcm.AuthNTLM {
		c.ntlmPassword = getenv(envNTLMPassword)
	}
	return c, c.checkAuth()
}

// checkAuth checks that -auth has the secrets it needs. -basic-user and
// -bearer-token demand Basic and Bearer without -auth too.
func (c config) checkAuth() error {
	switch c.auth {
	case "":
	case mimcm.AuthNone:
		if c.basicUser != "" || c.bearerToken != "" {
			return fmt.Errorf("-auth none, but -basic-user, -bearer-token or %s asks for authentication", envBearerToken)
		}
	case mimcm.AuthBasic:
		if c.basicUser == "" {
			return fmt.Errorf("-auth basic needs -basic-user, and a password in %s or -basic-password", envBasicPassword)
		}
	case mimcm.AuthBearer:
		if c.bearerToken == "" {
			return fmt.Errorf("-auth bearer needs a token: set %s or pass -bearer-token", envBearerToken)
		}
	case mimcm.AuthNTLM:
		if c.ntlmUser == "" {
			return errors.New("-auth ntlm needs -ntlm-user")
		}
		if c.ntlmPassword == "" {
			return fmt.Errorf("-auth ntlm needs a password: set %s or pass -ntlm-password", envNTLMPassword)
		}
	case mimcm.AuthNegotiate:
		if c.keytabFile == "" {
			return errors.New("-auth negotiate needs -keytab, the service's keytab file")
		}
	case authMTLS:
		if c.clientCA == "" || c.tlsCert == "" {
			return errors.New("-auth mtls needs -client-ca, and -tls-cert and -tls-key to serve https")
		}
	default:
		return fmt.Errorf("-auth %q: want one of %s", c.auth, strings.Join(authMethods, ", "))
	}
	return nil
}

// authenticators are the schemes -auth demands beyond Basic and Bearer.
func (c config) authenticators() []mockapi.Authenticator {
	switch c.auth {
	case mimcm.AuthNTLM:
		return []mockapi.Authenticator{mockapi.NTLMAuthenticator(c.ntlmUser, c.ntlmPassword, c.ntlmDomain)}
	}
	return nil
}

func negotiateAuthenticator(keytabFile, spn string) (mockapi.Authenticator, error) {
	kt, err := os.ReadFile(keytabFile)
	if err != nil {
		return nil, fmt.Errorf("-keytab: %w", err)
	}
	a, err := mockapi.NegotiateAuthenticator(kt, spn)
	if err != nil {
		return nil, fmt.Errorf("-keytab %s: %w", keytabFile, err)
	}
	return a, nil
}

// tlsConfig loads the server certificate and, for -auth mtls, the client CA.
func (c config) tlsConfig() (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.tlsCert, c.tlsKey)
	if err != nil {
		return nil, fmt.Errorf("-tls-cert/-tls-key: %w", err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if c.clientCA == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(c.clientCA)
	if err != nil {
		return nil, fmt.Errorf("-client-ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("-client-ca %s holds no PEM certificate", c.clientCA)
	}
	// Verify a certificate when one is sent; the API answers 403.7 to a
	// call without one, as IIS does, rather than failing the handshake.
	tc.ClientCAs, tc.ClientAuth = pool, tls.VerifyClientCertIfGiven
	return tc, nil
}

// checkLoopback refuses addresses other hosts could reach.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %q: it is not a loopback address, and anyone who can reach the mock "+
		"can read and change its requests, faults and settings through /_mock/ without credentials; "+
		"listen on 127.0.0.1, or pass -allow-remote if you really mean it", addr)
}

// run parses args, starts the mock and serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	c, err := parseFlags(args, stderr, getenv)
	if err != nil {
		return err
	}
	if c.showVersion {
		fmt.Fprintln(stdout, "mimcm-mock", version)
		return nil
	}
	if err := checkLoopback(c.listen); err != nil {
		if !c.allowRemote {
			return err
		}
		fmt.Fprintf(stderr, "mimcm-mock: warning: listening on %s, which other hosts may reach (-allow-remote)\n", c.listen)
	}

	auths := c.authenticators()
	if c.auth == mimcm.AuthNegotiate {
		neg, err := negotiateAuthenticator(c.keytabFile, c.spn)
		if err != nil {
			return err
		}
		auths = append(auths, neg)
	}
	m := mockapi.New(mockapi.Options{
		BasePath:          c.basePath,
		BasicUser:         c.basicUser,
		BasicPassword:     c.basicPassword,
		BearerToken:       c.bearerToken,
		Auth:              auths,
		RequireClientCert: c.auth == authMTLS,
		PendingOnCreate:   c.pendingOnCreate,
		PolicyRoutes:      mockapi.PolicyRoutes(strings.ToLower(c.policyRoutes)),
	})
	m.SetExecutingPolls(c.executingPolls)
	if err := m.SetChaos(c.chaos); err != nil {
		return err
	}
	if c.seedExample {
		seeds := mockapi.Seeds{Requests: []mimcm.Request{mockapi.ExampleRequest()}, ProfileTemplates: mockapi.ExampleProfileTemplates()}
		if err := m.SeedAll(seeds); err != nil {
			return fmt.Errorf("-seed-example: %w", err)
		}
	}
	for _, path := range c.seedFiles {
		seeds, err := mockapi.LoadSeedFile(path)
		if err != nil {
			return err
		}
		if err := m.SeedAll(seeds); err != nil {
			return fmt.Errorf("seed file %s: %w", path, err)
		}
	}

	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	srv := &http.Server{Handler: m, ConnContext: m.ConnContext, ReadHeaderTimeout: 10 * time.Second}
	if c.tlsCert != "" {
		tc, err := c.tlsConfig()
		if err != nil {
			ln.Close()
			return err
		}
		m.ConfigureTLS(srv, tc) // HTTP/2 as IIS offers it
		ln = tls.NewListener(ln, tc)
		url = "https://" + ln.Addr().String()
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if c.urlFile != "" {
		if err := writeFileAtomically(c.urlFile, url); err != nil {
			_ = srv.Close()
			return fmt.Errorf("-url-file: %w", err)
		}
		defer os.Remove(c.urlFile)
	}
	fmt.Fprintf(stdout, "mimcm-mock listening on %s (API at %s, admin at /_mock/)\n", url, displayBasePath(m.BasePath()))

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	fmt.Fprintln(stdout, "mimcm-mock stopped")
	return nil
}

func displayBasePath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// writeFileAtomically writes through a temporary file and a rename, so that
// a script polling for the file never reads half of it.
func writeFileAtomically(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mimcm-mock-url-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
