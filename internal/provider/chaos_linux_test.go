//go:build linux

package provider

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mimcm/terraform-provider-mimcm/internal/mimcm"
	"github.com/mimcm/terraform-provider-mimcm/internal/mockapi"
)

// TestAccChaos_killedTerraform kills terraform (kill -9, the provider
// left alone) in the middle of an apply that polls without end, and
// checks that the orphaned provider process exits within a few seconds
// and that no API call reaches the mock after it is gone.
func TestAccChaos_killedTerraform(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	const n = 20
	m := newTestMock(t, mockapi.Options{})
	p := newChaosPlan(m, n)
	m.SetLatency(100 * time.Millisecond)
	m.SetExecutingPolls(1_000_000) // completions never finish: the provider polls

	tf := newTerraformCLI(t, buildProvider(t))
	tf.writeConfig(p.config(m, "  request_timeout = \"30s\""))
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	apply, out := tf.start(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	exited := make(chan error, 1)
	go func() { exited <- apply.Wait() }()

	if err := waitFor(ctx, exited, func() bool {
		for _, c := range m.Calls() {
			if got, _ := m.Request(c.RequestID); c.Method == "PUT" && got.Status == mimcm.StatusExecuting {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	providers := childrenNamed(t, apply.Process.Pid, "terraform-provider-mimcm")
	if len(providers) != 1 {
		t.Fatalf("terraform (pid %d) runs %d provider processes, want 1: %v", apply.Process.Pid, len(providers), providers)
	}
	provider := providers[0]
	if err := apply.Process.Kill(); err != nil { // terraform only, as kill -9 <pid> does
		t.Fatal(err)
	}
	if err := <-exited; err == nil {
		t.Fatal("terraform, killed, reported success")
	}
	killed := time.Now()

	var gone time.Time
	for deadline := killed.Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if !processAlive(provider) {
			gone = time.Now()
			break
		}
	}
	if gone.IsZero() {
		t.Fatalf("the provider (pid %d) still runs 15s after terraform was killed, and has sent %d API calls since",
			provider, callsSince(m, killed))
	}
	t.Logf("the provider exited %s after terraform was killed", gone.Sub(killed).Round(time.Millisecond))
	if took := gone.Sub(killed); took > 5*time.Second {
		t.Errorf("the provider took %s to exit after terraform was killed; want a few seconds at most", took.Round(time.Millisecond))
	}
	// Calls already on their way may still be answered; none may arrive
	// once the provider is gone.
	time.Sleep(time.Second)
	if late := callsSince(m, gone); late > 0 {
		t.Errorf("%d API calls reached the mock after the provider had exited", late)
	}
}

// callsSince counts the API calls that arrived at the mock after t.
func callsSince(m *testMock, t time.Time) int {
	late := 0
	for _, c := range m.Calls() {
		if c.Time.After(t) {
			late++
		}
	}
	return late
}

// childrenNamed returns the pids of parent's child processes whose
// executable has the given base name.
func childrenNamed(t *testing.T, parent int, name string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, _, ok := procStat(pid)
		if !ok || ppid != parent {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && filepath.Base(exe) == name {
			pids = append(pids, pid)
		}
	}
	return pids
}

// processAlive reports whether pid runs (a zombie does not count).
func processAlive(pid int) bool {
	_, state, ok := procStat(pid)
	return ok && state != "Z" && state != "X"
}

// procStat reads a process's parent pid and state from /proc/pid/stat.
func procStat(pid int) (ppid int, state string, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, "", false
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
	fields := strings.Fields(rest)
	if len(fields) < 2 {
		return 0, "", false
	}
	ppid, err = strconv.Atoi(fields[1])
	return ppid, fields[0], err == nil
}
