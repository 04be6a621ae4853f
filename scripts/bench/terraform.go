package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// samplePeriod is how often the provider processes' memory is sampled.
const samplePeriod = 50 * time.Millisecond

// terraformRunner runs Terraform offline against the built provider.
type terraformRunner struct {
	binary    string
	mockPort  int      // the port of the mock the providers talk to
	providers []string // the provider executables dev_overrides points at
	env       []string // the environment of every run
}

// providerProcess is one provider plugin process Terraform started.
type providerProcess struct {
	pid int
	// peakKiB is the largest VmHWM (peak resident set) sampled, in KiB:
	// the last sample before the process exits, at most samplePeriod old.
	peakKiB int64
	// exited says the process ended while Terraform was running (it was
	// seen going away, not just cut off by Terraform's own end).
	exited bool
	// seen and gone are when the process was first and last seen, from the
	// start of the command, to within samplePeriod.
	seen, gone time.Duration
	// cpu is the CPU time (user and system) the process had used when it
	// was last seen.
	cpu time.Duration
	// mockSockets are the TCP connections to the mock the process was seen
	// holding, by socket inode: the connections it opened, but for any
	// that lived less than samplePeriod.
	mockSockets map[uint64]bool
}

// run is the outcome of one Terraform command.
type tfRun struct {
	wall     time.Duration
	exitCode int
	// terraformPeakKiB is Terraform's own peak RSS (rusage maxrss).
	terraformPeakKiB int64
	// cpu is the CPU time of Terraform and every plugin process it started
	// (wait4's rusage includes the children it waited for).
	cpu       time.Duration
	providers []providerProcess
	output    string
}

// providerPeakKiB is the largest peak RSS of the run's provider processes.
// providerCPU is the CPU time of the run's provider processes.
func (r tfRun) providerCPU() time.Duration {
	var cpu time.Duration
	for _, p := range r.providers {
		cpu += p.cpu
	}
	return cpu
}

func (r tfRun) providerPeakKiB() int64 {
	var peak int64
	for _, p := range r.providers {
		peak = max(peak, p.peakKiB)
	}
	return peak
}

// newTerraformRunner writes the CLI configuration that points Terraform at
// the built providers (source address to directory, each directory holding
// terraform-provider-<type>) and prepares the environment of every run.
func newTerraformRunner(binary, workDir string, overrides map[string]string) (*terraformRunner, error) {
	rc := filepath.Join(workDir, "terraform.rc")
	var conf strings.Builder
	conf.WriteString("provider_installation {\n  dev_overrides {\n")
	var executables []string
	for _, source := range slices.Sorted(maps.Keys(overrides)) {
		// Without a host, so that Terraform and OpenTofu each read it as
		// their own default registry's address.
		fmt.Fprintf(&conf, "    %q = %q\n", source, overrides[source])
		executables = append(executables, filepath.Join(overrides[source], "terraform-provider-"+path.Base(source)))
	}
	conf.WriteString("  }\n  direct {}\n}\n")
	if err := os.WriteFile(rc, []byte(conf.String()), 0o600); err != nil {
		return nil, err
	}
	// Nothing of the caller's Terraform or provider settings may leak in:
	// TF_CLI_ARGS, TF_LOG or a MIMCM_BASE_PATH would change what is measured.
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "MIMCM_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return &terraformRunner{binary: binary, providers: executables, env: env}, nil
}

// version returns the first line of `terraform version`.
func (t *terraformRunner) version(ctx context.Context) (string, error) {
	cmd := exec.CommandContext(ctx, t.binary, "version")
	cmd.Env = t.env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform version: %w", err)
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line), nil
}

// run runs terraform with args in dir and times it. While it runs, the
// provider processes it starts are sampled for their peak RSS, CPU time
// and connections to the mock.
func (t *terraformRunner) run(ctx context.Context, dir string, args ...string) (tfRun, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, t.binary, args...)
	cmd.Dir, cmd.Env = dir, t.env
	cmd.Stdout, cmd.Stderr = &out, &out
	// Interrupted, Terraform gets the chance to stop its plugins.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return tfRun{}, fmt.Errorf("starting terraform: %w", err)
	}
	w := &processWatcher{parent: cmd.Process.Pid, executables: t.providers, mockPort: t.mockPort, procs: map[int]*providerProcess{}, start: start}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.watch(stop)
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(stop)
	wg.Wait()

	r := tfRun{wall: wall, output: out.String(), providers: w.processes()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.terraformPeakKiB = ru.Maxrss // KiB on Linux
		r.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.exitCode = exitErr.ExitCode()
	case err != nil:
		return r, fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	return r, nil
}

