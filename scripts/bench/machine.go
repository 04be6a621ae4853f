package main

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the bench ran.
type machine struct {
	cpu       string
	cores     int
	memKiB    int64
	kernel    string
	goVersion string
	terraform string
	loadStart [3]float64
	loadEnd   [3]float64
	started   time.Time
	finished  time.Time
}

func collectMachine(ctx context.Context) machine {
	m := machine{cores: runtime.NumCPU(), loadStart: loadAverage(), started: time.Now(), cpu: "unknown", goVersion: "unknown"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
				m.cpu = strings.TrimSpace(value)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				m.memKiB, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = strings.TrimSpace(string(b))
	}
	if out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output(); err == nil {
		m.goVersion = strings.TrimSpace(string(out))
	}
	return m
}

// loadAverage reads the 1, 5 and 15-minute load averages.
func loadAverage() [3]float64 {
	var load [3]float64
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return load
	}
	fields := strings.Fields(string(b))
	for i := 0; i < 3 && i < len(fields); i++ {
		load[i], _ = strconv.ParseFloat(fields[i], 64)
	}
	return load
}
