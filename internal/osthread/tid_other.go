//go:build !(linux || darwin || freebsd || windows)

package osthread

// Gettid returns 0: thread ids are not available on this platform.
func Gettid() int { return 0 }

// OnMainThread reports false: main-thread detection is Linux-only.
func OnMainThread() bool { return false }
