package ffi

// frame is what the amd64 trampoline reads and writes: the C function, the
// six integer and eight float argument registers, AL for variadic calls, the
// errno location function, the results, and where to find the frame again if
// the calling goroutine's stack moved during the call (a callback into Go
// can grow it). Its layout is read by call_amd64.s through go_asm.h.
type frame struct {
	fn    uintptr
	regs  [numIntRegs + numFloatRegs]uint64
	nflt  uintptr // AL: number of vector registers used (variadic callees read it)
	errfn uintptr // __errno_location, 0 when errno is not captured
	r1    uintptr // RAX
	r2    uintptr // RDX
	f1    uint64  // XMM0
	f2    uint64  // XMM1
	errno uintptr
	g     uintptr // goroutine whose stack holds the frame, 0 if it is not on a stack
	depth uintptr // g.stack.hi - frame address
}
