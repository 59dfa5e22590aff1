package main

import (
	"os/exec"
	"syscall"
)

// setPdeathsig makes a child process die with this one.
func setPdeathsig(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
