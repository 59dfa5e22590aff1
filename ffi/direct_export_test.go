//go:build amd64 && (linux || freebsd || netbsd || darwin)

package ffi

import "sync/atomic"

// threadG0 is the calling thread's g0, the key of its slot in tslots.
func threadG0() uintptr {
	_, _, g0, _, _, _, _ := leafProbe()
	return g0
}

// ThreadSlotDepth returns the number of calls the calling thread's slot
// records in flight (0 when the thread has no slot). The caller should be
// locked to its thread.
func ThreadSlotDepth() int {
	g0 := threadG0()
	for i := range tslots {
		if atomic.LoadUintptr(&tslots[i].key) == g0 {
			return int(atomic.LoadUintptr(&tslots[i].n))
		}
	}
	return 0
}

// WithoutThreadSlots runs fn with every free slot of the table, and the
// calling thread's own, held by a key no thread has, so that the calls fn
// makes on this thread find no slot; then it gives them back. The caller
// must be locked to its thread and not inside a call.
func WithoutThreadSlots(fn func()) {
	const fake = 1 // no g0 is at address 1
	g0 := threadG0()
	var held []*uintptr
	for i := range tslots {
		k := &tslots[i].key
		if atomic.CompareAndSwapUintptr(k, 0, fake) || atomic.CompareAndSwapUintptr(k, g0, fake) {
			held = append(held, k)
		}
	}
	defer func() {
		for _, k := range held {
			atomic.StoreUintptr(k, 0)
		}
	}()
	fn()
}
