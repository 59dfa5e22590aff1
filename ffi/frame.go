package ffi

import "unsafe"

// frame is what the amd64 trampoline reads and writes: the C function, the
// six integer and eight float argument registers, AL for variadic calls, the
// errno location function, string arguments to copy onto the C stack, the
// results, and where to find the frame again if the calling goroutine's
// stack moved during the call (a callback into Go can grow it). Its layout is
// read by call_amd64.s through go_asm.h.
type frame struct {
	fn    uintptr
	regs  [numIntRegs + numFloatRegs]uint64
	nflt  uintptr // AL: number of vector registers used (variadic callees read it)
	errfn uintptr // __errno_location, 0 when errno is not captured
	// slen holds, in 10 bits per integer register (register i at bit 10*i),
	// the length plus one of a Go string passed in that register (0: not a
	// string). The trampoline copies each such string, NUL-terminated, onto
	// the C stack of the calling thread (which never moves) and passes that
	// copy instead of regs[i], which holds the string's data.
	slen  uint64
	r1    uintptr // RAX
	r2    uintptr // RDX
	f1    uint64  // XMM0
	f2    uint64  // XMM1
	errno uintptr
	g     uintptr // goroutine whose stack holds the frame, 0 if it is not on a stack
	depth uintptr // g.stack.hi - frame address
	// lib is the *Library the call is counted in through the calling
	// thread's slot (inflight.go), 0 when the caller counted it otherwise.
	lib uintptr
	// state is set by the trampoline when it did not call: stateClosed (lib
	// was closed) or stateNoSlot (no thread slot: count the call in the
	// shards and make it again).
	state uintptr
}

// dframe is the frame of a direct call (direct.go): a scalar-only call of a
// library's function without errno capture, ungated or admitted by its
// gate's first phase.
// The direct trampoline (ffidirect, call_amd64.s) reads and writes it; its
// layout is read through go_asm.h. Besides the C function and its argument
// registers it holds the *Library the call is counted in, the two result
// registers a scalar result can come back in, and the state the trampoline
// sets when it did not call.
type dframe struct {
	fn    uintptr
	lib   uintptr
	regs  [numIntRegs + numFloatRegs]uint64
	r1    uintptr // RAX
	f1    uint64  // XMM0
	state uintptr
}

const (
	stateCalled = iota
	stateClosed
	stateNoSlot
)

// maxStackString is the longest string (in bytes, without the NUL) the
// trampoline copies onto the C stack (its length plus one fits 10 bits of
// frame.slen); longer strings are copied to the Go heap, one allocation. At
// most numIntRegs strings fit, so a call takes at most 6 KiB of C stack.
const maxStackString = 1022

// setString passes s in integer register slot: copied onto the C stack by
// the trampoline, or, when it is long or heap is set, to the Go heap here. It
// returns the heap copy, which must stay alive until the call's result is
// converted, or nil.
func (fr *frame) setString(slot int8, s string, heap bool) unsafe.Pointer {
	if len(s) <= maxStackString && !heap {
		fr.regs[slot] = uint64(uintptr(unsafe.Pointer(unsafe.StringData(s))))
		fr.slen |= uint64(len(s)+1) << (10 * uint(slot))
		return nil
	}
	b := make([]byte, len(s)+1)
	copy(b, s)
	p := unsafe.Pointer(&b[0])
	fr.regs[slot] = uint64(uintptr(p))
	return p
}
