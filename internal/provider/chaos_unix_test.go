//go:build unix

package provider

import (
	"os/exec"
	"syscall"
)

// canInterrupt reports whether the tests can send os.Interrupt to a
// process they started.
const canInterrupt = true

// inOwnProcessGroup makes cmd lead a process group of its own, so that
// killProcessGroup also ends the provider plugins it starts.
func inOwnProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killProcessGroup kills cmd's process group, if cmd was started.
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
