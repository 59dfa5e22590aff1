//go:build !linux

package node

import "os/exec"

func setPdeathsig(*exec.Cmd) {}
