package main

import (
	"fmt"
	"os"
	"time"
)

// orphanCheckInterval is how often the provider looks for its parent.
const orphanCheckInterval = 200 * time.Millisecond

// exitWhenOrphaned ends the process once the Terraform that started it is
// gone. go-plugin serves until Terraform asks it to stop, so a provider
// whose Terraform was killed (kill -9, an OOM kill, a CI runner's timeout)
// would otherwise run on, idle or still at work on calls nobody will ever
// read the answers of. Exiting at once is the surest way to send nothing
// more: no one is left to receive a result, and state can no longer be
// written.
//
// On Unix an orphan is adopted by init or a subreaper, so its parent pid
// changes; getppid is called every interval and exit runs once it differs
// from parent. Where the parent pid never changes (Windows), this never
// fires. A parent of 1 from the start (Terraform as a container's first
// process) is not watched: a container's first process takes its children
// with it.
func exitWhenOrphaned(parent int, interval time.Duration, getppid func() int, exit func()) {
	if parent <= 1 {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for range tick.C {
		if getppid() != parent {
			exit()
			return
		}
	}
}

// exitOrphan is exitWhenOrphaned's exit in the provider binary.
func exitOrphan() {
	fmt.Fprintln(os.Stderr, "terraform-provider-mimcm: Terraform, which started this provider, is gone; exiting")
	os.Exit(1)
}
