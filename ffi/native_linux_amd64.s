//go:build linux && amd64

#include "textflag.h"
#include "go_asm.h"

GLOBL ·nativeWorkerABI0(SB), NOPTR|RODATA, $8
DATA ·nativeWorkerABI0(SB)/8, $goractorNativeWorker(SB)
GLOBL ·nativeNoopABI0(SB), NOPTR|RODATA, $8
DATA ·nativeNoopABI0(SB)/8, $goractorNativeNoop(SB)

// goractorNativeNoop is an empty C function (see raceOn).
TEXT goractorNativeNoop(SB), NOSPLIT|NOFRAME, $0
	RET

// goractorNativeWorker is the start routine of a native pool thread (C ABI,
// DI = *nativeThread). It never enters the Go runtime: it takes slot indices from
// the ring's queue (Vyukov's bounded MPMC queue: a cell is ready for the
// taker at position pos when its sequence is pos+1), runs the slot's frame
// through ffitramp (the trampoline of every fast call), marks the slot done,
// pushes it on the ring's done stack and wakes completion sleepers. With the
// queue empty it sleeps on the ring's qseq futex; with the queue empty and
// the ring closing it returns, which ends the thread.
//
// Registers kept across calls (all callee-saved in the C ABI): R12 the ring,
// BP the worker, R13 the slot index, R14 the slot.
TEXT goractorNativeWorker(SB), NOSPLIT|NOFRAME, $0
	PUSHQ BX
	PUSHQ BP
	PUSHQ R12
	PUSHQ R13
	PUSHQ R14 // five pushes: SP is 16-byte aligned for the calls below
	MOVQ DI, BP
	MOVQ nativeThread_ring(BP), R12
	// For native crash reports (internal/nativecrash): the stack's top, an
	// alternate signal stack for the crash handler, then the thread id,
	// which the report finds the pool and thread by.
	MOVQ SP, nativeThread_sp(BP)
	MOVQ (nativeThread_ss+stackT_sp)(BP), AX
	TESTQ AX, AX
	JZ tid
	LEAQ nativeThread_ss(BP), DI
	XORQ SI, SI
	MOVQ $131, AX // SYS_sigaltstack
	SYSCALL
tid:
	MOVQ $186, AX // SYS_gettid, for callback failures to find this thread's job
	SYSCALL
	MOVQ AX, nativeThread_tid(BP)

next:
	MOVQ nativeRing_deq(R12), AX
try:
	MOVQ AX, CX
	ANDQ nativeRing_mask(R12), CX
	SHLQ $4, CX
	ADDQ nativeRing_cells(R12), CX // CX: the cell at pos
	MOVQ 0(CX), DX // its sequence
	LEAQ 1(AX), BX
	CMPQ DX, BX
	JEQ claim
	JLT empty // not yet filled: the queue is empty
	MOVQ nativeRing_deq(R12), AX // another worker took pos: reload
	JMP try
claim:
	LOCK
	CMPXCHGQ BX, nativeRing_deq(R12) // AX: expected pos; on failure AX is the current one
	JNE try
	MOVQ 8(CX), R13 // the slot index
	MOVQ nativeRing_mask(R12), DX
	LEAQ 1(AX)(DX*1), DX
	MOVQ DX, 0(CX) // free the cell for the submitter one lap on (plain stores release on amd64)

	MOVQ R13, AX
	IMULQ nativeRing_stride(R12), AX
	ADDQ nativeRing_slots(R12), AX
	MOVQ AX, R14
	LEAQ 1(R13), AX
	MOVQ AX, nativeThread_cur(BP)
	MOVQ R14, DI // the frame is the slot's first field
	CALL ffitramp(SB)
	MOVQ $0, nativeThread_cur(BP)

	// Publish: the results are stored, the slot is done; push it on the
	// done stack (the head holds index+1, 0 is empty; Go takes the whole
	// stack at once, so there is no ABA), count it, wake sleepers.
	MOVL $2, nativeSlot_state(R14)
	LEAQ 1(R13), BX
	MOVQ nativeRing_done(R12), AX
push:
	MOVQ AX, nativeSlot_next(R14)
	LOCK
	CMPXCHGQ BX, nativeRing_done(R12)
	JNE push
	LOCK
	INCQ nativeRing_completed(R12)
	LOCK
	INCL nativeRing_cseq(R12)
	MOVL nativeRing_csleep(R12), AX
	TESTL AX, AX
	JZ next
	LEAQ nativeRing_cseq(R12), DI
	MOVQ $const_futexWakePrivate, SI
	MOVQ $0x7fffffff, DX
	XORQ R10, R10
	MOVQ $const_futexSyscall, AX
	SYSCALL
	JMP next

empty:
	// Sleep on qseq as read before re-checking the queue: a submitter
	// enqueues, increments qseq, then wakes if idle > 0.
	MOVL nativeRing_qseq(R12), R13
	LOCK
	INCL nativeRing_idle(R12)
	MOVQ nativeRing_deq(R12), AX
	MOVQ AX, CX
	ANDQ nativeRing_mask(R12), CX
	SHLQ $4, CX
	ADDQ nativeRing_cells(R12), CX
	MOVQ 0(CX), DX
	LEAQ 1(AX), BX
	CMPQ DX, BX
	JEQ awake
	MOVL nativeRing_closing(R12), AX
	TESTL AX, AX
	JNZ exit
	LEAQ nativeRing_qseq(R12), DI
	MOVQ $const_futexWaitPrivate, SI
	MOVL R13, DX
	XORQ R10, R10
	MOVQ $const_futexSyscall, AX
	SYSCALL
awake:
	LOCK
	DECL nativeRing_idle(R12)
	JMP next

exit:
	LOCK
	DECL nativeRing_idle(R12)
	MOVQ (nativeThread_ss+stackT_sp)(BP), AX
	TESTQ AX, AX
	JZ pop
	MOVL $2, (nativeThread_ss+stackT_flags)(BP) // SS_DISABLE: Go unmaps the stack after the join
	LEAQ nativeThread_ss(BP), DI
	XORQ SI, SI
	MOVQ $131, AX
	SYSCALL
pop:
	POPQ R14
	POPQ R13
	POPQ R12
	POPQ BP
	POPQ BX
	XORQ AX, AX
	RET
