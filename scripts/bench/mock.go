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
}

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
				return m, m.readReference(ctx)
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

// readReference reads the reference request's security descriptor from
// the store the mock started with.
func (m *mockProcess) readReference(ctx context.Context) error {
	var seeded []mimcm.Request
	if err := m.call(ctx, http.MethodGet, "/requests", nil, &seeded); err != nil {
		return err
	}
	if len(seeded) != 1 {
		return fmt.Errorf("the mock started with -seed-example holds %d requests, want the reference request alone", len(seeded))
	}
	m.referenceSDDL = strings.TrimRight(seeded[0].SecurityDescriptor, "\x00")
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
}

// reads is the number of GETs; writes is every other API call.
func (c callCounts) reads() int  { return c.Counts["GET"] }
func (c callCounts) writes() int { return c.Counts["total"] - c.Counts["GET"] }

// resetCalls empties the call log and zeroes the connection count.
func (m *mockProcess) resetCalls(ctx context.Context) error {
	return m.call(ctx, http.MethodDelete, "/calls", nil, nil)
}

// calls reads the counts of the call log.
func (m *mockProcess) calls(ctx context.Context) (callCounts, error) {
	var c callCounts
	if err := m.call(ctx, http.MethodGet, "/calls", nil, &c); err != nil {
		return c, err
	}
	if c.Counts == nil {
		return c, errors.New("GET /_mock/calls gave no counts")
	}
	return c, nil
}
