//go:build !linux

package selfexec

import "os/exec"

func setPdeathsig(*exec.Cmd) {}
