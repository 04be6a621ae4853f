//go:build unix

// Package benchcpu reports the CPU time per operation of a Go benchmark
// beside its wall time. The machines the benchmarks run on are shared:
// wall time per operation grows with other people's load, CPU time (user
// and system, from getrusage) much less. Only benchmarks import it.
package benchcpu

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// Unit is the metric's unit as the benchmarks report it.
const Unit = "cpu-ns/op"

// Start collects the setup's garbage first, so that the operations do not
// pay for it, and returns the CPU time the process has used so far.
func Start(b *testing.B) time.Duration {
	b.Helper()
	runtime.GC()
	return used(b)
}

// Report reports the CPU time per operation since start, which Start
// returned.
func Report(b *testing.B, start time.Duration) {
	b.Helper()
	b.ReportMetric(float64(used(b)-start)/float64(b.N), Unit)
}

// used is the CPU time the process has used so far, user and system.
func used(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
