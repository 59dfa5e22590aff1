package main

import "syscall"

// childAttr makes an isolated child die with its parent (PR_SET_PDEATHSIG).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
