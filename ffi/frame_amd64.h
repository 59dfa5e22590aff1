// CALL_FRAME loads the argument registers from the frame at R11 (go_asm.h
// offsets), sets AL for variadic callees, and calls the frame's C function.
// Results are left in AX, DX, X0 and X1.
#define CALL_FRAME \
	MOVQ (frame_regs+6*8)(R11), X0; \
	MOVQ (frame_regs+7*8)(R11), X1; \
	MOVQ (frame_regs+8*8)(R11), X2; \
	MOVQ (frame_regs+9*8)(R11), X3; \
	MOVQ (frame_regs+10*8)(R11), X4; \
	MOVQ (frame_regs+11*8)(R11), X5; \
	MOVQ (frame_regs+12*8)(R11), X6; \
	MOVQ (frame_regs+13*8)(R11), X7; \
	MOVQ (frame_regs+0*8)(R11), DI; \
	MOVQ (frame_regs+1*8)(R11), SI; \
	MOVQ (frame_regs+2*8)(R11), DX; \
	MOVQ (frame_regs+3*8)(R11), CX; \
	MOVQ (frame_regs+4*8)(R11), R8; \
	MOVQ (frame_regs+5*8)(R11), R9; \
	MOVQ frame_nflt(R11), AX; \
	MOVQ frame_fn(R11), R10; \
	CALL R10
