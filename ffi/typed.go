package ffi

import (
	"reflect"
	"unsafe"

	"github.com/goractor/goractor/internal/execctx"
)

// Scalar is the set of Go types the typed functions (Fn0 … Fn6) pass in
// registers: integers, floats, bool and unsafe.Pointer (named types with
// these underlying types are accepted).
type Scalar interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~int | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint | ~uintptr |
		~float32 | ~float64 | ~bool | unsafe.Pointer
}

// Void is the result type of a typed function whose C function returns void.
type Void struct{}

// Result is what a typed function may return: a Scalar or Void.
type Result interface{ Scalar | Void }

// typedFunc binds symbol with the signature func(ins...) (R, error).
func typedFunc[R Result](l *Library, symbol string, opts []BindOption, ins ...reflect.Type) (*Func, error) {
	out := []reflect.Type{errorType}
	if rt := reflect.TypeFor[R](); rt != reflect.TypeFor[Void]() {
		out = []reflect.Type{rt, errorType}
	}
	sig, err := SignatureOf(reflect.FuncOf(ins, out, false))
	if err != nil {
		return nil, err
	}
	return l.Func(symbol, sig, opts...)
}

// argBits converts a scalar argument to its register bits (integers sign- or
// zero-extended to 64 bits, float32 in the low 32 bits).
func argBits[T Scalar](v T, c conv) uint64 {
	p := unsafe.Pointer(&v)
	switch c {
	case cI8:
		return uint64(int64(*(*int8)(p)))
	case cI16:
		return uint64(int64(*(*int16)(p)))
	case cI32:
		return uint64(int64(*(*int32)(p)))
	case cU8:
		return uint64(*(*uint8)(p))
	case cU16:
		return uint64(*(*uint16)(p))
	case cU32, cF32:
		return uint64(*(*uint32)(p))
	case cBool:
		if *(*bool)(p) {
			return 1
		}
		return 0
	default: // 64-bit integers, pointers, float64
		return *(*uint64)(p)
	}
}

// resultOf converts the result registers of fr to R.
func resultOf[R Result](fr *frame, c conv) (r R) {
	p := unsafe.Pointer(&r)
	switch c {
	case cNone:
	case cI8, cU8:
		*(*uint8)(p) = uint8(fr.r1)
	case cI16, cU16:
		*(*uint16)(p) = uint16(fr.r1)
	case cI32, cU32:
		*(*uint32)(p) = uint32(fr.r1)
	case cBool:
		*(*bool)(p) = uint8(fr.r1) != 0
	case cF32:
		*(*uint32)(p) = uint32(fr.f1)
	case cF64:
		*(*uint64)(p) = fr.f1
	default:
		*(*uintptr)(p) = fr.r1
	}
	return r
}

// slowTyped calls f through the general path and converts the result to R.
func slowTyped[R Result](f *Func, in ...reflect.Value) (r R, err error) {
	res, errno, err := f.invoke(execctx.Current(), in)
	if res.IsValid() {
		r = res.Convert(reflect.TypeFor[R]()).Interface().(R)
	}
	if err == nil && errno != 0 && f.errfn != 0 {
		err = f.callErr(errno)
	}
	return r, err
}

// Fn0 binds symbol as a typed function of no arguments. Like Fn2.
func Fn0[R Result](l *Library, symbol string, opts ...BindOption) (func() (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts)
	if err != nil {
		return nil, err
	}
	return fn0[R](f), nil
}

func fn0[R Result](f *Func) func() (R, error) {
	p := &f.sig.plan
	if !p.fast {
		return func() (R, error) { return slowTyped[R](f) }
	}
	rc := p.res.c
	return func() (r R, err error) {
		var fr frame
		err = f.fastCall(&fr)
		return resultOf[R](&fr, rc), err
	}
}

// Fn1 binds symbol as a typed function of one argument. Like Fn2.
func Fn1[A Scalar, R Result](l *Library, symbol string, opts ...BindOption) (func(A) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A]())
	if err != nil {
		return nil, err
	}
	return fn1[A, R](f), nil
}

