package ffi

import (
	"syscall"
	"unsafe"

	"github.com/goractor/goractor/internal/execctx"
)

// The scalar fast path. When every argument of a typed function is a Scalar
// (one integer or float register, no string copy, no slice, no struct), the
// result is a Scalar or void, and no Gate is attached (or only one whose
// first phase admits the call, see Admitter), the typed closures fn0 … fn6
// behind Bind's listed shapes return a closure that only fills the argument registers
// of a frame on its stack and enters the trampoline: the register of each
// argument and its extension are decided once at bind time, there is no
// per-argument type switch on the string/slice/struct kinds, no heap copy to
// keep alive, and the library bookkeeping is one non-generic call (callCounted).
// Everything else takes the general typed path (typed.go).

// scalar reports whether c is passed or returned in one register as is.
func (c conv) scalar() bool { return c >= cI8 && c <= cF64 }

// scalarOnly reports whether f's calls can take the scalar fast path.
func scalarOnly(f *Func) bool {
	p := &f.sig.plan
	if !p.fast || (f.gate != nil && f.admit == nil) || f.sig.Variadic || p.variadic.c != cNone {
		return false
	}
	for i := range p.params {
		if !p.params[i].c.scalar() || p.params[i].slot < 0 {
			return false
		}
	}
	return p.res.c == cNone || p.res.c.scalar()
}

// scalarArg is a scalar argument's register and extension, fixed at bind time.
type scalarArg struct {
	slot int8
	// shift sign-extends a signed integer narrower than 64 bits: its bits
	// are shifted up by shift and arithmetically back down (0 for every
	// other scalar, which is zero-extended by its load).
	shift uint8
}

func scalarArgOf(p *plan, i int) scalarArg {
	pi := &p.params[i]
	a := scalarArg{slot: pi.slot}
	switch pi.c {
	case cI8:
		a.shift = 56
	case cI16:
		a.shift = 48
	case cI32:
		a.shift = 32
	}
	return a
}

// setScalar stores the register bits of v in fr: v is loaded by its size (a
// constant in each instantiation, so the switch compiles to one load) and
// sign-extended by the shift chosen at bind time. The result is the same as
// scalarBits.
func setScalar[T any](fr *frame, a scalarArg, v *T) {
	fr.regs[a.slot] = scalarWord(a, v)
}

// scalarWord is the register word of v, as setScalar stores it.
func scalarWord[T any](a scalarArg, v *T) uint64 {
	var raw uint64
	p := unsafe.Pointer(v)
	switch unsafe.Sizeof(*v) {
	case 1:
		raw = uint64(*(*uint8)(p))
	case 2:
		raw = uint64(*(*uint16)(p))
	case 4:
		raw = uint64(*(*uint32)(p))
	default:
		raw = *(*uint64)(p)
	}
	s := a.shift & 63 // < 64: no shift-overflow handling
	return uint64(int64(raw<<s) >> s)
}

// scalarRes is how a scalar result is read, fixed at bind time.
type scalarRes struct {
	float bool // from XMM0, else from RAX
	bool  bool // a C _Bool: normalized to 0 or 1
}

func scalarResOf(p *plan) scalarRes {
	return scalarRes{float: p.res.c.isFloat(), bool: p.res.c == cBool}
}

// scalarResult converts the scalar result in fr to R (nothing for void), like
// resultOf: R's size is a constant in each instantiation, so the switch
// compiles to one store.
func scalarResult[R any](fr *frame, rs scalarRes) R {
	return scalarValue[R](uint64(fr.r1), fr.f1, rs)
}

// scalarValue is scalarResult from the result registers RAX (r1) and XMM0
// (f1).
func scalarValue[R any](r1, f1 uint64, rs scalarRes) (r R) {
	w := r1
	if rs.float {
		w = f1
	}
	if rs.bool && uint8(w) != 0 {
		w = 1
	}
	p := unsafe.Pointer(&r)
	switch unsafe.Sizeof(r) {
	case 0:
	case 1:
		*(*uint8)(p) = uint8(w)
	case 2:
		*(*uint16)(p) = uint16(w)
	case 4:
		*(*uint32)(p) = uint32(w)
	default:
		*(*uint64)(p) = w
	}
	return r
}

// scalarErr returns the error of a scalar call: ErrClosed when it was not
// made, errno when it was captured and set. Out of line: the closures stay
// small.
//
//go:noinline
func (f *Func) scalarErr(fr *frame, called bool) error {
	if !called {
		return f.callErr(ErrClosed)
	}
	if fr.errno != 0 {
		return f.callErr(syscall.Errno(fr.errno))
	}
	return nil
}

// scalarGated makes a scalar call of a function whose gate has a first
// phase: on the caller's stack when the gate admits it, otherwise through the
// gate's Call with a heap copy of fr (the results are copied back to fr). It
// returns the call's error (closed library, refusal, errno), like scalarErr.
//
//go:noinline
func (f *Func) scalarGated(fr *frame) error {
	admitted, locked := f.admit.Admit()
	if !admitted {
		fr.fn = f.ptr
		fr.nflt = uintptr(f.sig.plan.nflt)
		fr.errfn = f.errfn
		h := new(frame)
		*h = *fr
		if err := f.gated(execctx.Current(), func() { nativeFrame(h) }); err != nil {
			return err
		}
		*fr = *h
		return f.scalarErr(fr, true)
	}
	if locked {
		defer f.admit.Release()
	}
	ok := f.callCounted(fr)
	if !ok || fr.errno != 0 {
		return f.scalarErr(fr, ok)
	}
	return nil
}
