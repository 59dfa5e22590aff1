//go:build amd64 && (linux || freebsd || netbsd || darwin)

#include "textflag.h"
#include "go_asm.h"

// Offsets in the runtime's g and m (checked by leafLayoutOK at init).
#define g_m 48
#define g_sched_sp 56
#define m_g0 0

// The leaf area at the top of the system stack, below g0.sched.sp rounded
// down to 16 bytes: three reserved words, the magic word that tells a
// callback trampoline it was entered during a leaf call, and the Handle of
// the last callback refused there. internal/callback/tramp_amd64.s finds it
// the same way (TestLeaf_CallbackRefused fails if the two disagree).
#define leafAreaSize 48
#define leafAreaMagic 24
#define leafAreaRefused 32
#define leafMagic 0x6c6561666361 // "acfael": a leaf call is running

// LEAF_ARGSn loads the first n argument words of leaf1 … leaf6 (a0 at
// 16(FP), after fn and lib), word i into both the i-th integer and the
// i-th float argument register.
#define LEAF_ARGS1 MOVQ a0+16(FP), DI; MOVQ DI, X0
#define LEAF_ARGS2 LEAF_ARGS1; MOVQ a1+24(FP), SI; MOVQ SI, X1
#define LEAF_ARGS3 LEAF_ARGS2; MOVQ a2+32(FP), DX; MOVQ DX, X2
#define LEAF_ARGS4 LEAF_ARGS3; MOVQ a3+40(FP), CX; MOVQ CX, X3
#define LEAF_ARGS5 LEAF_ARGS4; MOVQ a4+48(FP), R8; MOVQ R8, X4
#define LEAF_ARGS6 LEAF_ARGS5; MOVQ a5+56(FP), R9; MOVQ R9, X5

// LEAF_FN loads fn and lib, the first two arguments of every entry.
#define LEAF_FN MOVQ fn+0(FP), R10; MOVQ lib+8(FP), R11

// LEAF_RET stores the results (r1, f1, status at res, res+8, res+16 from
// FP) and returns.
#define LEAF_RET(res) MOVQ AX, r1+(res)(FP); MOVQ X0, f1+(res+8)(FP); MOVQ R13, status+(res+16)(FP); RET

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
// (the magic word, no refused callback yet) and then
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
// call (docs/performance.md, ninth session). Nothing stores them in the
// area: its first three words are reserved, so that the layout
// internal/callback reads (the words after them) stays as it was.
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
// stores: AX (RAX) and X0 (XMM0) from C, and in R13 the call's status
// (leaf.go): 0, or the Handle of a callback refused during the call
// (internal/callback/tramp_amd64.s writes it into the leaf area), or
// leafClosed (-1) without a call.
#define LEAF_CALL \
call: \
	CALL R10; \
	MOVQ leafAreaRefused(SP), R13; \
	JMP back; \
closed: \
	XORQ AX, AX; \
	MOVQ AX, X0; \
	MOVQ $-1, R13; \
back: \
	MOVQ $0, leafAreaMagic(SP); \
	MOVQ TLS, CX; \
	MOVQ R12, 0(CX)(TLS*1); \
	MOVQ BX, SP

// func leaf0(fn, lib uintptr) (r1, f1 uint64, status uintptr)
//
// A leaf call of fn with all its arguments (each one word) in registers:
// word i goes to both the i-th integer and the i-th float argument
// register, so one entry serves a function whose arguments are all
// integers and one whose arguments are all floats (leafPosRegs); C reads
// the registers its signature names and ignores the others. leaf1 … leaf6
// are the same with one to six words.
TEXT ·leaf0(SB), NOSPLIT, $0-40
	LEAF_FN
	LEAF_ENTER
	LEAF_CALL
	LEAF_RET(16)

// func leaf1(fn, lib uintptr, a0 uint64) (r1, f1 uint64, status uintptr)
TEXT ·leaf1(SB), NOSPLIT, $0-48
	LEAF_FN
	LEAF_ARGS1
	LEAF_ENTER
	LEAF_CALL
	LEAF_RET(24)

// func leaf2(fn, lib uintptr, a0, a1 uint64) (r1, f1 uint64, status uintptr)
TEXT ·leaf2(SB), NOSPLIT, $0-56
	LEAF_FN
	LEAF_ARGS2
	LEAF_ENTER
	LEAF_CALL
	LEAF_RET(32)

// func leaf3(fn, lib uintptr, a0, a1, a2 uint64) (r1, f1 uint64, status uintptr)
TEXT ·leaf3(SB), NOSPLIT, $0-64
	LEAF_FN
	LEAF_ARGS3
	LEAF_ENTER
	LEAF_CALL
	LEAF_RET(40)

// func leaf4(fn, lib uintptr, a0, a1, a2, a3 uint64) (r1, f1 uint64, status uintptr)
TEXT ·leaf4(SB), NOSPLIT, $0-72
	LEAF_FN
	LEAF_ARGS4
	LEAF_ENTER
	LEAF_CALL
	LEAF_RET(48)

// func leaf5(fn, lib uintptr, a0, a1, a2, a3, a4 uint64) (r1, f1 uint64, status uintptr)
TEXT ·leaf5(SB), NOSPLIT, $0-80
	LEAF_FN
	LEAF_ARGS5
	LEAF_ENTER
	LEAF_CALL
	LEAF_RET(56)

// func leaf6(fn, lib uintptr, a0, a1, a2, a3, a4, a5 uint64) (r1, f1 uint64, status uintptr)
TEXT ·leaf6(SB), NOSPLIT, $0-88
	LEAF_FN
	LEAF_ARGS6
	LEAF_ENTER
	LEAF_CALL
	LEAF_RET(64)

// func leafRegs(fn, lib uintptr, regs *[numIntRegs + numFloatRegs]uint64) (r1, f1 uint64, status uintptr)
//
// A leaf call with any scalar arguments: regs holds the six integer
// registers, then the eight float registers.
TEXT ·leafRegs(SB), NOSPLIT, $0-48
	LEAF_FN
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
	LEAF_RET(24)
