//go:build amd64 && (linux || freebsd || netbsd || darwin)

package ffi

import (
	"unsafe"

	"github.com/goractor/goractor/internal/execctx"

	_ "github.com/ebitengine/purego" // fakecgo: the runtime hooks cgocall needs when CGO_ENABLED=0
)

const fastArch = true

// runtime_cgocall is the runtime's entry into C code, the one cgo and purego
// use (go.dev/issue/67401 keeps it linkable). It switches to the g0 stack,
// tells the scheduler the goroutine is in a system call, and calls fn(arg)
// with the C calling convention. The frame does not escape: the runtime only
// hands it to the trampoline for the duration of the call.
//
//go:linkname runtime_cgocall runtime.cgocall
//go:noescape
func runtime_cgocall(fn uintptr, arg unsafe.Pointer) int32

// trampABI0 is the address of the assembly trampoline's entry from cgocall
// (ffitrampcgo, call_amd64.s): it finds the frame's place in the calling
// goroutine's stack from what asmcgocall saved. probeABI0 (ffiprobe) returns
// those saved words, for checkGLayout.
var trampABI0, probeABI0 uintptr

// gstack returns the calling goroutine's g and its stack bounds.
//
//go:noescape
func gstack() (gp, lo, hi uintptr)

// fastOK is false when the runtime does not look like the trampoline
// assumes: g.stack.lo and g.stack.hi as g's first words, and asmcgocall
// saving the goroutine's stack depth and g right above the return address
// of the function it calls (ffitrampcgo reads them); then every call goes
// through purego.
var fastOK = checkGLayout()

//go:noinline
func checkGLayout() bool {
	var probe [64]byte
	g, lo, hi := gstack()
	sp := uintptr(unsafe.Pointer(&probe))
	size := hi - lo
	if g == 0 || sp <= lo || sp >= hi || size < 2048 || size&(size-1) != 0 {
		return false
	}
	// asmcgocall's saved words: this goroutine, and the depth of its
	// stack pointer at the call, a little below this frame.
	var saved [2]uintptr
	runtime_cgocall(probeABI0, unsafe.Pointer(&saved))
	g2, _, hi2 := gstack() // the stack may have grown since
	at := hi2 - saved[0]
	p := uintptr(unsafe.Pointer(&saved))
	return saved[1] == g2 && g2 == g && saved[0] < hi2-lo && at < p && p-at < 4096
}

// callFrame makes the native call described by fr on the calling thread.
// The trampoline's cgocall entry records where fr sits in the goroutine's
// stack, if it does.
func callFrame(fr *frame) {
	runtime_cgocall(trampABI0, unsafe.Pointer(fr))
}

// callCounted makes the call whose arguments are set in fr (on the caller's stack
// or the heap), counted in flight in f's library, and reports whether it was
// made: false, without calling, when the library is closed. The count is the
// calling thread's slot, pushed and popped by the trampoline with plain
// stores (inflight.go); where that is not available, the library's shards
// (Library.enter and exit). It is the typed paths' whole call sequence: the
// count, the lend check, the stack bookkeeping of callFrame and cgocall.
func (f *Func) callCounted(fr *frame) bool {
	fr.fn = f.ptr
	fr.nflt = uintptr(f.sig.plan.nflt)
	fr.errfn = f.errfn
	if f.leaf {
		return f.lcall(fr)
	}
	l := f.lib
	if l == nil || !asymmetric || slotsFull.Load() {
		return f.callShards(fr)
	}
	fr.lib = uintptr(unsafe.Pointer(l))
	if execctx.AnyLenders() {
		nativeFrame(fr)
	} else {
		runtime_cgocall(trampABI0, unsafe.Pointer(fr))
	}
	if fr.state != stateCalled {
		return f.refused(fr)
	}
	if l.closed.Load() { // a plain load on amd64
		l.lastExit()
	}
	return true
}

