//go:build amd64 && (linux || freebsd || netbsd || darwin)

#include "textflag.h"
#include "go_asm.h"
#include "frame_amd64.h"

// Offsets in the runtime's g and m (checked by leafLayoutOK at init).
#define g_m 48
#define g_sched_sp 56
#define m_g0 0

// The leaf area at the top of the system stack, below g0.sched.sp rounded
// down to 16 bytes: saved goroutine SP, g, frame, the magic word that tells
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

// func leafcall(fr *frame)
//
// Switches to g0's stack exactly as runtime·asmcgocall does (g := g0, SP :=
// g0.sched.sp), but without the scheduler's entersyscall: the goroutine keeps
// its P. With g = g0 the runtime treats signals arriving in the C function
// as arriving in system code: no preemption, and a fault is reported as a
// fatal error with Go's crash report. The frame, on the goroutine's stack,
// cannot move: no Go code runs until the call returns.
TEXT ·leafcall(SB), NOSPLIT, $0-8
	MOVQ fr+0(FP), DI
	MOVQ (TLS), R8 // g
	MOVQ g_m(R8), SI
	MOVQ m_g0(SI), SI     // g0
	MOVQ SP, DX
	MOVQ TLS, BX
	MOVQ SI, 0(BX)(TLS*1) // g = g0
	MOVQ g_sched_sp(SI), SP
	SUBQ $leafAreaSize, SP
	ANDQ $~15, SP // C ABI alignment
	// The leaf area (internal/callback/leaf.go reads it at the same place
	// to refuse a callback made during the call).
	MOVQ DX, 0(SP)  // goroutine SP
	MOVQ R8, 8(SP)  // goroutine g
	MOVQ DI, 16(SP) // frame
	MOVQ $leafMagic, AX
	MOVQ AX, leafAreaMagic(SP)
	MOVQ $0, leafAreaRefused(SP)

	// The library's closed flag, read on the system stack: Close's stop
	// the world waits for this call if it is already past this check.
	MOVQ frame_lib(DI), AX
	TESTQ AX, AX
	JZ call
	MOVL Library_closed(AX), AX
	TESTL AX, AX
	JZ call
	MOVQ $const_stateClosed, frame_state(DI)
	JMP back

call:
	MOVQ DI, R11
	CALL_FRAME

	MOVQ 16(SP), R11
	MOVQ AX, frame_r1(R11)
	MOVQ DX, frame_r2(R11)
	MOVQ X0, frame_f1(R11)
	MOVQ X1, frame_f2(R11)
	MOVQ leafAreaRefused(SP), AX
	MOVQ AX, frame_cbrefused(R11)

back:
	MOVQ $0, leafAreaMagic(SP)
	MOVQ 8(SP), R8
	MOVQ TLS, BX
	MOVQ R8, 0(BX)(TLS*1) // g = the goroutine again
	MOVQ 0(SP), SP
	RET
