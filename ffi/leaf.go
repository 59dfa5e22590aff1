package ffi

import (
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"github.com/goractor/goractor/internal/callback"
)

// Leaf calls (WithLeaf, docs/ffi.md "Leaf calls"). A leaf call switches to
// the calling thread's system stack and calls the C function there, without
// telling the scheduler (no entersyscall/exitsyscall): the goroutine keeps
// its P and stays running for the length of the call, like Go code that
// does not reach a safe point. That is what makes it cheap, and what limits
// it to short functions that never block and never call back into Go.
//
// A library with leaf functions is closed without a count: a leaf call loads
// its library's closed flag on the system stack and calls only if it is
// clear; Close stores closed and then stops the world once, which waits for
// every running leaf call (they hold their Ps), so once it returns no leaf
// call can still be inside the library.

// leafEnv is the environment variable that turns leaf calls off: with
// GORACTOR_FFI_LEAF=off functions bound WithLeaf take the ordinary path.
const leafEnv = "GORACTOR_FFI_LEAF"

// leafOn reports whether WithLeaf takes effect in this process: the
// platform has the leaf trampoline and its view of the runtime checked out,
// the race detector is off (it must see every call into C: ordinary calls
// tell it), and the environment did not turn leaf calls off.
var leafOn = leafArch && fastOK && !raceOn && os.Getenv(leafEnv) != "off" && leafLayoutOK()

// LeafCalls reports whether functions bound WithLeaf make leaf calls in this
// process; when it is false they take the ordinary call path (see WithLeaf).
func LeafCalls() bool { return leafOn }

// leafSig reports why sig cannot be bound as a leaf function ("" when it
// can): scalar arguments and result only, no variadic part.
func leafSig(sig *Signature) string {
	// The rule is the same on every platform (a binding that works on one
	// must not fail on another): it does not depend on whether this
	// platform has the register trampoline, only on the signature.
	p := &sig.plan
	if sig.Variadic || p.variadic.c != cNone {
		return "a leaf function takes a fixed list of scalar arguments"
	}
	for i := range p.params {
		if !p.params[i].c.scalar() {
			return "a leaf function takes scalar arguments only (integers, floats, bool, pointers)"
		}
	}
	if p.nint > numIntRegs || p.nflt > numFloatRegs {
		return fmt.Sprintf("a leaf function takes at most %d integer and %d float arguments (they travel in registers)", numIntRegs, numFloatRegs)
	}
	if p.res.c != cNone && !p.res.c.scalar() {
		return "a leaf function returns a scalar or nothing"
	}
	return ""
}

// leafClosed is the status of a leaf call that was not made because its
// library is closed (leaf0 … leaf6, leafRegs). The other statuses are 0 (a
// call, no callback refused) and the Handle of a callback refused during
// the call, never leafClosed: a Handle's low half is a table index below
// callback.MaxHandles (the assertion below). One word carries both checks,
// so the closures' fast path tests it once.
const leafClosed = ^uintptr(0)

const _ = uint32(1<<32 - 1 - callback.MaxHandles) // a Handle's index half is never all ones

// lcall makes a leaf call of f with the arguments set in fr (the frame's
// register words only) and reports whether it was made: false, without
// calling, when f's library is closed. It serves the paths that build a
// frame (a gated function's admitted calls); Bind's leaf closures pass
// their arguments to leaf0 … leaf6 or leafRegs themselves (leafFn0 …).
func (f *Func) lcall(fr *frame) bool {
	r1, f1, status := leafRegs(f.ptr, uintptr(unsafe.Pointer(f.lib)), &fr.regs)
	fr.r1, fr.f1 = uintptr(r1), f1
	if status == leafClosed {
		return false
	}
	if status != 0 {
		callback.ReportLeaf(callback.Handle(status), f.name)
	}
	return true
}

// leafDone is the slow end of a leaf call with a nonzero status: it reports
// a callback refused during the call and returns ErrClosed when the call
// was not made.
//
//go:noinline
func (f *Func) leafDone(status uintptr) error {
	if status == leafClosed {
		return f.callErr(ErrClosed)
	}
	callback.ReportLeaf(callback.Handle(status), f.name)
	return nil
}

// leafPosRegs reports whether the leaf closure can pass f's arguments
// straight to leaf0 … leaf6: every one travels in the integer or the float
// register of its own position (so all are integers, or all floats).
func leafPosRegs(sa []scalarArg) bool {
	for i := range sa {
		if s := int(sa[i].slot); s != i && s != numIntRegs+i {
			return false
		}
	}
	return true
}

// stopTheWorld stops every goroutine at a safe point and starts them again.
// A leaf call runs on its thread's system stack holding its P, where the
// scheduler cannot stop it: once stopTheWorld returns, every leaf call that
// had loaded its library's closed flag before has returned.
func stopTheWorld() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms) // stops the world (the one public way)
}
