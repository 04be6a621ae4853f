//go:build !unix

package provider

import "os/exec"

// canInterrupt is false where os.Interrupt cannot be sent to another
// process (Windows).
const canInterrupt = false

func inOwnProcessGroup(*exec.Cmd) {}

func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
