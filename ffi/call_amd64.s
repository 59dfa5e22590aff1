//go:build amd64 && (linux || freebsd || netbsd || darwin)

#include "textflag.h"
#include "go_asm.h"
#include "frame_amd64.h"

// SLOT_FIND finds the calling thread's slot in tslots (inflight.go) and
// leaves its address in S, or jumps to missing: it hashes the thread's g0
// (the caller runs on it), probes linearly, and claims a free slot with a
// compare-and-swap. It uses AX, CX, DX, R8 and R9, and defines the labels
// slotprobe, slotnext and slotfound (once per function).
#define SLOT_FIND(S, missing) \
	MOVQ (TLS), CX; \
	MOVQ CX, DX; \
	MOVQ $0x9E3779B97F4A7C15, S; \
	IMULQ S, DX; \
	SHRQ $(64-const_tslotBits), DX; \
	MOVQ $const_tslotProbes, R9; \
	LEAQ ·tslots(SB), R8; \
slotprobe: \
	MOVQ DX, S; \
	SHLQ $6, S; \
	ADDQ R8, S; \
	MOVQ tslot_key(S), AX; \
	CMPQ AX, CX; \
	JEQ slotfound; \
	TESTQ AX, AX; \
	JNZ slotnext; \
	LOCK; \
	CMPXCHGQ CX, tslot_key(S); \
	JEQ slotfound; \
slotnext: \
	INCQ DX; \
	ANDQ $((1<<const_tslotBits)-1), DX; \
	DECQ R9; \
	JNZ slotprobe; \
	JMP missing; \
slotfound:

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
DATA ·trampABI0(SB)/8, $ffitrampcgo(SB)
GLOBL ·directABI0(SB), NOPTR|RODATA, $8
DATA ·directABI0(SB)/8, $ffidirect(SB)
GLOBL ·probeABI0(SB), NOPTR|RODATA, $8
DATA ·probeABI0(SB)/8, $ffiprobe(SB)

// ffitrampcgo is ffitramp's entry from runtime·asmcgocall (the cgocall
// path): it records where the frame sits in the calling goroutine's stack
// and tail-calls ffitramp. asmcgocall has switched to the g0 stack and, like
// cgo, saved the goroutine's stack depth and g in the two words above the
// return address (asm_amd64.s; asmcgocall_landingpad tail-calls fn, so
// they sit right above our return address): 16(SP) is the goroutine, 0 when
// asmcgocall was already on a system stack. A frame inside that
// goroutine's stack is found again after the call from g.stack.hi minus
// its depth (ffitramp); any other frame (heap, system stack) does not move.
// checkGLayout's probe (ffiprobe) checks the two words at init.
TEXT ffitrampcgo(SB), NOSPLIT|NOFRAME, $0
	MOVQ 16(SP), AX // the calling goroutine
	TESTQ AX, AX
	JZ nostack
	MOVQ 0(AX), CX // g.stack.lo
	CMPQ DI, CX
	JB nostack
	MOVQ 8(AX), CX // g.stack.hi
	CMPQ DI, CX
	JAE nostack
	SUBQ DI, CX
	MOVQ AX, frame_g(DI)
	MOVQ CX, frame_depth(DI)
	JMP ffitramp(SB)
nostack:
	MOVQ $0, frame_g(DI)
	JMP ffitramp(SB)

