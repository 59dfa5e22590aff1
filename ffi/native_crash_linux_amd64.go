//go:build linux && amd64

package ffi

import (
	"syscall"
	"unsafe"

	"github.com/goractor/goractor/internal/nativecrash"
)

// stackT is the kernel's stack_t (sigaltstack).
type stackT struct {
	sp    uintptr
	flags int32
	_     int32
	size  uintptr
}

// sigStackSize is a native pool thread's alternate signal stack: room for
// the crash handler (internal/nativecrash) and the dladdr calls it makes.
const sigStackSize = 64 << 10

// prepareThread gives w, before its thread starts, an alternate signal
// stack (the thread installs it first thing, so that a crash handler runs
// even when the fault is a stack overflow) and its name in native crash
// reports: thread index of the pool, found by the thread id it publishes.
// Without the stack memory the thread runs without one.
func prepareThread(w *nativeThread, pool string, index int) {
	if stk, err := syscall.Mmap(-1, 0, sigStackSize, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON); err == nil {
		w.stk = stk
		w.ss = stackT{sp: uintptr(unsafe.Pointer(&stk[0])), size: sigStackSize}
	}
	w.reg = nativecrash.PoolThread(&w.tid, &w.sp, pool, index)
}

// releaseThread undoes prepareThread once w's thread has ended (or never
// started).
func releaseThread(w *nativeThread) {
	w.reg.Drop()
	if w.stk != nil {
		_ = syscall.Munmap(w.stk)
		w.stk = nil
	}
}
