//go:build linux && arm64

#include "textflag.h"

GLOBL ·trampABI0(SB), NOPTR|RODATA, $8
DATA ·trampABI0(SB)/8, $goractorCrashTramp(SB)

// goractorCrashTramp is the signal handler (C ABI: R0 signal, R1 siginfo,
// R2 ucontext, LR the kernel's sigreturn). It calls handle, which returns
// the handler to chain to (0: return to the kernel), and branches there
// with the three arguments and LR as it got them.
//
// handle is called directly with the Go register ABI (handleABIInternal,
// set by install), with g (R28) loaded from the thread's TLS slot (0 when
// unknown). The C callee-saved registers Go may clobber (R19-R30, F8-F15)
// are saved around it. Frame (224 bytes, 16-aligned):
//   0(RSP)        the callee's saved-LR slot; 8..31 its argument spill area
//   32..55        R0-R2 as the kernel passed them
//   56..151       R19-R30
//   152..215      F8-F15
TEXT goractorCrashTramp(SB), NOSPLIT|NOFRAME, $0
	SUB	$224, RSP
	MOVD	R0, 32(RSP)
	MOVD	R1, 40(RSP)
	MOVD	R2, 48(RSP)
	STP	(R19, R20), 56(RSP)
	STP	(R21, R22), 72(RSP)
	STP	(R23, R24), 88(RSP)
	STP	(R25, R26), 104(RSP)
	STP	(R27, g), 120(RSP)
	STP	(R29, R30), 136(RSP)
	FSTPD	(F8, F9), 152(RSP)
	FSTPD	(F10, F11), 168(RSP)
	FSTPD	(F12, F13), 184(RSP)
	FSTPD	(F14, F15), 200(RSP)
	MOVD	$0, g
	MOVD	·tlsgOff(SB), R3
	CBZ	R3, call
	WORD	$0xd53bd040 // MRS TPIDR_EL0, R0
	MOVD	(R0)(R3), g
call:
	MOVD	32(RSP), R0
	MOVD	40(RSP), R1
	MOVD	48(RSP), R2
	MOVD	·handleABIInternal(SB), R9
	CALL	(R9)
	MOVD	R0, R9
	MOVD	32(RSP), R0
	MOVD	40(RSP), R1
	MOVD	48(RSP), R2
	LDP	56(RSP), (R19, R20)
	LDP	72(RSP), (R21, R22)
	LDP	88(RSP), (R23, R24)
	LDP	104(RSP), (R25, R26)
	LDP	120(RSP), (R27, g)
	LDP	136(RSP), (R29, R30)
	FLDPD	152(RSP), (F8, F9)
	FLDPD	168(RSP), (F10, F11)
	FLDPD	184(RSP), (F12, F13)
	FLDPD	200(RSP), (F14, F15)
	ADD	$224, RSP
	CBZ	R9, ret
	JMP	(R9)
ret:
	RET

// func tlsg() uintptr
TEXT ·tlsg(SB), NOSPLIT, $0-8
	MOVD	$0, R0
	MOVD	·tlsgOff(SB), R1
	CBZ	R1, done
	WORD	$0xd53bd040 // MRS TPIDR_EL0, R0
	MOVD	(R0)(R1), R0
done:
	MOVD	R0, ret+0(FP)
	RET

// func tp() uintptr
TEXT ·tp(SB), NOSPLIT, $0-8
	WORD	$0xd53bd040 // MRS TPIDR_EL0, R0
	MOVD	R0, ret+0(FP)
	RET

// func curg() uintptr
TEXT ·curg(SB), NOSPLIT, $0-8
	MOVD	g, R0
	MOVD	R0, ret+0(FP)
	RET

// func load(addr uintptr) uintptr
TEXT ·load(SB), NOSPLIT, $0-16
	MOVD	addr+0(FP), R0
	MOVD	(R0), R0
	MOVD	R0, ret+8(FP)
	RET

// func load32(addr uintptr) uint32
TEXT ·load32(SB), NOSPLIT, $0-12
	MOVD	addr+0(FP), R0
	MOVWU	(R0), R0
	MOVW	R0, ret+8(FP)
	RET

// func loadb(addr uintptr) byte
TEXT ·loadb(SB), NOSPLIT, $0-9
	MOVD	addr+0(FP), R0
	MOVBU	(R0), R0
	MOVB	R0, ret+8(FP)
	RET

// func ccall2(fn, a, b uintptr) uintptr calls the C function fn(a, b) on
// the current stack (the signal stack: only from the handler). The frame
// makes the assembler save LR; the C callee keeps R19-R29 (g included).
TEXT ·ccall2(SB), NOSPLIT, $16-32
	MOVD	fn+0(FP), R9
	MOVD	a+8(FP), R0
	MOVD	b+16(FP), R1
	CALL	(R9)
	MOVD	R0, ret+24(FP)
	RET

// func rawsys(trap, a1, a2, a3, a4 uintptr) uintptr
TEXT ·rawsys(SB), NOSPLIT, $0-48
	MOVD	a1+8(FP), R0
	MOVD	a2+16(FP), R1
	MOVD	a3+24(FP), R2
	MOVD	a4+32(FP), R3
	MOVD	trap+0(FP), R8
	SVC
	MOVD	R0, ret+40(FP)
	RET

// func xchg32(addr *uint32, v uint32) uint32
TEXT ·xchg32(SB), NOSPLIT, $0-20
	MOVD	addr+0(FP), R0
	MOVW	v+8(FP), R1
again:
	LDAXRW	(R0), R2
	STLXRW	R1, (R0), R3
	CBNZ	R3, again
	MOVW	R2, ret+16(FP)
	RET
