//go:build amd64 && (linux || freebsd || netbsd || darwin)

package ffi

const leafArch = true

// leafcall runs fr on the calling thread's system stack (leaf_amd64.s).
//
//go:noescape
func leafcall(fr *frame)

// leafProbe returns what leafcall reads of the runtime's structures for the
// calling goroutine: g.m, m.g0, g0.m, and g0's stack bounds and saved stack
// pointer.
func leafProbe() (gp, m, g0, g0m, lo, hi, sp uintptr)

// leafLayoutOK checks that the runtime's g and m look as leafcall assumes:
// g.m at offset 48, m.g0 at 0, g.sched.sp at 56 (offsets stable since Go
// 1.4, but not an API).
func leafLayoutOK() bool {
	g, m, g0, g0m, lo, hi, sp := leafProbe()
	return g != 0 && m != 0 && g0 != 0 && g0 != g && g0m == m && lo < sp && sp <= hi && hi-lo >= 32<<10
}
