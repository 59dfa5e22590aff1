//go:build amd64 && linux

package ffi

import "testing"

// The trampoline's view of the runtime (g's stack bounds, and the goroutine
// and depth asmcgocall saves above its callee's return address, which
// ffitrampcgo reads) checks out on the platform it was written for, also
// from a goroutine whose stack has grown. If checkGLayout said no, every call
// would silently take purego's path and the fast-path tests would skip.
func TestGLayout_Checked(t *testing.T) {
	if !fastOK {
		t.Fatal("ffi: checkGLayout failed at init: calls take the purego path")
	}
	done := make(chan bool)
	go func() { done <- deepCheck(400) }() // ~100 KB of frames: the stack is copied
	if !<-done {
		t.Fatal("ffi: checkGLayout failed on a grown goroutine stack")
	}
}

func deepCheck(n int) bool {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return checkGLayout() && pad[0] == 0
	}
	return deepCheck(n-1) && pad[n%256] == byte(n)
}
