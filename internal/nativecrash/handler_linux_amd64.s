//go:build linux && amd64

#include "textflag.h"

GLOBL ·trampABI0(SB), NOPTR|RODATA, $8
DATA ·trampABI0(SB)/8, $goractorCrashTramp(SB)

// goractorCrashTramp is the signal handler (C ABI: DI signal, SI siginfo,
// DX ucontext). It calls handle, which returns the handler to chain to (0:
// return to the kernel), and jumps there with the three arguments and the
// kernel's return address (the restorer) as it got them.
//
// handle is called directly with the Go register ABI (handleABIInternal,
// set by install): the ABI0 wrapper the linker would put in between calls
// the race detector's function entry hook under -race, which needs a
// goroutine. As that wrapper does, it loads g into R14 and zeroes X15, and
// leaves the callee 24 bytes at 0(SP) to spill its three arguments.
TEXT goractorCrashTramp(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BP
	PUSHQ BX
	PUSHQ R12
	PUSHQ R13
	PUSHQ R14
	PUSHQ R15
	SUBQ $56, SP // SP is 16-byte aligned here: entry (8 mod 16) - 48 - 56
	MOVQ DI, 24(SP)
	MOVQ SI, 32(SP)
	MOVQ DX, 40(SP)
	MOVQ DI, AX
	MOVQ SI, BX
	MOVQ DX, CX
	MOVQ (TLS), R14
	XORPS X15, X15
	MOVQ ·handleABIInternal(SB), DX
	CALL DX
	MOVQ 24(SP), DI
	MOVQ 32(SP), SI
	MOVQ 40(SP), DX
	ADDQ $56, SP
	POPQ R15
	POPQ R14
	POPQ R13
	POPQ R12
	POPQ BX
	POPQ BP
	TESTQ AX, AX
	JZ ret
	JMP AX
ret:
	RET

// func tlsg() uintptr
TEXT ·tlsg(SB), NOSPLIT, $0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET

// func load(addr uintptr) uintptr
TEXT ·load(SB), NOSPLIT, $0-16
	MOVQ addr+0(FP), AX
	MOVQ (AX), AX
	MOVQ AX, ret+8(FP)
	RET

// func load32(addr uintptr) uint32
TEXT ·load32(SB), NOSPLIT, $0-12
	MOVQ addr+0(FP), AX
	MOVL (AX), AX
	MOVL AX, ret+8(FP)
	RET

// func loadb(addr uintptr) byte
TEXT ·loadb(SB), NOSPLIT, $0-9
	MOVQ addr+0(FP), AX
	MOVBLZX (AX), AX
	MOVB AX, ret+8(FP)
	RET

// func ccall2(fn, a, b uintptr) uintptr calls the C function fn(a, b) on
// the current stack (the signal stack: only from the handler).
TEXT ·ccall2(SB), NOSPLIT, $0-32
	MOVQ fn+0(FP), AX
	MOVQ a+8(FP), DI
	MOVQ b+16(FP), SI
	MOVQ SP, R12 // callee-saved in the C ABI
	ANDQ $~15, SP
	CALL AX
	MOVQ R12, SP
	MOVQ AX, ret+24(FP)
	RET

// func rawsys(trap, a1, a2, a3, a4 uintptr) uintptr
TEXT ·rawsys(SB), NOSPLIT, $0-48
	MOVQ trap+0(FP), AX
	MOVQ a1+8(FP), DI
	MOVQ a2+16(FP), SI
	MOVQ a3+24(FP), DX
	MOVQ a4+32(FP), R10
	SYSCALL
	MOVQ AX, ret+40(FP)
	RET

// func xchg32(addr *uint32, v uint32) uint32
TEXT ·xchg32(SB), NOSPLIT, $0-20
	MOVQ addr+0(FP), BX
	MOVL v+8(FP), AX
	XCHGL AX, 0(BX)
	MOVL AX, ret+16(FP)
	RET
