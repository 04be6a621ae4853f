package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// started is a mock run by run() in the background.
type started struct {
	url            string
	stdout, stderr *syncBuffer
	stop           func() error
}

// start runs the command with args plus -listen 127.0.0.1:0 and -url-file,
// and waits until it listens.
func start(t *testing.T, getenv func(string) string, args ...string) *started {
	t.Helper()
	urlFile := filepath.Join(t.TempDir(), "mock.url")
	args = append([]string{"-listen", "127.0.0.1:0", "-url-file", urlFile}, args...)
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, s.stdout, s.stderr, getenv) }()
	s.stop = sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("run did not return within 10s of the signal")
		}
	})
	t.Cleanup(func() { _ = s.stop() })

	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(urlFile); err == nil {
			s.url = string(b)
			break
		}
		select {
		case err := <-done:
			t.Fatalf("run returned before listening: %v (stderr: %s)", err, s.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no URL file after 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return s
}

func get(t *testing.T, url string, header ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func TestRun_servesSeededExample(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "mock.url")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-seed-example", "-url-file", urlFile}, &stdout, &stderr, env(nil))
	}()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == ""; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(urlFile); err == nil {
			url = string(b)
		} else if time.Now().After(deadline) {
			t.Fatalf("no URL file after 10s (stderr: %s)", stderr.String())
		}
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*$`).MatchString(url) {
		t.Fatalf("URL file holds %q", url)
	}
	if got, want := stdout.String(), "mimcm-mock listening on "+url+" (API at /CertificateManagement/api/v1.0, admin at /_mock/)\n"; got != want {
		t.Fatalf("stdout:\n want %q\n got  %q", want, got)
	}

	status, body := get(t, url+"/CertificateManagement/api/v1.0/requests/"+string(mockapi.ExampleRequestID))
	if status != http.StatusOK {
		t.Fatalf("GET the example: %d %s", status, body)
	}
	var r mimcm.Request
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	if want := mockapi.ExampleRequest(); r.Uuid != want.Uuid || r.Status != mimcm.StatusApproved || r.SecurityDescriptor != want.SecurityDescriptor {
		t.Fatalf("served %+v", r)
	}
	status, body = get(t, url+"/CertificateManagement/api/v1.0/profiletemplates?targetuser=current")
	var templates []struct{ Name, Uuid string }
	if err := json.Unmarshal(body, &templates); status != http.StatusOK || err != nil || len(templates) != 3 ||
		templates[0].Uuid != string(mockapi.ExampleSmartCardLogonTemplateID) || templates[1].Uuid != string(mockapi.ExampleVirtualSmartCardTemplateID) ||
		templates[2].Uuid != string(mockapi.ExampleVPNUserTemplateID) {
		t.Fatalf("GET the example templates: %d %s", status, body)
	}
	status, body = get(t, url+"/CertificateManagement/api/v1.0/profiletemplates/"+string(mockapi.ExampleVPNUserTemplateID)+"/policies/Enroll")
	if status != http.StatusOK || !strings.Contains(string(body), `"ApprovalsNeeded":1`) {
		t.Fatalf("GET VPN User's Enroll policy: %d %s", status, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10s of the signal")
	}
	if !strings.HasSuffix(stdout.String(), "\nmimcm-mock stopped\n") {
		t.Fatalf("stdout after stop: %q", stdout.String())
	}
	if _, err := os.Stat(urlFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("URL file left behind: %v", err)
	}
	if stderr.String() != "" {
		t.Fatalf("stderr: %q", stderr.String())
	}
}

func TestRun_optionsAndSecrets(t *testing.T) {
	const password, token = "pa55-w0rd-from-env", "token-from-flag"
	seed := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`[{"Uuid":"0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b","Status":16}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	s := start(t, env(map[string]string{envBasicPassword: password}),
		"-base-path", "/cm/api/v2", "-seed", seed, "-seed-example",
		"-basic-user", "svc", "-bearer-token", token,
		"-pending-on-create", "-executing-polls", "3")

	api := s.url + "/cm/api/v2/requests/0b6a0f0e-5b7e-4a4e-9f5e-0c8f1d2e3a4b"
	if status, _ := get(t, api); status != http.StatusUnauthorized {
		t.Fatalf("without credentials: %d", status)
	}
	if status, _ := get(t, api, "Authorization", "Bearer "+token); status != http.StatusOK {
		t.Fatalf("with the bearer token: %d", status)
	}
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth("svc", password)
	if status, _ := get(t, api, "Authorization", req.Header.Get("Authorization")); status != http.StatusOK {
		t.Fatalf("with the Basic password from the environment: %d", status)
	}
	if status, _ := get(t, s.url+"/cm/api/v2/requests/"+string(mockapi.ExampleRequestID), "Authorization", "Bearer "+token); status != http.StatusOK {
		t.Fatalf("the example is not seeded too: %d", status)
	}
	status, body := get(t, s.url+"/_mock/settings")
	if want := `{"latency_ms":0,"put_no_content":false,"executing_polls":3,"pending_on_create":true,"policy_routes":"policies"}`; status != 200 || string(body) != want {
		t.Fatalf("settings: %d %s", status, body)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	if want := "mimcm-mock listening on " + s.url + " (API at /cm/api/v2, admin at /_mock/)\nmimcm-mock stopped\n"; s.stdout.String() != want {
		t.Fatalf("stdout:\n want %q\n got  %q", want, s.stdout.String())
	}
	for _, out := range []string{s.stdout.String(), s.stderr.String()} {
		if strings.Contains(out, password) || strings.Contains(out, token) {
			t.Fatalf("a secret was printed: %q", out)
		}
	}
}

// TestRun_seedFileAndPolicyRoutes seeds from a file in the object form,
// serves the older walkthrough's policy route, and approves a request
// through the admin route.
func TestRun_seedFileAndPolicyRoutes(t *testing.T) {
	s := start(t, env(nil), "-seed", "testdata/seed.json", "-policy-routes", "workflow")
	api := s.url + mimcm.DefaultBasePath
	const template, pendingID = "6d1e0f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6", "6d1e0f3a-1b2c-4d5e-8f90-a1b2c3d4e501"
	if status, body := get(t, api+"/profiletemplates/"+template+"/policy/workflow/Enroll"); status != http.StatusOK || !strings.Contains(string(body), `"ApprovalsNeeded":1`) {
		t.Fatalf("policy/workflow/Enroll: %d %s", status, body)
	}
	if status, _ := get(t, api+"/profiletemplates/"+template+"/policies/Enroll"); status != http.StatusNotFound {
		t.Fatalf("policies/Enroll with -policy-routes workflow: %d, want 404", status)
	}
	if status, body := get(t, s.url+"/_mock/settings"); !strings.Contains(string(body), `"policy_routes":"workflow"`) {
		t.Fatalf("settings: %d %s", status, body)
	}
	resp, err := http.Post(s.url+"/_mock/requests/"+pendingID+"/approve", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var r mimcm.Request
	if err := json.Unmarshal(body, &r); resp.StatusCode != http.StatusOK || err != nil || r.Status != mimcm.StatusApproved {
		t.Fatalf("approve: %d %s", resp.StatusCode, body)
	}
}

// TestGuideSeedFile loads the seed file the testing guide shows, so that
// the guide never shows one mimcm-mock refuses.
func TestGuideSeedFile(t *testing.T) {
	seeds, err := mockapi.LoadSeedFile("../../examples/guides/testing-with-mimcm-mock/mock-seed-workflow.json")
	if err != nil {
		t.Fatal(err)
	}
	m := mockapi.New(mockapi.Options{})
	if err := m.SeedAll(seeds); err != nil {
		t.Fatal(err)
	}
	if got, err := m.Approve("66666666-6666-4666-8666-666666666666"); err != nil || got.Status != mimcm.StatusApproved {
		t.Fatalf("the guide's Pending request after one approval: %+v, %v", got, err)
	}
}

func TestRun_version(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-version"}, &stdout, &stderr, env(nil)); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); got != "mimcm-mock dev\n" {
		t.Fatalf("stdout %q", got)
	}
}

func TestRun_refused(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // the error, or "usage" for errUsage
	}{
		{"all interfaces", []string{"-listen", "0.0.0.0:0"}, nil,
			`refusing to listen on "0.0.0.0:0": it is not a loopback address, and anyone who can reach the mock can read and change its requests, faults and settings through /_mock/ without credentials; listen on 127.0.0.1, or pass -allow-remote if you really mean it`},
		{"no host", []string{"-listen", ":8080"}, nil,
			`refusing to listen on ":8080": it is not a loopback address, and anyone who can reach the mock can read and change its requests, faults and settings through /_mock/ without credentials; listen on 127.0.0.1, or pass -allow-remote if you really mean it`},
		{"no port", []string{"-listen", "127.0.0.1"}, nil, `-listen "127.0.0.1": address 127.0.0.1: missing port in address`},
		{"unknown flag", []string{"-nope"}, nil, "usage"},
		{"arguments", []string{"serve"}, nil, "usage"},
		{"password without user", []string{"-basic-password", "x"}, nil, "-basic-password needs -basic-user"},
		{"user without password", []string{"-basic-user", "svc"}, nil, "-basic-user needs a password: set MIMCM_MOCK_BASIC_PASSWORD or pass -basic-password"},
		{"negative polls", []string{"-executing-polls", "-1"}, nil, "-executing-polls -1: want 0 to 1000000"},
		{"polls beyond any test", []string{"-executing-polls", "2000000000"}, nil, "-executing-polls 2000000000: want 0 to 1000000"},
		{"relative base path", []string{"-base-path", "api"}, nil, `-base-path: "api" does not start with "/"; want a path such as /CertificateManagement/api/v1.0`},
		{"missing seed file", []string{"-seed", "/nonexistent/seed.json"}, nil, "seed file: open /nonexistent/seed.json: no such file or directory"},
		{"unknown auth method", []string{"-auth", "kerberos5"}, nil, `-auth "kerberos5": want one of none, basic, bearer, ntlm, negotiate, mtls`},
		{"auth mtls without a CA", []string{"-auth", "mtls"}, nil, "-auth mtls needs -client-ca, and -tls-cert and -tls-key to serve https"},
		{"client CA without auth mtls", []string{"-client-ca", "ca.pem"}, nil, "-client-ca needs -auth mtls"},
		{"certificate without key", []string{"-tls-cert", "cert.pem"}, nil, "-tls-cert and -tls-key go together"},
		{"unreadable certificate", []string{"-tls-cert", "/nonexistent/cert.pem", "-tls-key", "/nonexistent/key.pem"}, nil,
			"-tls-cert/-tls-key: open /nonexistent/cert.pem: no such file or directory"},
		{"auth none with a user", []string{"-auth", "none", "-basic-user", "svc"}, map[string]string{envBasicPassword: "pw"},
			"-auth none, but -basic-user, -bearer-token or MIMCM_MOCK_BEARER_TOKEN asks for authentication"},
		{"auth none with a token from the environment", []string{"-auth", "none"}, map[string]string{envBearerToken: "t"},
			"-auth none, but -basic-user, -bearer-token or MIMCM_MOCK_BEARER_TOKEN asks for authentication"},
		{"auth basic without a user", []string{"-auth", "basic"}, nil, "-auth basic needs -basic-user, and a password in MIMCM_MOCK_BASIC_PASSWORD or -basic-password"},
		{"auth bearer without a token", []string{"-auth", "bearer"}, nil, "-auth bearer needs a token: set MIMCM_MOCK_BEARER_TOKEN or pass -bearer-token"},
		{"auth ntlm without a user", []string{"-auth", "ntlm"}, map[string]string{envNTLMPassword: "pw"}, "-auth ntlm needs -ntlm-user"},
		{"auth ntlm without a password", []string{"-auth", "ntlm", "-ntlm-user", "svc"}, nil, "-auth ntlm needs a password: set MIMCM_MOCK_NTLM_PASSWORD or pass -ntlm-password"},
		{"ntlm user without auth ntlm", []string{"-ntlm-user", "svc"}, map[string]string{envNTLMPassword: "pw"}, "-ntlm-user, -ntlm-domain and -ntlm-password need -auth ntlm"},
		{"unknown policy routes", []string{"-policy-routes", "newest"}, nil, `-policy-routes "newest": want policies, workflow, all`},
		{"no policy routes", []string{"-policy-routes", ""}, nil, `-policy-routes "": want policies, workflow, all`},
		{"seed file with a bad template", []string{"-seed", "testdata/bad_template_seed.json"}, nil,
			"seed file testdata/bad_template_seed.json: profile_templates: profile template 1 of 1: Enroll policy: ApprovalsNeeded -1: want 0 (auto-approved) or more"},
		{"ntlm domain with auth basic", []string{"-auth", "basic", "-basic-user", "svc", "-ntlm-domain", "CONTOSO"}, map[string]string{envBasicPassword: "pw"},
			"-ntlm-user, -ntlm-domain and -ntlm-password need -auth ntlm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr, env(tt.env))
			switch {
			case tt.want == "usage":
				if !errors.Is(err, errUsage) {
					t.Fatalf("want a usage error, got %v", err)
				}
				if !strings.Contains(stderr.String(), "Usage: mimcm-mock [flags]") {
					t.Fatalf("no usage on stderr: %q", stderr.String())
				}
			case err == nil || err.Error() != tt.want:
				t.Fatalf("error:\n want %s\n got  %v", tt.want, err)
			}
			if strings.Contains(stdout.String(), "listening") {
				t.Fatalf("it listened: %q", stdout.String())
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"-h"}, &stdout, &stderr, env(nil))
		if !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("want flag.ErrHelp, got %v", err)
		}
		for _, f := range []string{"-listen", "-allow-remote", "-base-path", "-seed-example", "-seed", "-basic-user", "-basic-password", "-bearer-token", "-auth", "-ntlm-user", "-ntlm-domain", "-ntlm-password", "-keytab", "-spn", "-pending-on-create", "-policy-routes", "-executing-polls", "-url-file", "-version"} {
			if !strings.Contains(stderr.String(), "  "+f) {
				t.Errorf("help lacks %s", f)
			}
		}
	})
}