// ffidirect is the trampoline of direct calls (direct.go), entered from
// runtime·asmcgocall on the g0 stack like ffitrampcgo, with DI pointing at
// a dframe. It is ffitramp cut down to what a scalar call of a library's
// function needs: no string copies, no errno, no AL, two result registers,
// no frame of its own. Everything it must keep across the C call lives in
// registers the C ABI preserves (R12 goroutine, R13 frame depth, R15 thread
// slot); it does not restore them for its caller, because asmcgocall (Go
// assembly, whose callers assume every register but SP and BP clobbered)
// keeps nothing in them. Only runtime·asmcgocall may call it.
//
// It finds the calling thread's slot like ffitramp (hash of g0, linear
// probe, a free slot claimed with a compare-and-swap), pushes the library,
// loads its closed flag and either calls or pops again and sets
// dframe.state: stateClosed, or stateNoSlot when the thread has no slot or
// its slot is nested full (the Go side then counts the call in the shards).
// A frame in the goroutine's stack is found again after the call from
// g.stack.hi minus its depth, as in ffitramp.
TEXT ffidirect(SB), NOSPLIT|NOFRAME, $0
	MOVQ 16(SP), R12 // the calling goroutine (asmcgocall saved it), or 0
	TESTQ R12, R12
	JZ offstack
	MOVQ 8(R12), R13 // g.stack.hi
	CMPQ DI, R13
	JAE offstack
	CMPQ DI, 0(R12) // g.stack.lo
	JB offstack
	SUBQ DI, R13 // the frame's depth
	JMP slot
offstack:
	XORL R12, R12
	MOVQ DI, R13 // the frame does not move

slot:
	MOVQ dframe_lib(DI), R14
	SLOT_FIND(R15, dnoslot)
	MOVQ tslot_n(R15), R8
	CMPQ R8, $const_tslotDepth
	JAE dnoslot
	MOVQ R14, tslot_libs(R15)(R8*8)
	INCQ R8
	MOVQ R8, tslot_n(R15)
	// The push, then the load of closed (inflight.go).
	MOVL Library_closed(R14), AX
	TESTL AX, AX
	JNZ dclosed

	MOVQ dframe_fn(DI), R10
	MOVQ (dframe_regs+6*8)(DI), X0
	MOVQ (dframe_regs+7*8)(DI), X1
	MOVQ (dframe_regs+8*8)(DI), X2
	MOVQ (dframe_regs+9*8)(DI), X3
	MOVQ (dframe_regs+10*8)(DI), X4
	MOVQ (dframe_regs+11*8)(DI), X5
	MOVQ (dframe_regs+12*8)(DI), X6
	MOVQ (dframe_regs+13*8)(DI), X7
	MOVQ (dframe_regs+1*8)(DI), SI
	MOVQ (dframe_regs+2*8)(DI), DX
	MOVQ (dframe_regs+3*8)(DI), CX
	MOVQ (dframe_regs+4*8)(DI), R8
	MOVQ (dframe_regs+5*8)(DI), R9
	MOVQ (dframe_regs+0*8)(DI), DI
	SUBQ $8, SP // SP was 8 below a 16-byte boundary: the C ABI's alignment
	CALL R10
	ADDQ $8, SP

	MOVQ R13, DI
	TESTQ R12, R12
	JZ dstore
	MOVQ 8(R12), DI // g.stack.hi now (the stack may have moved)
	SUBQ R13, DI
dstore:
	MOVQ AX, dframe_r1(DI)
	MOVQ X0, dframe_f1(DI)
	DECQ tslot_n(R15) // the slot's only writer: no lock
	XORL AX, AX
	RET

dclosed:
	DECQ tslot_n(R15)
	MOVQ $const_stateClosed, dframe_state(DI)
	XORL AX, AX
	RET
dnoslot:
	MOVQ $const_stateNoSlot, dframe_state(DI)
	XORL AX, AX
	RET

// ffiprobe is entered like ffitrampcgo, with DI pointing at two words: it
// stores the two words asmcgocall saved above the return address (depth,
// g) there, for checkGLayout.
TEXT ffiprobe(SB), NOSPLIT|NOFRAME, $0
	MOVQ 8(SP), AX
	MOVQ AX, 0(DI)
	MOVQ 16(SP), AX
	MOVQ AX, 8(DI)
	XORL AX, AX
	RET

