//go:build amd64 && (linux || freebsd || netbsd || darwin)

package ffi

// TrampFindsG reports whether the trampoline finds the calling goroutine on
// the system stack itself (tgProbe succeeded).
func TrampFindsG() bool { return tgSPOff != 0 }

// WithoutTrampG runs f with the trampoline told not to look for the
// goroutine (the Go side records it in the frame instead, as when tgProbe
// fails).
func WithoutTrampG(f func()) {
	saved, savedTramp := tgSPOff, tramp
	tgSPOff, tramp = 0, trampABI0
	defer func() { tgSPOff, tramp = saved, savedTramp }()
	f()
}