func TestCheckLoopback(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "127.8.9.10:80", "[::1]:8080", "localhost:0", "LOCALHOST:1"} {
		if err := checkLoopback(addr); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0", "10.0.0.1:80", "example.com:80"} {
		if err := checkLoopback(addr); err == nil {
			t.Errorf("%s accepted", addr)
		}
	}
}

func TestParseFlags_auth(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want config // only the auth fields are compared
	}{
		{"default", nil, nil, config{}},
		{"none", []string{"-auth", "none"}, nil, config{auth: mimcm.AuthNone}},
		{"basic implied", []string{"-basic-user", "svc"}, map[string]string{envBasicPassword: "pw"},
			config{basicUser: "svc", basicPassword: "pw"}},
		{"basic", []string{"-auth", "basic", "-basic-user", "svc"}, map[string]string{envBasicPassword: "pw"},
			config{auth: mimcm.AuthBasic, basicUser: "svc", basicPassword: "pw"}},
		{"bearer", []string{"-auth", "bearer"}, map[string]string{envBearerToken: "t"}, config{auth: mimcm.AuthBearer, bearerToken: "t"}},
		{"ntlm, password from the environment", []string{"-auth", "ntlm", "-ntlm-user", "svc", "-ntlm-domain", "CONTOSO"},
			map[string]string{envNTLMPassword: "pw"}, config{auth: mimcm.AuthNTLM, ntlmUser: "svc", ntlmDomain: "CONTOSO", ntlmPassword: "pw"}},
		{"ntlm, password flag wins", []string{"-auth", "ntlm", "-ntlm-user", `CONTOSO\svc`, "-ntlm-password", "flag"},
			map[string]string{envNTLMPassword: "env"}, config{auth: mimcm.AuthNTLM, ntlmUser: `CONTOSO\svc`, ntlmPassword: "flag"}},
		{"ntlm password in the environment, ntlm not asked for", nil, map[string]string{envNTLMPassword: "pw"}, config{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			c, err := parseFlags(tt.args, &stderr, env(tt.env))
			if err != nil {
				t.Fatalf("%v (stderr: %s)", err, stderr.String())
			}
			got := config{auth: c.auth, basicUser: c.basicUser, basicPassword: c.basicPassword, bearerToken: c.bearerToken,
				ntlmUser: c.ntlmUser, ntlmDomain: c.ntlmDomain, ntlmPassword: c.ntlmPassword}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want) {
				t.Fatalf("\n want %+v\n got  %+v", tt.want, got)
			}
		})
	}
}

