//go:build !linux

package main

// gettid returns 0: the example reads thread ids on Linux only.
func gettid() int { return 0 }
