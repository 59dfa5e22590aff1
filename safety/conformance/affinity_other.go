//go:build !linux

package conformance

// pinThread does nothing off Linux (see affinity_linux.go).
func pinThread(int) (restore func()) { return func() {} }
