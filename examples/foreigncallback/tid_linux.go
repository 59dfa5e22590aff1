package main

import "syscall"

// gettid returns the kernel id of the calling OS thread.
func gettid() int { return syscall.Gettid() }