func fn1[A Scalar, R Result](f *Func) func(A) (R, error) {
	p := &f.sig.plan
	if !p.fast {
		return func(a A) (R, error) { return slowTyped[R](f, reflect.ValueOf(a)) }
	}
	sa, ca := p.params[0].slot, p.params[0].c
	rc := p.res.c
	return func(a A) (r R, err error) {
		var fr frame
		fr.regs[sa] = argBits(a, ca)
		err = f.fastCall(&fr)
		return resultOf[R](&fr, rc), err
	}
}

// Fn2 binds symbol as a typed function of two arguments:
//
//	add, err := ffi.Fn2[int32, int32, int32](lib, "add")
//	sum, err := add(2, 3)
//
// Use Void as R for a C function returning void. The returned function calls
// C through the register trampoline without reflection or allocation (on
// linux/amd64; elsewhere through purego). Its error is a *CallError for a
// closed library, a gate refusal, or errno when bound WithErrno; the result
// is still returned with an errno error.
func Fn2[A, B Scalar, R Result](l *Library, symbol string, opts ...BindOption) (func(A, B) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B]())
	if err != nil {
		return nil, err
	}
	return fn2[A, B, R](f), nil
}

func fn2[A, B Scalar, R Result](f *Func) func(A, B) (R, error) {
	p := &f.sig.plan
	if !p.fast {
		return func(a A, b B) (R, error) { return slowTyped[R](f, reflect.ValueOf(a), reflect.ValueOf(b)) }
	}
	sa, ca := p.params[0].slot, p.params[0].c
	sb, cb := p.params[1].slot, p.params[1].c
	rc := p.res.c
	return func(a A, b B) (r R, err error) {
		var fr frame
		fr.regs[sa] = argBits(a, ca)
		fr.regs[sb] = argBits(b, cb)
		err = f.fastCall(&fr)
		return resultOf[R](&fr, rc), err
	}
}

// Fn3 binds symbol as a typed function of three arguments. Like Fn2.
func Fn3[A, B, C Scalar, R Result](l *Library, symbol string, opts ...BindOption) (func(A, B, C) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C]())
	if err != nil {
		return nil, err
	}
	p := &f.sig.plan
	if !p.fast {
		return func(a A, b B, c C) (R, error) {
			return slowTyped[R](f, reflect.ValueOf(a), reflect.ValueOf(b), reflect.ValueOf(c))
		}, nil
	}
	s0, c0 := p.params[0].slot, p.params[0].c
	s1, c1 := p.params[1].slot, p.params[1].c
	s2, c2 := p.params[2].slot, p.params[2].c
	rc := p.res.c
	return func(a A, b B, c C) (r R, err error) {
		var fr frame
		fr.regs[s0] = argBits(a, c0)
		fr.regs[s1] = argBits(b, c1)
		fr.regs[s2] = argBits(c, c2)
		err = f.fastCall(&fr)
		return resultOf[R](&fr, rc), err
	}, nil
}

// Fn4 binds symbol as a typed function of four arguments. Like Fn2.
func Fn4[A, B, C, D Scalar, R Result](l *Library, symbol string, opts ...BindOption) (func(A, B, C, D) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C](), reflect.TypeFor[D]())
	if err != nil {
		return nil, err
	}
	p := &f.sig.plan
	if !p.fast {
		return func(a A, b B, c C, d D) (R, error) {
			return slowTyped[R](f, reflect.ValueOf(a), reflect.ValueOf(b), reflect.ValueOf(c), reflect.ValueOf(d))
		}, nil
	}
	s0, c0 := p.params[0].slot, p.params[0].c
	s1, c1 := p.params[1].slot, p.params[1].c
	s2, c2 := p.params[2].slot, p.params[2].c
	s3, c3 := p.params[3].slot, p.params[3].c
	rc := p.res.c
	return func(a A, b B, c C, d D) (r R, err error) {
		var fr frame
		fr.regs[s0] = argBits(a, c0)
		fr.regs[s1] = argBits(b, c1)
		fr.regs[s2] = argBits(c, c2)
		fr.regs[s3] = argBits(d, c3)
		err = f.fastCall(&fr)
		return resultOf[R](&fr, rc), err
	}, nil
}

