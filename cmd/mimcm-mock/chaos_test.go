package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

func TestRun_chaos(t *testing.T) {
	s := start(t, env(nil), "-seed-example", "-chaos-seed", "3", "-chaos-rate", "503=1", "-chaos-retry-after", "2")
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.url+"/CertificateManagement/api/v1.0/requests/"+string(mockapi.ExampleRequestID), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("GET under -chaos-rate 503=1: %d with Retry-After %q, want 503 with 2", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	status, body := get(t, s.url+"/_mock/chaos")
	if status != 200 || !strings.Contains(string(body), `"seed":3`) || !strings.Contains(string(body), `"status":{"503":1}`) {
		t.Fatalf("GET /_mock/chaos: %d %s", status, body)
	}
}

func TestParseFlags_chaos(t *testing.T) {
	var stderr bytes.Buffer
	c, err := parseFlags([]string{
		"-chaos-seed", "42", "-chaos-rate", "429=0.05,503=0.05", "-chaos-rate", "reset=0.02,truncate=0.02,html=0.03,lost-put=0.01",
		"-chaos-retry-after", "0,1", "-chaos-latency", "5ms-100ms",
	}, &stderr, env(nil))
	if err != nil {
		t.Fatalf("%v (stderr: %s)", err, stderr.String())
	}
	want := mockapi.Chaos{
		Seed: 42, Rates: map[int]float64{429: 0.05, 503: 0.05}, RetryAfter: []string{"0", "1"},
		LatencyMin: 5 * time.Millisecond, LatencyMax: 100 * time.Millisecond,
		ResetRate: 0.02, TruncateRate: 0.02, HTMLRate: 0.03, LostPUTRate: 0.01,
	}
	if !reflect.DeepEqual(c.chaos, want) {
		t.Fatalf("\n want %+v\n got  %+v", want, c.chaos)
	}
	if c, _ := parseFlags([]string{"-chaos-latency", "250ms"}, &stderr, env(nil)); c.chaos.LatencyMin != 0 || c.chaos.LatencyMax != 250*time.Millisecond {
		t.Errorf("-chaos-latency 250ms: %s to %s", c.chaos.LatencyMin, c.chaos.LatencyMax)
	}
	if c, _ := parseFlags([]string{"-chaos-latency", "250ms"}, &stderr, env(nil)); c.chaos.Storm.On() || !reflect.DeepEqual(c.chaos.Storm, mockapi.Storm{}) {
		t.Errorf("no -chaos-storm: storm %+v, want none", c.chaos.Storm)
	}
	for _, tt := range []struct {
		args []string
		want mockapi.Storm
	}{
		{[]string{"-chaos-storm", "10s"}, mockapi.Storm{Duration: 10 * time.Second, Burst: 12, Calm: 20}},
		{[]string{"-chaos-storm", "1m", "-chaos-storm-burst", "3", "-chaos-storm-calm", "7", "-chaos-storm-statuses", "503, 429"},
			mockapi.Storm{Duration: time.Minute, Burst: 3, Calm: 7, Statuses: []int{503, 429}}},
		{[]string{"-chaos-storm", "1m", "-chaos-storm-calls", "60"}, mockapi.Storm{Duration: time.Minute, Burst: 12, Calm: 20, Calls: 60}},
	} {
		c, err := parseFlags(tt.args, &stderr, env(nil))
		if err != nil || !reflect.DeepEqual(c.chaos.Storm, tt.want) || !c.chaos.On() {
			t.Errorf("%q: storm %+v, %v; want %+v", tt.args, c.chaos.Storm, err, tt.want)
		}
	}

	for _, tt := range []struct {
		args []string
		want string // the error, or "usage"
	}{
		{[]string{"-chaos-rate", "503=0.7,html=0.6"}, "-chaos-*: the rates add up to 1.3: want at most 1"},
		{[]string{"-chaos-retry-after", "soon"}, `-chaos-*: retry_after "soon": want seconds ("2") or an HTTP date`},
		{[]string{"-chaos-latency", "2s-1s"}, "-chaos-*: latency 2s to 1s: want 0 <= min <= max"},
		{[]string{"-chaos-rate", "200=0.1"}, "usage"},
		{[]string{"-chaos-storm", "10s", "-chaos-storm-burst", "0"}, "-chaos-*: storm of 10s with a burst of 0 calls: want at least 1 failed call per burst"},
		{[]string{"-chaos-storm", "10s", "-chaos-storm-statuses", "302"}, "-chaos-*: storm status 302: want an error status from 400 to 599"},
		{[]string{"-chaos-storm", "10s", "-chaos-storm-calls", "-1"}, "-chaos-*: storm of -1 calls: want 0 (as many as its duration lets in) or more"},
		{[]string{"-chaos-storm-statuses", "busy"}, "usage"},
		{[]string{"-chaos-latency", "soon"}, "usage"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tt.args, &stdout, &stderr, env(nil))
		switch {
		case tt.want == "usage":
			if !errors.Is(err, errUsage) || !strings.Contains(stderr.String(), "invalid value") {
				t.Errorf("%q: want a usage error naming the invalid value, got %v (stderr %q)", tt.args, err, stderr.String())
			}
		case err == nil || err.Error() != tt.want:
			t.Errorf("%q:\n want %s\n got  %v", tt.args, tt.want, err)
		}
	}
}