// TestRun_ntlm demands NTLM: the API answers 401 offering NTLM, the
// client's NTLM gets through with the password from the environment, and
// a wrong password does not.
func TestRun_ntlm(t *testing.T) {
	const password = "ntlm-pa55-from-env"
	s := start(t, env(map[string]string{envNTLMPassword: password}),
		"-auth", "ntlm", "-ntlm-user", "svc-terraform", "-ntlm-domain", "CONTOSO", "-seed-example")

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.url+mimcm.DefaultBasePath+"/requests/"+string(mockapi.ExampleRequestID), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != "NTLM" {
		t.Fatalf("without credentials: want 401 offering NTLM, got %d %q", resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
	}

	for _, tt := range []struct {
		name, password string
		wantErr        error
	}{
		{"right password", password, nil},
		{"wrong password", "wrong", mimcm.ErrUnauthorized},
	} {
		c, err := mimcm.NewClient(mimcm.Config{Host: s.url, Auth: mimcm.NTLMAuth(`CONTOSO\svc-terraform`, tt.password, ""), MaxRetries: 0})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetRequest(t.Context(), mockapi.ExampleRequestID); !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: want %v, got %v", tt.name, tt.wantErr, err)
		}
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{s.stdout.String(), s.stderr.String()} {
		if strings.Contains(out, password) {
			t.Fatalf("the password was printed: %q", out)
		}
	}
}
