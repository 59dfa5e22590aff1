//go:build windows

package osthread

import "syscall"

var getCurrentThreadID = syscall.NewLazyDLL("kernel32.dll").NewProc("GetCurrentThreadId")

// Gettid returns the calling thread's id (GetCurrentThreadId).
func Gettid() int {
	id, _, _ := getCurrentThreadID.Call()
	return int(id)
}

// OnMainThread reports false: main-thread detection is Linux-only.
func OnMainThread() bool { return false }
