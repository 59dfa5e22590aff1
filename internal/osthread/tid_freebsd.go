//go:build freebsd

package osthread

import (
	"syscall"
	"unsafe"
)

// Gettid returns the calling thread's kernel thread id (thr_self).
func Gettid() int {
	var id int64
	syscall.RawSyscall(syscall.SYS_THR_SELF, uintptr(unsafe.Pointer(&id)), 0, 0)
	return int(id)
}

// OnMainThread reports false: main-thread detection is Linux-only.
func OnMainThread() bool { return false }
