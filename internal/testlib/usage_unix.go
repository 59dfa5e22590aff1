//go:build !windows

package testlib

import (
	"syscall"
	"time"
)

// Usage is the process's CPU time and context switches so far (getrusage).
func Usage() (cpu time.Duration, switches int64) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), int64(ru.Nvcsw + ru.Nivcsw)
}
