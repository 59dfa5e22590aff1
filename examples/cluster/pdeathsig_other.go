//go:build !linux

package main

import "os/exec"

// setPdeathsig: elsewhere a worker ends when its stdin closes.
func setPdeathsig(*exec.Cmd) {}
