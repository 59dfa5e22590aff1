//go:build amd64 && (linux || freebsd || netbsd || darwin)

package ffi_test

import (
	"runtime"
	"testing"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/ffi"
)

// onLockedThread runs fn on a goroutine locked to its own OS thread.
func onLockedThread(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		fn()
	}()
	<-done
}

// TestDirect_NoThreadSlot: a direct call (a typed scalar closure) from a
// thread that finds no slot in the table is made all the same, counted in
// the library's shards, and turns the slot path off for later calls.
func TestDirect_NoThreadSlot(t *testing.T) {
	l := fixture(t)
	add, err := bind[func(int32, int32) (int32, error)](l, "add")
	if err != nil {
		t.Fatal(err)
	}
	prev := ffi.SetSlotsFull(false)
	defer ffi.SetSlotsFull(prev)
	onLockedThread(func() {
		if r, err := add(2, 3); err != nil || r != 5 { // the thread takes its slot
			t.Errorf("add(2, 3) = %d, %v; want 5", r, err)
		}
		if d := ffi.ThreadSlotDepth(); d != 0 {
			t.Errorf("thread slot depth %d after the call returned, want 0", d)
		}
		ffi.WithoutThreadSlots(func() {
			for i := range int32(100) {
				if r, err := add(i, 1); err != nil || r != i+1 {
					t.Errorf("without a slot: add(%d, 1) = %d, %v", i, r, err)
					return
				}
			}
		})
	})
	if !ffi.SetSlotsFull(prev) {
		t.Error("a call that found no thread slot did not turn the slot path off")
	}
	if n := l.InFlight(); n != 0 {
		t.Errorf("InFlight() = %d after every call returned, want 0", n)
	}
}

// TestDirect_NestedPastSlotDepth: C calls back into Go, which makes a
// direct call into C again, nine deep: deeper than a thread slot records
// (the calls past it count in the shards). Every level gets its result, and
// once the outermost call returns nothing is left in flight, in the slot or
// in the shards.
func TestDirect_NestedPastSlotDepth(t *testing.T) {
	l := fixture(t)
	callN, err := ffi.TypedFn2[uintptr, int32, int64](l, "call_cb_n")
	if err != nil {
		t.Fatal(err)
	}
	prev := ffi.SetSlotsFull(false)
	defer ffi.SetSlotsFull(prev)
	const levels = 9
	depth, deepest := 0, 0
	var cb uintptr
	cb = purego.NewCallback(func(i int32) int32 {
		depth++
		defer func() { depth-- }()
		deepest = max(deepest, ffi.ThreadSlotDepth())
		if depth == levels {
			return i + 1
		}
		s, err := callN(cb, 2) // cb(0) + cb(1) one level down
		if err != nil {
			t.Errorf("level %d: %v", depth, err)
		}
		return int32(s) + i
	})
	onLockedThread(func() {
		s, err := callN(cb, 2)
		// Level levels returns i+1 for i = 0, 1: 3; each level above adds
		// i to twice the level below: s(k) = 2 s(k+1) + 1.
		want := int64(3)
		for range levels - 1 {
			want = 2*want + 1
		}
		if err != nil || s != want {
			t.Errorf("call_cb_n nested %d deep = %d, %v; want %d", levels, s, err, want)
		}
		if d := ffi.ThreadSlotDepth(); d != 0 {
			t.Errorf("thread slot depth %d after the outermost call returned, want 0", d)
		}
	})
	if deepest == 0 || deepest > 6 {
		t.Errorf("deepest thread slot depth seen %d, want 1 … 6 (tslotDepth)", deepest)
	}
	if n := l.InFlight(); n != 0 {
		t.Errorf("InFlight() = %d after every call returned, want 0", n)
	}
}