// Fn6 binds symbol as a typed function of six arguments. Like Fn2.
func Fn6[A, B, C, D, E, F Scalar, R Result](l *Library, symbol string, opts ...BindOption) (func(A, B, C, D, E, F) (R, error), error) {
	fn, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C](),
		reflect.TypeFor[D](), reflect.TypeFor[E](), reflect.TypeFor[F]())
	if err != nil {
		return nil, err
	}
	p := &fn.sig.plan
	if !p.fast {
		return func(a A, b B, c C, d D, e E, f F) (R, error) {
			return slowTyped[R](fn, reflect.ValueOf(a), reflect.ValueOf(b), reflect.ValueOf(c),
				reflect.ValueOf(d), reflect.ValueOf(e), reflect.ValueOf(f))
		}, nil
	}
	var s [6]int8
	var cs [6]conv
	for i := range s {
		s[i], cs[i] = p.params[i].slot, p.params[i].c
	}
	rc := p.res.c
	return func(a A, b B, c C, d D, e E, f F) (r R, err error) {
		var fr frame
		fr.regs[s[0]] = argBits(a, cs[0])
		fr.regs[s[1]] = argBits(b, cs[1])
		fr.regs[s[2]] = argBits(c, cs[2])
		fr.regs[s[3]] = argBits(d, cs[3])
		fr.regs[s[4]] = argBits(e, cs[4])
		fr.regs[s[5]] = argBits(f, cs[5])
		err = fn.fastCall(&fr)
		return resultOf[R](&fr, rc), err
	}, nil
}

// fastShape returns a reflection-free implementation of fv's func type for
// the common shapes, or the zero Value.
func (f *Func) fastShape(fv reflect.Value) reflect.Value {
	if !f.sig.plan.fast || f.sig.Variadic {
		return reflect.Value{}
	}
	switch p := fv.Addr().Interface().(type) {
	case *func():
		c := fn0[Void](f)
		*p = func() { _, err := c(); mustCall(err) }
	case *func() error:
		c := fn0[Void](f)
		*p = func() error { _, err := c(); return err }
	case *func() int32:
		c := fn0[int32](f)
		*p = func() int32 { r, err := c(); mustCall(err); return r }
	case *func(int32) int32:
		c := fn1[int32, int32](f)
		*p = func(a int32) int32 { r, err := c(a); mustCall(err); return r }
	case *func(int32) (int32, error):
		*p = fn1[int32, int32](f)
	case *func(int32, int32) int32:
		c := fn2[int32, int32, int32](f)
		*p = func(a, b int32) int32 { r, err := c(a, b); mustCall(err); return r }
	case *func(int32, int32) (int32, error):
		*p = fn2[int32, int32, int32](f)
	case *func(int64, int64) int64:
		c := fn2[int64, int64, int64](f)
		*p = func(a, b int64) int64 { r, err := c(a, b); mustCall(err); return r }
	case *func(float64) float64:
		c := fn1[float64, float64](f)
		*p = func(a float64) float64 { r, err := c(a); mustCall(err); return r }
	case *func(float64, float64) float64:
		c := fn2[float64, float64, float64](f)
		*p = func(a, b float64) float64 { r, err := c(a, b); mustCall(err); return r }
	case *func(float64, float64) (float64, error):
		*p = fn2[float64, float64, float64](f)
	case *func(uintptr) uintptr:
		c := fn1[uintptr, uintptr](f)
		*p = func(a uintptr) uintptr { r, err := c(a); mustCall(err); return r }
	case *func(unsafe.Pointer) uintptr:
		c := fn1[unsafe.Pointer, uintptr](f)
		*p = func(a unsafe.Pointer) uintptr { r, err := c(a); mustCall(err); return r }
	default:
		return reflect.Value{}
	}
	return fv.Addr().Elem()
}

// mustCall panics with err unless it is nil or only reports errno (a Go
// signature without an error result cannot report a refused call).
func mustCall(err error) {
	if err != nil && !isErrno(err) {
		panic(err)
	}
}
