//go:build darwin

package osthread

import "syscall"

// Gettid returns the calling thread's kernel thread id (thread_selfid, the
// value pthread_threadid_np reports).
func Gettid() int {
	id, _, _ := syscall.RawSyscall(syscall.SYS_THREAD_SELFID, 0, 0, 0)
	return int(id)
}

// OnMainThread reports false: main-thread detection is Linux-only.
func OnMainThread() bool { return false }
