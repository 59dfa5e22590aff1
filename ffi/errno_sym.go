package ffi

import "runtime"

// errnoSymbol names the libc function that returns the calling thread's
// errno address: glibc and musl export __errno_location, darwin and FreeBSD
// __error, NetBSD and OpenBSD __errno. ErrnoCapture binds through it.
var errnoSymbol = func() string {
	switch runtime.GOOS {
	case "darwin", "ios", "freebsd", "dragonfly":
		return "__error"
	case "netbsd", "openbsd":
		return "__errno"
	}
	return "__errno_location"
}()

// platformErr is what binding any function returns on a platform where
// purego cannot call C (set by dl_other.go); nil where it can.
var platformErr error
