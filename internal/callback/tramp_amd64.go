//go:build amd64 && (linux || darwin || freebsd || netbsd)

package callback

import (
	"unsafe"

	"github.com/goractor/goractor/internal/execctx"
)

// asmFrame is what tramp1 passes to asmDispatch (through cgocallback).
type asmFrame struct {
	index  uintptr
	h      uintptr        // slots[index].h when the call entered tramp1
	args   unsafe.Pointer // *Args, on the C caller's stack
	result uintptr
}

// asmDispatchCall lets the assembly reach asmDispatch's ABIInternal entry.
var asmDispatchCall = asmDispatch

// asmDispatch is where tramp1 enters Go. The synchronous call of a live
// callback (inlineReady) runs here, as nested and run would run it, with no
// other layer between tramp1 and the handler: the call's Handle is the
// slot's binding when the call entered (pointer form) or the user-data
// register (handle form). A live callback's other calls (another thread, a
// lent token, unowned) take invokeAt; a closed or stale one dispatch.
func asmDispatch(f *asmFrame) {
	a := (*Args)(f.args)
	h := Handle(f.h)
	if h == 0 {
		if k := slots[f.index].ud; k >= 0 {
			h = Handle(a.Int[k])
		}
	}
	c := live(h)
	if c == nil {
		f.result = dispatch(int(f.index), Handle(f.h), a)
		return
	}
	if g := execctx.G(); !c.inlineReady(g) {
		f.result = c.invokeAt(a, g)
		return
	}
	st := c.ost
	bump(&st.counts.fired)
	st.depth++
	// run's deferred functions, with the steps after the handler: a
	// handler that does not return leaves f.result the exceptional value.
	f.result = c.exc
	ok := false
	defer func() {
		if !ok {
			c.failed(recover())
			st.depth--
			if st.depth == 0 && st.npending.Load() != 0 {
				st.drain()
			}
		}
	}()
	defer func() {
		if !ok {
			escapeGoexit()
		}
	}()
	f.result = c.call(a)
	ok = true
	st.depth--
	bump(&st.counts.inline)
	if st.depth == 0 && st.npending.Load() != 0 {
		st.drain()
	}
}

func trampolinesPC() uintptr

// newTrampoline returns the C function pointer of slot i: entry i of this
// package's own trampoline table. No purego slot is used, and no reflection
// runs per call.
func newTrampoline(i int) uintptr { return trampolinesPC() + uintptr(trampEntrySize*i) }

// trampEntrySize is the size of one entry of the trampoline table.
const trampEntrySize = 11

// entryBinding: tramp1 reads the slot's binding on entry (see dispatch).
const entryBinding = true

// usesPurego reports whether trampolines come from purego.NewCallback.
const usesPurego = false

// leafArea is the top of a thread's system stack during one of package
// ffi's leaf calls (ffi/leaf_amd64.s): tramp1 finds it there and calls
// leafRefuse instead of entering Go.
type leafArea struct {
	_       [3]uintptr // reserved
	magic   uintptr    // leafMagic while the leaf call runs
	refused uintptr    // the Handle of the last callback refused during the call
}

// leafRefuse is what a callback made during a leaf call gets: not the
// handler (entering Go there would end the process), but the callback's
// exceptional value, counted in ExLeaf, and the Handle left in the leaf area
// for ffi to report once the leaf call has returned (ReportLeaf). It runs on
// the system stack, called by tramp1 on the C thread with g = g0: it must
// not allocate, block or take a lock.
//
//go:nosplit
//go:norace
func leafRefuse(i uintptr, a *Args, area *leafArea) uintptr {
	c, dead := target(int(i), Handle(slots[i].h.Load()), a)
	if c == nil {
		return dead
	}
	stats.fired.Add(1)
	stats.exLeaf.Add(1)
	area.refused = uintptr(c.handle)
	return c.exc
}
