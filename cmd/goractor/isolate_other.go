//go:build !linux

package main

import "syscall"

// childAttr: no parent-death signal outside Linux; the child is still killed
// by PID on timeout.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
