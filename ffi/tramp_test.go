//go:build amd64 && (linux || freebsd || netbsd || darwin)

package ffi_test

import (
	"testing"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/ffi"
)

// TestTramp_FrameFoundAfterStackMoves: a callback into Go grows the calling
// goroutine's stack (the runtime copies it) while the call's frame lives on
// it; the results must land in the moved frame, which the trampoline finds
// again from the goroutine and depth the Go side records in the frame (and
// in a heap frame, which does not move).
func TestTramp_FrameFoundAfterStackMoves(t *testing.T) {
	l := fixture(t)
	cb := purego.NewCallback(func(i int32) int32 {
		_ = growStack(2000) // ~600 KB of stack: forces copies
		return i * 2
	})
	// The typed closure of a scalar shape keeps its frame on the goroutine's
	// stack (Bind's reflection path for this unlisted shape would not).
	callN, err := ffi.TypedFn2[uintptr, int32, int64](l, "call_cb_n")
	if err != nil {
		t.Fatal(err)
	}
	// Bind's reflection path (a shape it does not list) passes a heap frame.
	heapN, err := bind[func(uintptr, int32) (int64, error)](l, "call_cb_n")
	if err != nil {
		t.Fatal(err)
	}
	for round := range 6 {
		done := make(chan struct{})
		go func() { // a fresh goroutine has a small stack
			defer close(done)
			call := callN
			if round%2 == 1 {
				call = heapN
			}
			s, err := call(cb, 10)
			if err != nil || s != 90 {
				t.Errorf("round %d: call_cb_n = %v, %v; want 90", round, s, err)
			}
		}()
		<-done
	}
}
