package ffi

import (
	"sync/atomic"
	"unsafe"
)

// Calls in flight without a locked instruction (docs/ffi.md, "Closing a
// library").
//
// An ordinary typed call into a Library does not count itself with an atomic
// read-modify-write. The trampoline (call_amd64.s), running on the calling
// thread's system stack where nothing can move it to another thread, pushes
// the library on that thread's slot in tslots with plain stores and then
// loads the library's closed flag; it pops the library after the C function
// returns. Each slot has a single writer (its thread), so plain stores
// suffice. The load of closed may pass the push in the store buffer, which a
// plain Dekker protocol forbids; Close makes that harmless by asking the
// kernel for a barrier on every running thread of the process (membarrier,
// fence_linux.go) between storing closed and reading the slots: either a
// call's push is visible to Close, or its load of closed comes after the
// barrier and sees closed (the call is refused without entering C). When the
// kernel refuses membarrier, calls count themselves in Library.shards
// instead (the locked protocol of Library.enter).
//
// A slot is found by hashing the thread's g0 (its system goroutine, unique
// per thread while the thread lives); a thread claims a free slot once with
// a compare-and-swap. A thread that finds no slot within tslotProbes probes,
// or nests more than tslotDepth calls (C calling back into Go calling C),
// falls back to the shards for that call.
//
// A slot stays claimed after its thread exits (nothing tells us), so a
// process whose threads come and go (actors ending) can fill the table;
// the first call that finds no slot sets slotsFull, and from then on typed
// calls count in the shards, without first entering the trampoline to learn
// that there is no slot. A nesting overflow sets it too (rare: more than
// tslotDepth calls deep on one thread).
const (
	tslotBits   = 10
	tslotProbes = 8
	tslotDepth  = 6
)

// tslot is one thread's stack of libraries it is calling into: libs[:n].
// Layout read by call_amd64.s through go_asm.h; one cache line.
type tslot struct {
	key  uintptr // the owning thread's g0, 0 while free
	n    uintptr
	libs [tslotDepth]uintptr
}

var tslots [1 << tslotBits]tslot

// slotsFull is set once a call found no thread slot (see above).
var slotsFull atomic.Bool

// asymmetric is true when calls may use the thread slots: the platform has
// the trampoline and the kernel provides the barrier Close needs.
var asymmetric = fastArch && fenceInit()

// slotCalls counts the calls into l that the thread slots show in flight.
// Called after fence (or on a closed library's exit path) it sees every call
// that did not see l closed.
func slotCalls(l *Library) int {
	if !asymmetric {
		return 0
	}
	p := uintptr(unsafe.Pointer(l))
	n := 0
	for i := range tslots {
		s := &tslots[i]
		if atomic.LoadUintptr(&s.key) == 0 {
			continue
		}
		d := min(atomic.LoadUintptr(&s.n), tslotDepth)
		for k := range d {
			if atomic.LoadUintptr(&s.libs[k]) == p {
				n++
			}
		}
	}
	return n
}
