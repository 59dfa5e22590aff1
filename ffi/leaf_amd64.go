//go:build amd64 && (linux || freebsd || netbsd || darwin)

package ffi

const leafArch = true

// leaf0 … leaf6 call fn on the calling thread's system stack with their
// words a0 … in registers, word i in both the i-th integer and the i-th
// float argument register (leaf_amd64.s), for a function whose arguments
// are all integers or all floats (leafPosRegs). They return RAX, XMM0 and
// the call's status: 0, the Handle of a callback C made during the call
// (refused: see internal/callback's leafRefuse), or leafClosed without
// calling when lib (a *Library, or 0) is closed. Few words cross the ABI0
// boundary: the caller stores and loads exactly these on its stack.
func leaf0(fn, lib uintptr) (r1, f1 uint64, status uintptr)
func leaf1(fn, lib uintptr, a0 uint64) (r1, f1 uint64, status uintptr)
func leaf2(fn, lib uintptr, a0, a1 uint64) (r1, f1 uint64, status uintptr)
func leaf3(fn, lib uintptr, a0, a1, a2 uint64) (r1, f1 uint64, status uintptr)
func leaf4(fn, lib uintptr, a0, a1, a2, a3 uint64) (r1, f1 uint64, status uintptr)
func leaf5(fn, lib uintptr, a0, a1, a2, a3, a4 uint64) (r1, f1 uint64, status uintptr)
func leaf6(fn, lib uintptr, a0, a1, a2, a3, a4, a5 uint64) (r1, f1 uint64, status uintptr)

// leafRegs is leaf0 … leaf6 for any scalar arguments: regs holds the six
// integer and then the eight float argument registers.
//
//go:noescape
func leafRegs(fn, lib uintptr, regs *[numIntRegs + numFloatRegs]uint64) (r1, f1 uint64, status uintptr)

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