// processWatcher samples the children of one process that run one of the
// given executables.
type processWatcher struct {
	parent      int
	executables []string
	mockPort    int
	start       time.Time

	mu      sync.Mutex
	procs   map[int]*providerProcess
	order   []int
	ignored map[int]bool // children that are not the provider
}

func (w *processWatcher) watch(stop <-chan struct{}) {
	ticker := time.NewTicker(samplePeriod)
	defer ticker.Stop()
	for {
		w.sample()
		select {
		case <-stop:
			return
		case <-ticker.C:
		}
	}
}

// sample finds new provider processes and records the peak RSS of the
// running ones; a process whose memory can no longer be read has exited
// (a zombie has none).
func (w *processWatcher) sample() {
	for _, pid := range children(w.parent) {
		w.mu.Lock()
		_, known := w.procs[pid]
		skip := w.ignored[pid]
		w.mu.Unlock()
		if known || skip {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		w.mu.Lock()
		if err == nil && slices.Contains(w.executables, exe) {
			w.procs[pid] = &providerProcess{pid: pid, seen: time.Since(w.start), mockSockets: map[uint64]bool{}}
			w.order = append(w.order, pid)
		} else if err == nil {
			if w.ignored == nil {
				w.ignored = map[int]bool{}
			}
			w.ignored[pid] = true
		}
		w.mu.Unlock()
	}
	w.mu.Lock()
	var live []*providerProcess
	for _, pid := range w.order {
		if p := w.procs[pid]; !p.exited {
			live = append(live, p)
		}
	}
	w.mu.Unlock()
	var toMock map[uint64]bool // read once per sample, when needed
	for _, p := range live {
		hwm, ok := peakRSS(p.pid)
		cpu, cpuOK := cpuTime(p.pid)
		inodes := socketInodes(p.pid)
		if len(inodes) > 0 && toMock == nil && w.mockPort > 0 {
			toMock = socketsToPort(w.mockPort)
		}
		w.mu.Lock()
		for _, inode := range inodes {
			if toMock[inode] {
				p.mockSockets[inode] = true
			}
		}
		if ok {
			p.peakKiB = max(p.peakKiB, hwm)
			p.gone = time.Since(w.start)
			if cpuOK {
				p.cpu = cpu
			}
		} else {
			p.exited = true
		}
		w.mu.Unlock()
	}
}

func (w *processWatcher) processes() []providerProcess {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]providerProcess, 0, len(w.order))
	for _, pid := range w.order {
		p := *w.procs[pid]
		p.mockSockets = maps.Clone(p.mockSockets)
		out = append(out, p)
	}
	return out
}

// socketInodes lists the inodes of the sockets a process has open, from
// the socket:[inode] links in /proc/<pid>/fd.
func socketInodes(pid int) []uint64 {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []uint64
	for _, e := range entries {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		if rest, ok := strings.CutPrefix(target, "socket:["); ok {
			if inode, err := strconv.ParseUint(strings.TrimSuffix(rest, "]"), 10, 64); err == nil {
				out = append(out, inode)
			}
		}
	}
	return out
}

// socketsToPort returns the inodes of the TCP sockets whose remote port is
// port, from /proc/net/tcp and /proc/net/tcp6.
func socketsToPort(port int) map[uint64]bool {
	out := map[uint64]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
			fields := strings.Fields(line)
			if len(fields) < 10 {
				continue
			}
			_, remotePort, ok := strings.Cut(fields[2], ":")
			if !ok {
				continue
			}
			if p, err := strconv.ParseUint(remotePort, 16, 32); err != nil || int(p) != port {
				continue
			}
			if inode, err := strconv.ParseUint(fields[9], 10, 64); err == nil && inode != 0 {
				out[inode] = true
			}
		}
	}
	return out
}

// children lists the child processes of pid from
// /proc/<pid>/task/<tid>/children (one file per thread that forked).
func children(pid int) []int {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return nil
	}
	var out []int
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, task.Name()))
		if err != nil {
			continue
		}
		for _, field := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(field); err == nil {
				out = append(out, child)
			}
		}
	}
	return out
}

// peakRSS reads VmHWM, the peak resident set size in KiB, from
// /proc/<pid>/status; false when the process is gone or a zombie.
func peakRSS(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kib, err == nil
		}
	}
	return 0, false
}

// clockTicks is the unit of the times in /proc/<pid>/stat (USER_HZ, 100 on
// every Linux the bench is meant for).
const clockTicks = 100

// cpuTime reads the user and system time of a process from /proc/<pid>/stat.
func cpuTime(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	end := strings.LastIndexByte(string(b), ')')
	if end < 0 {
		return 0, false
	}
	fields := strings.Fields(string(b[end+1:])) // fields[0] is the state, field 3 of the file
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(fields[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, true
}
