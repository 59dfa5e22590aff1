//go:build linux

package osthread

import (
	"sync/atomic"
	"syscall"
	"unsafe"
)

// The futex operations this package makes, private to the process (no
// futex is shared with another process). The assembly loop of ffi's native
// threads, which cannot call Go, makes the same two system calls with these
// constants (through go_asm.h; ffi/native_linux_amd64.s).
const (
	FutexWaitPrivate = 0 | 128 // FUTEX_WAIT | FUTEX_PRIVATE_FLAG
	FutexWakePrivate = 1 | 128 // FUTEX_WAKE | FUTEX_PRIVATE_FLAG
)

// FutexWait blocks the calling thread while *addr == val (or until a
// wake-up, or spuriously: callers re-check their condition). It goes through
// syscall.Syscall6 so the Go scheduler knows the thread is blocked in the
// kernel and can hand its P to other goroutines.
func FutexWait(addr *uint32, val uint32) {
	syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), FutexWaitPrivate, uintptr(val), 0, 0, 0)
}

// FutexWake wakes up to n threads waiting on addr. FUTEX_WAKE never blocks,
// so the raw form skips the scheduler's syscall bookkeeping.
func FutexWake(addr *uint32, n int) {
	syscall.RawSyscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), FutexWakePrivate, uintptr(n), 0, 0, 0)
}

// atomic.Uint32 holds exactly one uint32, so its address is the word's.
func futexWait(addr *atomic.Uint32, val uint32) { FutexWait((*uint32)(unsafe.Pointer(addr)), val) }
func futexWake(addr *atomic.Uint32)             { FutexWake((*uint32)(unsafe.Pointer(addr)), 1) }

// Gettid returns the calling thread's kernel thread id.
func Gettid() int { return syscall.Gettid() }

// OnMainThread reports whether the caller runs on the process's main thread
// (the thread whose id equals the process id).
func OnMainThread() bool { return syscall.Gettid() == syscall.Getpid() }