// refused handles a call the trampoline did not make: closed, or made again
// counted in the shards when the thread had no slot.
//
//go:noinline
func (f *Func) refused(fr *frame) bool {
	if fr.state == stateClosed {
		return false
	}
	if !slotsFull.Load() {
		slotsFull.Store(true)
	}
	fr.lib, fr.state = 0, stateCalled
	return f.callShards(fr)
}

// callShards is callCounted counting the call in the library's shards (or not at
// all without a library).
func (f *Func) callShards(fr *frame) bool {
	l := f.lib
	var sh *shard
	if l != nil {
		var ok bool
		if sh, ok = l.enter(); !ok {
			return false
		}
	}
	nativeFrame(fr)
	if l != nil {
		l.exit(sh)
	}
	return true
}

// directABI0 is the address of the direct trampoline (ffidirect,
// call_amd64.s), entered from cgocall.
var directABI0 uintptr

// directOK reports whether direct calls (direct.go) are available: the
// trampoline's view of the runtime checked out and calls may count
// themselves in the thread slots.
var directOK = fastOK && asymmetric

// noLenders reports whether no actor lends its token for the length of a
// native call (no ThreadSafe callback exists): then a direct call needs no
// lookup of its actor.
func noLenders() bool { return !execctx.AnyLenders() }

// dcallLent makes a direct call when some actor may lend its token for the
// length of a native call (a ThreadSafe callback exists): the calling
// actor's token is lent if it lends on calls.
//
//go:noinline
func (f *Func) dcallLent(fr *dframe) {
	e := execctx.LendCurrent()
	runtime_cgocall(directABI0, unsafe.Pointer(fr))
	if e != nil {
		// No defer: nothing between Lend and Reclaim can panic.
		e.Reclaim()
	}
}

// dcallEnd finishes a direct call that did not end the ordinary way (made,
// with its library still open): made while its library was closed (the
// last call out unloads it), not made because the library was closed
// (ErrClosed), or not made for want of a thread slot (made now, counted in
// the library's shards).
//
//go:noinline
func (f *Func) dcallEnd(fr *dframe) error {
	switch fr.state {
	case stateCalled:
		f.lib.lastExit()
		return nil
	case stateClosed:
		return f.callErr(ErrClosed)
	}
	if !slotsFull.Load() {
		slotsFull.Store(true)
	}
	full := f.generalFrame(fr)
	if !f.callShards(full) {
		return f.callErr(ErrClosed)
	}
	fr.r1, fr.f1 = full.r1, full.f1
	return nil
}

// dcallGated makes a direct call of a function whose gate has a first
// phase, and returns its error: on the caller's stack when the gate admits
// the call (finished by dcallEnd when it did not end the ordinary way),
// otherwise through the gate's Call with a heap copy of the frame, as
// scalarGated does for the general frame.
//
//go:noinline
func (f *Func) dcallGated(fr *dframe) error {
	admitted, locked := f.admit.Admit()
	if !admitted {
		h := f.generalFrame(fr)
		if err := f.gated(execctx.Current(), func() { nativeFrame(h) }); err != nil {
			return err
		}
		fr.r1, fr.f1 = h.r1, h.f1
		return nil
	}
	if noLenders() {
		runtime_cgocall(directABI0, unsafe.Pointer(fr))
	} else {
		f.dcallLent(fr)
	}
	if locked {
		f.admit.Release()
	}
	if fr.state != stateCalled || f.lib.closed.Load() {
		return f.dcallEnd(fr)
	}
	return nil
}

// generalFrame returns the general frame of the direct call set up in fr,
// for the paths that make it through ffitramp (the shards, the gate's Call).
// It is on the heap: the gate's Call may run it on another thread.
func (f *Func) generalFrame(fr *dframe) *frame {
	return &frame{fn: fr.fn, regs: fr.regs, nflt: uintptr(f.sig.plan.nflt)}
}
