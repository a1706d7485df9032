//go:build unix

package grade

import (
	"os/exec"
	"syscall"
)

// The signals stop sends: SIGINT first, the way Ctrl-C asks, then SIGKILL.
const (
	interruptSignal = syscall.SIGINT
	killSignal      = syscall.SIGKILL
)

// setProcessGroup puts the program in a process group of its own, so that
// one signal reaches `go run` and the server it started, and so that the
// terminal's Ctrl-C reaches only the grader, which then stops the group.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// signalGroup sends sig to the program's whole process group.
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	syscall.Kill(-cmd.Process.Pid, sig)
}

// canInterrupt reports whether the sigint check can run here.
const canInterrupt = true
