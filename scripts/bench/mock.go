package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
)

// seedBatch is how many requests one POST /_mock/requests seeds: with the
// reference request's security descriptor, 250 stay well within the 1 MiB
// the mock takes in one body.
const seedBatch = 250

// mockProcess is a running mimcm-mock and a client for its admin routes.
type mockProcess struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{}
	// admin keeps one connection open for the whole run, so that admin
	// calls never show up in the mock's count of new connections: the count
	// is zeroed over that connection and read back over it.
	admin *http.Client
	// referenceSDDL is the security descriptor of the reference request
	// the mock seeds with -seed-example, which the bench's seeds carry.
	referenceSDDL string
	// templates are the example profile templates the mock seeds with
	// -seed-example, in the admin routes' form: a reset forgets them, and
	// restart seeds them again.
	templates json.RawMessage
	// requestTemplate is the GUID of requestTemplateName among them.
	requestTemplate mimcm.GUID
}

// requestTemplateName is the example profile template mimcm_request's
// requests come from: its Enroll policy approves at once and asks for no
// data items, so every request is created Approved from its arguments alone.
const requestTemplateName = "Smart Card Logon"

// startMock starts the mock binary on a free loopback port and waits until
// it answers. With cert it serves https with that certificate.
func startMock(ctx context.Context, binary, dir string, cert *serverCert) (*mockProcess, error) {
	urlFile := filepath.Join(dir, "mock.url")
	logFile, err := os.Create(filepath.Join(dir, "mock.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	args := []string{"-listen", "127.0.0.1:0", "-url-file", urlFile, "-seed-example"}
	// HTTP/1.1 for the admin client's one connection, whatever the mock offers.
	transport := &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, IdleConnTimeout: 0}
	if cert != nil {
		args = append(args, "-tls-cert", cert.certFile, "-tls-key", cert.keyFile)
		transport.TLSClientConfig = &tls.Config{RootCAs: cert.pool, MinVersion: tls.VersionTLS12}
	}
	cmd := exec.Command(binary, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the mock: %w", err)
	}
	m := &mockProcess{cmd: cmd, done: make(chan struct{}), admin: &http.Client{Transport: transport, Timeout: 2 * time.Minute}}
	go func() {
		_ = cmd.Wait() // the mock logs why it stopped
		close(m.done)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if b, err := os.ReadFile(urlFile); err == nil && len(bytes.TrimSpace(b)) > 0 {
			m.url = strings.TrimSpace(string(b))
			if err := m.call(ctx, http.MethodGet, "/health", nil, nil); err == nil {
				return m, m.readExamples(ctx)
			}
		}
		select {
		case <-m.done:
			return nil, fmt.Errorf("the mock exited before it answered; see %s", logFile.Name())
		case <-ctx.Done():
			m.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.stop()
			return nil, fmt.Errorf("the mock did not answer within 15 s; see %s", logFile.Name())
		}
	}
}

// readExamples reads the reference request's security descriptor and the
// example profile templates from the store the mock started with.
func (m *mockProcess) readExamples(ctx context.Context) error {
	var seeded []mimcm.Request
	if err := m.call(ctx, http.MethodGet, "/requests", nil, &seeded); err != nil {
		return err
	}
	if len(seeded) != 1 {
		return fmt.Errorf("the mock started with -seed-example holds %d requests, want the reference request alone", len(seeded))
	}
	m.referenceSDDL = strings.TrimRight(seeded[0].SecurityDescriptor, "\x00")
	if err := m.call(ctx, http.MethodGet, "/profiletemplates", nil, &m.templates); err != nil {
		return err
	}
	var err error
	m.requestTemplate, err = requestTemplateOf(m.templates)
	return err
}

// requestTemplateOf finds requestTemplateName among the profile templates
// of GET /_mock/profiletemplates, and checks that its Enroll policy lets
// mimcm_request create a request with nothing but its comment: enabled,
// approved at once, no required data item.
func requestTemplateOf(raw json.RawMessage) (mimcm.GUID, error) {
	var templates []struct {
		Uuid     mimcm.GUID
		Name     string
		Policies map[string]struct {
			Enabled         *bool
			ApprovalsNeeded int
			DataCollection  []struct {
				Name     string
				Required bool
			}
		}
	}
	if err := json.Unmarshal(raw, &templates); err != nil {
		return "", fmt.Errorf("the mock's profile templates: %w", err)
	}
	for _, t := range templates {
		if t.Name != requestTemplateName {
			continue
		}
		enroll, ok := t.Policies[mimcm.RequestTypeEnroll.PolicyName()]
		switch {
		case !ok:
			return "", fmt.Errorf("the mock's %s profile template has no Enroll policy; mimcm_request needs one", requestTemplateName)
		case enroll.Enabled != nil && !*enroll.Enabled, enroll.ApprovalsNeeded != 0:
			return "", fmt.Errorf("the mock's %s profile template does not approve Enroll requests at once; mimcm_request needs it to", requestTemplateName)
		}
		for _, item := range enroll.DataCollection {
			if item.Required {
				return "", fmt.Errorf("the Enroll policy of the mock's %s profile template requires the data item %q; mimcm_request sends none", requestTemplateName, item.Name)
			}
		}
		return t.Uuid, nil
	}
	return "", fmt.Errorf("the mock started with -seed-example holds no %s profile template; mimcm_request needs it", requestTemplateName)
}

// seedTemplates stores the example profile templates again, in place of
// any the mock holds.
func (m *mockProcess) seedTemplates(ctx context.Context) error {
	if err := m.call(ctx, http.MethodPut, "/profiletemplates", m.templates, nil); err != nil {
		return fmt.Errorf("seeding the profile templates: %w", err)
	}
	return nil
}

// stop ends the mock and waits for it.
func (m *mockProcess) stop() {
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
}

// call sends an admin call and decodes its JSON answer into out (when not
// nil); anything but 2xx is an error.
func (m *mockProcess) call(ctx context.Context, method, route string, body, out any) error {
	var payload io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, m.url+"/_mock"+route, payload)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := m.admin.Do(req)
	if err != nil {
		return fmt.Errorf("%s /_mock%s: %w", method, route, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s /_mock%s: reading the answer: %w", method, route, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s /_mock%s answered %d: %s", method, route, resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// reset empties the store, the call log and the faults, and restores the
// settings (no latency).
func (m *mockProcess) reset(ctx context.Context) error {
	return m.call(ctx, http.MethodPost, "/reset", nil, nil)
}

// setLatency delays every API answer.
func (m *mockProcess) setLatency(ctx context.Context, ms int) error {
	return m.call(ctx, http.MethodPut, "/settings", map[string]int{"latency_ms": ms}, nil)
}

// seed stores an Approved request for each GUID, in batches.
func (m *mockProcess) seed(ctx context.Context, ids []mimcm.GUID) error {
	for start := 0; start < len(ids); start += seedBatch {
		batch := make([]mimcm.Request, 0, seedBatch)
		for _, id := range ids[start:min(start+seedBatch, len(ids))] {
			batch = append(batch, seedRequest(id, len(batch)+start, m.referenceSDDL))
		}
		if err := m.call(ctx, http.MethodPost, "/requests", batch, nil); err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
	}
	return nil
}

// seedRequest is an Approved smart card enrollment shaped like the
// reference request, with its security descriptor sddl, submitted i
// seconds after the first.
func seedRequest(id mimcm.GUID, i int, sddl string) mimcm.Request {
	reason := "Smart card recall"
	return mimcm.Request{
		Uuid:                id,
		RequestType:         1,
		Status:              mimcm.StatusApproved,
		Flags:               2,
		DataCollection:      []mimcm.DataCollectionItem{{Name: "Reason", Value: &reason}},
		DataCollectionFlags: 32,
		OriginatorUserUuid:  "8f1590dc-d932-4b66-8e68-2e91c5880780",
		TargetUserUuid:      "2d7e4c1b-5a6f-4b3c-9d8e-0f1a2b3c4d5e",
		Submitted:           mimcm.NewTimestamp(time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)),
		ProfileTemplateUuid: "a039b4d0-5ce8-4eff-8651-181c6576fda3",
		SecurityDescriptor:  sddl,
		IsSmartcard:         true,
	}
}

// callCounts is what the mock's call log says since it was last emptied.
type callCounts struct {
	Counts      map[string]int `json:"counts"`
	Connections int            `json:"connections"`
	// Routes counts the calls by method and route (routeOf).
	Routes map[string]int `json:"-"`
}

// reads is the number of GETs; writes is every other API call.
func (c callCounts) reads() int  { return c.Counts["GET"] }
func (c callCounts) writes() int { return c.Counts["total"] - c.Counts["GET"] }

// The routes the bench tells apart in the call log.
const (
	routeRequest   = "GET /requests/{id}" // one request read
	routeList      = "GET /requests"      // a list of requests
	routeCreate    = "POST /requests"     // a request created
	routePolicy    = "GET policy"         // a profile template's workflow policy
	routeTemplates = "GET profiletemplates"
)

// requestReads, lists and policyReads count the GETs of one request, of
// lists of requests and of workflow policies.
func (c callCounts) requestReads() int { return c.Routes[routeRequest] }
func (c callCounts) lists() int        { return c.Routes[routeList] }
func (c callCounts) policyReads() int  { return c.Routes[routePolicy] }

// routeOf names the route of a logged call, from its path under the API's
// base path: "GET /requests/{id}", "PUT /requests/{id}", "GET /requests",
// "POST /requests", "GET policy" for every form of the workflow policy
// routes, "GET profiletemplates" for the others under /profiletemplates.
func routeOf(method, path string) string {
	segs := strings.Split(strings.ToLower(strings.Trim(path, "/")), "/")
	for i, seg := range segs {
		rest := segs[i+1:]
		switch seg {
		case "requests":
			if len(rest) == 0 {
				return method + " /requests"
			}
			return method + " /requests/{id}"
		case "profiletemplates":
			if len(rest) >= 3 && (rest[1] == "policies" || rest[1] == "policy") {
				return method + " policy"
			}
			return method + " profiletemplates"
		case "policies":
			return method + " policy"
		}
	}
	return method + " " + path
}

// resetCalls empties the call log and zeroes the connection count.
func (m *mockProcess) resetCalls(ctx context.Context) error {
	return m.call(ctx, http.MethodDelete, "/calls", nil, nil)
}

// calls reads the counts of the call log, and counts its calls by route.
func (m *mockProcess) calls(ctx context.Context) (callCounts, error) {
	var log struct {
		callCounts
		Calls []struct {
			Method string `json:"method"`
			Path   string `json:"path"`
		} `json:"calls"`
	}
	if err := m.call(ctx, http.MethodGet, "/calls", nil, &log); err != nil {
		return log.callCounts, err
	}
	c := log.callCounts
	if c.Counts == nil {
		return c, errors.New("GET /_mock/calls gave no counts")
	}
	c.Routes = map[string]int{}
	for _, call := range log.Calls {
		c.Routes[routeOf(call.Method, call.Path)]++
	}
	return c, nil
}
