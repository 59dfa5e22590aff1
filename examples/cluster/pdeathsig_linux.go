package main

import (
	"os/exec"
	"syscall"
)

// setPdeathsig makes a worker die with this process, even on kill -9.
func setPdeathsig(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
