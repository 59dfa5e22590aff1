//go:build amd64 && (linux || freebsd || netbsd || darwin)

#include "textflag.h"
#include "go_asm.h"

// Offsets in the runtime's g and m (checked by leafLayoutOK at init).
#define g_m 48
#define g_sched_sp 56
#define m_g0 0

// The leaf area at the top of the system stack, below g0.sched.sp rounded
// down to 16 bytes: saved goroutine SP, g, a spare word, the magic word that tells
// a callback trampoline it was entered during a leaf call, and the Handle of
// the last callback refused there. internal/callback/tramp_amd64.s finds it
// the same way (TestLeaf_CallbackRefused fails if the two disagree).
#define leafAreaSize 48
#define leafAreaMagic 24
#define leafAreaRefused 32
#define leafMagic 0x6c6561666361 // "acfael": a leaf call is running

// func leafProbe() (gp, m, g0, g0m, lo, hi, sp uintptr)
TEXT ·leafProbe(SB), NOSPLIT, $0-56
	MOVQ (TLS), AX
	MOVQ AX, gp+0(FP)
	MOVQ g_m(AX), BX
	MOVQ BX, m+8(FP)
	MOVQ m_g0(BX), SI
	MOVQ SI, g0+16(FP)
	MOVQ g_m(SI), DX
	MOVQ DX, g0m+24(FP)
	MOVQ 0(SI), DX
	MOVQ DX, lo+32(FP)
	MOVQ 8(SI), DX
	MOVQ DX, hi+40(FP)
	MOVQ g_sched_sp(SI), DX
	MOVQ DX, sp+48(FP)
	RET

// LEAF_ENTER switches to g0's stack exactly as runtime·asmcgocall does (g :=
// g0, SP := g0.sched.sp), but without the scheduler's entersyscall: the
// goroutine keeps its P. With g = g0 the runtime treats signals arriving in
// the C function as arriving in system code: no preemption, and a fault is
// reported as a fatal error with Go's crash report. It writes the leaf area
// (goroutine SP and g, the magic word, no refused callback yet) and then
// reads the library's closed flag (R11: *Library or 0) on the system stack,
// jumping to closed when it is set: Close's stop the world waits for this
// call if it is already past this check. It uses AX, BX, R12 and R13 and
// leaves the argument registers alone.
//
// The goroutine's g and SP stay in R12 and BX, which C preserves (System V
// callee-saved), and the way back restores them from there, not from the
// leaf area: loading them back from memory put a store-to-load forwarding
// on a chain that runs from one leaf call into the next (the restored SP
// and g feed the next call's loads of g, g.m, m.g0 and g0.sched.sp), and
// that chain, not the instruction count, was the largest cost of a leaf
// call (docs/performance.md, ninth session). The area keeps both words for
// its layout (internal/callback reads the words after them).
#define LEAF_ENTER \
	MOVQ (TLS), R12; \
	MOVQ g_m(R12), R13; \
	MOVQ m_g0(R13), R13; \
	MOVQ SP, BX; \
	MOVQ TLS, AX; \
	MOVQ R13, 0(AX)(TLS*1); \
	MOVQ g_sched_sp(R13), SP; \
	SUBQ $leafAreaSize, SP; \
	ANDQ $~15, SP; \
	MOVQ BX, 0(SP); \
	MOVQ R12, 8(SP); \
	MOVQ $leafMagic, AX; \
	MOVQ AX, leafAreaMagic(SP); \
	MOVQ $0, leafAreaRefused(SP); \
	TESTQ R11, R11; \
	JZ call; \
	MOVL Library_closed(R11), AX; \
	TESTL AX, AX; \
	JNZ closed

// LEAF_CALL is the rest, from label call: the C call (function in R10),
// then, from either path, the way back to the goroutine's stack and g (from
// BX and R12). It leaves the results in registers for the caller's named
// stores: AX (RAX) and X0 (XMM0) from C, R13 the Handle of a callback
// refused during the call (internal/callback/tramp_amd64.s writes it into
// the leaf area), R11 the state (stateCalled, or stateClosed without a
// call).
#define LEAF_CALL \
call: \
	CALL R10; \
	MOVQ leafAreaRefused(SP), R13; \
	MOVQ $const_stateCalled, R11; \
	JMP back; \
closed: \
	XORQ AX, AX; \
	MOVQ AX, X0; \
	XORQ R13, R13; \
	MOVQ $const_stateClosed, R11; \
back: \
	MOVQ $0, leafAreaMagic(SP); \
	MOVQ TLS, CX; \
	MOVQ R12, 0(CX)(TLS*1); \
	MOVQ BX, SP

// func leafInts(fn, lib uintptr, i0, i1, i2, i3, i4, i5 uint64) (r1, f1 uint64, refused, state uintptr)
//
// A leaf call whose arguments all travel in integer registers, passed as
// they are: no frame.
TEXT ·leafInts(SB), NOSPLIT, $0-96
	MOVQ fn+0(FP), R10
	MOVQ lib+8(FP), R11
	MOVQ i0+16(FP), DI
	MOVQ i1+24(FP), SI
	MOVQ i2+32(FP), DX
	MOVQ i3+40(FP), CX
	MOVQ i4+48(FP), R8
	MOVQ i5+56(FP), R9
	LEAF_ENTER
	LEAF_CALL
	MOVQ AX, r1+64(FP)
	MOVQ X0, f1+72(FP)
	MOVQ R13, refused+80(FP)
	MOVQ R11, state+88(FP)
	RET

// func leafRegs(fn, lib uintptr, regs *[numIntRegs + numFloatRegs]uint64) (r1, f1 uint64, refused, state uintptr)
//
// A leaf call with any scalar arguments: regs holds the six integer
// registers, then the eight float registers.
TEXT ·leafRegs(SB), NOSPLIT, $0-56
	MOVQ fn+0(FP), R10
	MOVQ lib+8(FP), R11
	MOVQ regs+16(FP), R12
	MOVQ (6*8)(R12), X0
	MOVQ (7*8)(R12), X1
	MOVQ (8*8)(R12), X2
	MOVQ (9*8)(R12), X3
	MOVQ (10*8)(R12), X4
	MOVQ (11*8)(R12), X5
	MOVQ (12*8)(R12), X6
	MOVQ (13*8)(R12), X7
	MOVQ (0*8)(R12), DI
	MOVQ (1*8)(R12), SI
	MOVQ (2*8)(R12), DX
	MOVQ (3*8)(R12), CX
	MOVQ (4*8)(R12), R8
	MOVQ (5*8)(R12), R9
	LEAF_ENTER
	LEAF_CALL
	MOVQ AX, r1+24(FP)
	MOVQ X0, f1+32(FP)
	MOVQ R13, refused+40(FP)
	MOVQ R11, state+48(FP)
	RET
