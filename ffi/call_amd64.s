//go:build amd64 && (linux || freebsd || netbsd || darwin)

#include "textflag.h"
#include "go_asm.h"

// func gstack() (gp, lo, hi uintptr)
TEXT ·gstack(SB), NOSPLIT, $0-24
	MOVQ (TLS), AX
	MOVQ AX, gp+0(FP)
	MOVQ 0(AX), BX // g.stack.lo
	MOVQ BX, lo+8(FP)
	MOVQ 8(AX), BX // g.stack.hi
	MOVQ BX, hi+16(FP)
	RET

GLOBL ·trampABI0(SB), NOPTR|RODATA, $8
DATA ·trampABI0(SB)/8, $ffitramp(SB)

// ffitramp is called by runtime·asmcgocall on the g0 stack with the C calling
// convention: DI holds the *frame. It loads the argument registers from the
// frame, sets AL for variadic callees, calls the C function, and stores the
// results. Because a callback into Go during the call may grow (and so move)
// the calling goroutine's stack, it finds a stack-resident frame again from
// g.stack.hi minus its recorded depth, exactly as asmcgocall restores its own
// stack pointer and as cgo's generated code does with _cgo_topofstack.
//
// Local frame (32 bytes, 16-byte aligned with the saved BP):
//   0(SP) frame address at entry, 8(SP) g, 16(SP) depth, 24(SP) &errno.
TEXT ffitramp(SB), NOSPLIT, $32
	MOVQ DI, 0(SP)
	MOVQ frame_g(DI), AX
	MOVQ AX, 8(SP)
	MOVQ frame_depth(DI), AX
	MOVQ AX, 16(SP)
	MOVQ $0, 24(SP)

	MOVQ frame_errfn(DI), AX
	TESTQ AX, AX
	JZ args
	CALL AX // int *__errno_location(void)
	MOVL $0, (AX) // errno = 0
	MOVQ AX, 24(SP)
	MOVQ 0(SP), DI

args:
	MOVQ DI, R11
	MOVQ (frame_regs+6*8)(R11), X0
	MOVQ (frame_regs+7*8)(R11), X1
	MOVQ (frame_regs+8*8)(R11), X2
	MOVQ (frame_regs+9*8)(R11), X3
	MOVQ (frame_regs+10*8)(R11), X4
	MOVQ (frame_regs+11*8)(R11), X5
	MOVQ (frame_regs+12*8)(R11), X6
	MOVQ (frame_regs+13*8)(R11), X7
	MOVQ (frame_regs+0*8)(R11), DI
	MOVQ (frame_regs+1*8)(R11), SI
	MOVQ (frame_regs+2*8)(R11), DX
	MOVQ (frame_regs+3*8)(R11), CX
	MOVQ (frame_regs+4*8)(R11), R8
	MOVQ (frame_regs+5*8)(R11), R9
	MOVQ frame_nflt(R11), AX // AL: vector registers used, for variadic callees
	MOVQ frame_fn(R11), R10
	CALL R10

	MOVQ 8(SP), R11
	TESTQ R11, R11
	JZ heapframe
	MOVQ 8(R11), R11 // g.stack.hi now (the stack may have moved)
	SUBQ 16(SP), R11
	JMP store
heapframe:
	MOVQ 0(SP), R11
store:
	MOVQ AX, frame_r1(R11)
	MOVQ DX, frame_r2(R11)
	MOVQ X0, frame_f1(R11)
	MOVQ X1, frame_f2(R11)
	MOVQ 24(SP), AX
	TESTQ AX, AX
	JZ done
	MOVLQZX (AX), AX
	MOVQ AX, frame_errno(R11)
done:
	XORL AX, AX
	RET
