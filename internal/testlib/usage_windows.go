//go:build windows

package testlib

import (
	"syscall"
	"time"
)

// Usage is the process's CPU time so far (GetProcessTimes); Windows keeps no
// per-process context-switch count, so switches is 0.
func Usage() (cpu time.Duration, switches int64) {
	var c, e, k, u syscall.Filetime
	h, err := syscall.GetCurrentProcess()
	if err != nil || syscall.GetProcessTimes(h, &c, &e, &k, &u) != nil {
		return 0, 0
	}
	return time.Duration(k.Nanoseconds() + u.Nanoseconds()), 0
}
