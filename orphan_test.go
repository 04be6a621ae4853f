package main

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestExitWhenOrphaned(t *testing.T) {
	var ppid atomic.Int64
	ppid.Store(4242)
	exited := make(chan struct{})
	go exitWhenOrphaned(4242, time.Millisecond, func() int { return int(ppid.Load()) }, func() { close(exited) })

	// Watched for a while with its parent there, it does not exit.
	for range 20 {
		select {
		case <-exited:
			t.Fatal("exited while its parent was still there")
		case <-time.After(time.Millisecond):
		}
	}
	ppid.Store(1) // adopted by init
	<-exited      // the test's own timeout bounds this
}

func TestExitWhenOrphaned_notWatchedUnderInit(t *testing.T) {
	calls := 0
	exitWhenOrphaned(1, time.Millisecond, func() int { calls++; return 7 }, func() { t.Fatal("exited") })
	if calls != 0 {
		t.Errorf("getppid called %d times for a process started by init", calls)
	}
}
