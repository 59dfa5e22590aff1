//go:build linux

package osthread

import (
	"sync/atomic"
	"syscall"
	"unsafe"
)

const (
	futexWaitPrivate = 0 | 128 // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
	futexWakePrivate = 1 | 128 // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
)

// futexWait blocks the calling thread while *addr == val (or until a wake-up,
// or spuriously). It goes through syscall.Syscall6 so the Go scheduler knows
// the thread is blocked in the kernel and can hand its P to other goroutines.
func futexWait(addr *atomic.Uint32, val uint32) {
	syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWaitPrivate, uintptr(val), 0, 0, 0)
}

// futexWake wakes one thread waiting on addr. FUTEX_WAKE never blocks, so the
// raw form skips the scheduler's syscall bookkeeping.
func futexWake(addr *atomic.Uint32) {
	syscall.RawSyscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWakePrivate, 1, 0, 0, 0)
}

// Gettid returns the calling thread's kernel thread id.
func Gettid() int { return syscall.Gettid() }

// OnMainThread reports whether the caller runs on the process's main thread
// (the thread whose id equals the process id).
func OnMainThread() bool { return syscall.Gettid() == syscall.Getpid() }
