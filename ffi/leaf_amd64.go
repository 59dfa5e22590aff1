//go:build amd64 && (linux || freebsd || netbsd || darwin)

package ffi

const leafArch = true

// leafInts calls fn on the calling thread's system stack with i0 … i5 in
// the six integer argument registers (leaf_amd64.s). It returns RAX, XMM0,
// the Handle of a callback C made during the call (refused: see
// internal/callback's leafRefuse), 0 if none, and stateCalled, or
// stateClosed without calling when lib (a *Library, or 0) is closed.
func leafInts(fn, lib uintptr, i0, i1, i2, i3, i4, i5 uint64) (r1, f1 uint64, refused, state uintptr)

// leafRegs is leafInts with the six integer and eight float argument
// registers in regs.
//
//go:noescape
func leafRegs(fn, lib uintptr, regs *[numIntRegs + numFloatRegs]uint64) (r1, f1 uint64, refused, state uintptr)

// leafProbe returns what the leaf trampoline (LEAF_ENTER) reads of the
// runtime's structures for the calling goroutine: g.m, m.g0, g0.m, and g0's
// stack bounds and saved stack pointer.
func leafProbe() (gp, m, g0, g0m, lo, hi, sp uintptr)

// leafLayoutOK checks that the runtime's g and m look as the leaf trampoline
// assumes: g.m at offset 48, m.g0 at 0, g.sched.sp at 56 (offsets stable
// since Go 1.4, but not an API). internal/callback's tramp1 reads the same
// three to find a leaf call's marker.
func leafLayoutOK() bool {
	g, m, g0, g0m, lo, hi, sp := leafProbe()
	return g != 0 && m != 0 && g0 != 0 && g0 != g && g0m == m && lo < sp && sp <= hi && hi-lo >= 32<<10
}
