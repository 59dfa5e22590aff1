//go:build !cgo && linux

#include "textflag.h"

// bindm is the runtime's _cgo_bindm hook: asmcgocall(_cgo_bindm, g) calls it
// on the g0 stack with the C calling convention, g in DI. Like runtime/cgo's
// x_cgo_bindm it stores g under the key: pthread_setspecific(key, g), as a
// tail call (the stack stays aligned as asmcgocall left it).
TEXT ·bindm(SB), NOSPLIT|NOFRAME, $0
	MOVQ DI, SI
	MOVQ ·primeKey(SB), DI
	MOVQ ·pthreadSetspecific(SB), AX
	JMP  AX

// keyDestructor runs when a bound foreign thread exits (glibc calls key
// destructors with the stored value, g, in DI). Like runtime/cgo's
// pthread_key_destructor it calls crosscall2(NULL, g, 0, 0): cgocallback
// with a nil fn restores g from its frame argument and drops the M.
TEXT ·keyDestructor(SB), NOSPLIT|NOFRAME, $0
	MOVQ DI, SI
	XORL DI, DI
	XORL DX, DX
	XORL CX, CX
	JMP  crosscall2(SB)

// func bindmPC() unsafe.Pointer
TEXT ·bindmPC(SB), NOSPLIT, $0-8
	MOVQ $·bindm(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func keyDestructorPC() uintptr
TEXT ·keyDestructorPC(SB), NOSPLIT, $0-8
	MOVQ $·keyDestructor(SB), AX
	MOVQ AX, ret+0(FP)
	RET