// ffitramp is called on a system stack with the C calling convention, by
// ffitrampcgo (from runtime·asmcgocall, which set frame.g and frame.depth)
// or by a native pool thread (native_linux_amd64.s, whose frames have g 0):
// DI holds the *frame. It copies string arguments onto its own
// (C) stack, loads the argument registers from the frame, sets AL for
// variadic callees, calls the C function, and stores the results. Because a
// callback into Go during the call may grow (and so move) the calling
// goroutine's stack, it finds a stack-resident frame again from g.stack.hi
// minus its recorded depth, exactly as asmcgocall restores its own stack
// pointer and as cgo's generated code does with _cgo_topofstack.
//
// When frame.lib is set, the call is counted in flight in the calling
// thread's slot (inflight.go): the library is pushed with plain stores, then
// its closed flag is loaded; a closed library is popped again and the C
// function is not called (frame.state = stateClosed). Without a slot it
// returns stateNoSlot, also without calling.
//
// Local frame (48 bytes; with the saved BP and the return address SP stays
// 16-byte aligned), addressed through R12 because string copies move SP:
//   0(R12) frame address at entry, 8 g, 16 depth, 24 &errno, 32 caller's R12,
//   40 the thread slot to pop after the call (0: none).
TEXT ffitramp(SB), NOSPLIT, $48
	MOVQ R12, 32(SP) // R12 is callee-saved in the C ABI
	MOVQ SP, R12
	MOVQ DI, 0(R12)
	MOVQ frame_g(DI), AX
	MOVQ AX, 8(R12)
	MOVQ frame_depth(DI), AX
	MOVQ AX, 16(R12)
	MOVQ $0, 24(R12)
	MOVQ $0, 40(R12)

	MOVQ frame_lib(DI), R10
	TESTQ R10, R10
	JZ errno

	SLOT_FIND(SI, noslot)
	MOVQ tslot_n(SI), R8
	CMPQ R8, $const_tslotDepth
	JAE noslot
	MOVQ R10, tslot_libs(SI)(R8*8)
	INCQ R8
	MOVQ R8, tslot_n(SI)
	MOVQ SI, 40(R12)
	// The push, then the load of closed: see inflight.go for why Close sees
	// one or the other.
	MOVL Library_closed(R10), AX
	TESTL AX, AX
	JZ errno
	MOVQ $const_stateClosed, frame_state(DI)
	JMP done
noslot:
	MOVQ $const_stateNoSlot, frame_state(DI)
	JMP done

errno:
	MOVQ frame_errfn(DI), AX
	TESTQ AX, AX
	JZ strings
	CALL AX // int *__errno_location(void)
	MOVL $0, (AX) // errno = 0
	MOVQ AX, 24(R12)

strings:
	MOVQ 0(R12), R11
	MOVQ frame_slen(R11), DX // 10 bits per register: len+1 of a string in it
	TESTQ DX, DX
	JZ args
	XORQ R8, R8
strloop:
	MOVQ DX, CX
	ANDQ $0x3ff, CX
	SHRQ $10, DX
	TESTQ CX, CX
	JZ strnext
	LEAQ 15(CX), AX
	ANDQ $~15, AX
	MOVQ SP, R9
	SUBQ AX, R9
	MOVQ R9, SP // keeps SP 16-byte aligned
	MOVQ frame_regs(R11)(R8*8), SI
	MOVQ SP, DI
	DECQ CX
	REP; MOVSB
	MOVB $0, (DI)
	MOVQ SP, frame_regs(R11)(R8*8)
strnext:
	INCQ R8
	TESTQ DX, DX
	JNZ strloop

args:
	MOVQ 0(R12), R11
	CALL_FRAME

	MOVQ 8(R12), R11
	TESTQ R11, R11
	JZ heapframe
	MOVQ 8(R11), R11 // g.stack.hi now (the stack may have moved)
	SUBQ 16(R12), R11
	JMP store
heapframe:
	MOVQ 0(R12), R11
store:
	MOVQ AX, frame_r1(R11)
	MOVQ DX, frame_r2(R11)
	MOVQ X0, frame_f1(R11)
	MOVQ X1, frame_f2(R11)
	MOVQ 24(R12), AX
	TESTQ AX, AX
	JZ done
	MOVLQZX (AX), AX
	MOVQ AX, frame_errno(R11)
done:
	MOVQ R12, SP // drop the string copies
	MOVQ 40(SP), SI
	TESTQ SI, SI
	JZ popped
	DECQ tslot_n(SI) // the slot's only writer: no lock
popped:
	MOVQ 32(SP), R12
	XORL AX, AX
	RET
