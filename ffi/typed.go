package ffi

import (
	"reflect"
	"runtime"
	"syscall"
	"unsafe"

	"github.com/goractor/goractor/internal/execctx"
)

// Scalar is the set of Go types passed in one register: integers, floats,
// bool and unsafe.Pointer (named types with these underlying types are
// accepted).
type Scalar interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~int | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint | ~uintptr |
		~float32 | ~float64 | ~bool | unsafe.Pointer
}

// Arg is the set of argument types of the typed functions (Fn0 … Fn6): a
// Scalar, a string (passed as a NUL-terminated copy valid for the call, made
// on the C stack without allocating for strings up to 1022 bytes) or a byte
// slice (a pointer to its first element, NULL when empty; see docs/ffi.md
// for why its backing array is on the heap).
type Arg interface {
	Scalar | ~string | ~[]byte
}

// Void is the result type of a typed function whose C function returns void.
type Void struct{}

// Result is what a typed function may return: a Scalar, a string (the C
// char* result copied into Go memory, one allocation; NULL gives "" and an
// error wrapping ErrNull) or Void.
type Result interface{ Scalar | ~string | Void }

// typedFunc binds symbol with the signature func(ins...) (R, error).
func typedFunc[R any](l *Library, symbol string, opts []BindOption, ins ...reflect.Type) (*Func, error) {
	sig, err := typedSig[R](ins...)
	if err != nil {
		return nil, err
	}
	return l.Func(symbol, sig, opts...)
}

func typedSig[R any](ins ...reflect.Type) (*Signature, error) {
	out := []reflect.Type{errorType}
	if rt := reflect.TypeFor[R](); rt != reflect.TypeFor[Void]() {
		out = []reflect.Type{rt, errorType}
	}
	return SignatureOf(reflect.FuncOf(ins, out, false))
}

// escapeNever is always false, but the compiler cannot know it: storing the
// arguments in escapeSink under it makes
// the typed functions' arguments escape, so the memory of a string or slice
// argument is never on a goroutine stack, which a callback into Go during the
// call (or a gate's code while the caller waits) could move. cgo's generated
// code does the same with _Cgo_use. It costs nothing at run time.
var (
	escapeNever bool
	escapeSink  any
)

// setArg lowers argument v of parameter pi into fr. It returns a heap copy
// that must stay alive until the call returns (long strings), or nil.
func setArg[T any](fr *frame, v T, pi *pinfo) unsafe.Pointer {
	p := unsafe.Pointer(&v)
	switch pi.c {
	case cString:
		return fr.setString(pi.slot, *(*string)(p), pi.heap)
	case cSlice:
		s := (*sliceHeader)(p)
		if s.cap != 0 {
			fr.regs[pi.slot] = uint64(uintptr(s.data))
		}
	case cStruct:
		setStruct(fr, p, pi)
	default:
		fr.regs[pi.slot] = scalarBits(p, pi.c)
	}
	return nil
}

type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// scalarBits converts the scalar at p to its register bits (integers sign-
// or zero-extended to 64 bits, float32 in the low 32 bits).
func scalarBits(p unsafe.Pointer, c conv) uint64 {
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

// setStruct passes the struct at p (at most 16 bytes, classified by
// compile) in one or two registers.
func setStruct(fr *frame, p unsafe.Pointer, pi *pinfo) {
	var w [2]uint64
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&w)), pi.size), unsafe.Slice((*byte)(p), pi.size))
	fr.regs[pi.slot] = w[0]
	if pi.slot2 >= 0 {
		fr.regs[pi.slot2] = w[1]
	}
}

// resultOf converts the result registers of fr to R; null reports a NULL
// char* for a string result.
func resultOf[R any](fr *frame, rc *pinfo) (r R, null bool) {
	p := unsafe.Pointer(&r)
	switch rc.c {
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
	case cString:
		if fr.r1 == 0 {
			return r, true
		}
		*(*string)(p) = goString(fr.r1)
	case cStruct:
		w := structWords(fr, rc)
		copy(unsafe.Slice((*byte)(p), rc.size), unsafe.Slice((*byte)(unsafe.Pointer(&w)), rc.size))
	default:
		*(*uintptr)(p) = fr.r1
	}
	return r, false
}

// structWords gathers a small struct result's eightbytes: INTEGER ones from
// RAX then RDX, SSE ones from XMM0 then XMM1 (System V AMD64 ABI §3.2.3).
func structWords(fr *frame, rc *pinfo) [2]uint64 {
	ints := [2]uint64{uint64(fr.r1), uint64(fr.r2)}
	flts := [2]uint64{fr.f1, fr.f2}
	var w [2]uint64
	ni, nf := 0, 0
	for k := range int(rc.n8) {
		if rc.sse[k] {
			w[k] = flts[nf]
			nf++
		} else {
			w[k] = ints[ni]
			ni++
		}
	}
	return w
}

// typedResult converts fr's results after a call that returned err (nil or
// ErrClosed), reporting a NULL string and errno.
func typedResult[R any](f *Func, fr *frame, rc *pinfo) (R, error) {
	r, null := resultOf[R](fr, rc)
	if null {
		return r, f.callErr(ErrNull)
	}
	if fr.errno != 0 {
		return r, f.callErr(syscall.Errno(fr.errno))
	}
	return r, nil
}

// callTyped makes the call described by fr (arguments set) and converts its
// result. Ungated calls, and gated calls its gate admits (see Admitter), use
// fr where it is, on the caller's stack. Other gated calls copy it to the
// heap (the gate may run the call on another thread) and convert the result
// inside the call the gate runs, before the gate lets another call in: a
// result in a static buffer (l64a, inet_ntoa) is copied before the next call
// can overwrite it.
func callTyped[R any](f *Func, fr *frame, rc *pinfo) (r R, err error) {
	if f.gate != nil {
		return gatedTyped[R](f, fr, rc)
	}
	if !f.scall(fr) {
		return r, f.callErr(ErrClosed)
	}
	return typedResult[R](f, fr, rc)
}

func gatedTyped[R any](f *Func, fr *frame, rc *pinfo) (r R, err error) {
	if f.admit != nil {
		if admitted, locked := f.admit.Admit(); admitted {
			if locked {
				defer f.admit.Release()
			}
			if !f.scall(fr) {
				return r, f.callErr(ErrClosed)
			}
			return typedResult[R](f, fr, rc)
		}
	}
	fr.fn = f.ptr
	fr.nflt = uintptr(f.sig.plan.nflt)
	fr.errfn = f.errfn
	h := new(frame)
	*h = *fr
	gerr := f.gated(execctx.Current(), func() {
		nativeFrame(h)
		r, err = typedResult[R](f, h, rc)
	})
	if gerr != nil {
		var zero R
		return zero, gerr
	}
	return r, err
}

// slowTyped calls f through the general path and converts the result to R.
func slowTyped[R any](f *Func, in ...reflect.Value) (r R, err error) {
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

func fn0[R any](f *Func) func() (R, error) {
	p := &f.sig.plan
	if !p.fast {
		return func() (R, error) { return slowTyped[R](f) }
	}
	if scalarOnly(f) {
		return sfn0[R](f)
	}
	rc := p.res
	return func() (R, error) {
		var fr frame
		return callTyped[R](f, &fr, &rc)
	}
}

// Fn1 binds symbol as a typed function of one argument. Like Fn2.
func Fn1[A Arg, R Result](l *Library, symbol string, opts ...BindOption) (func(A) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A]())
	if err != nil {
		return nil, err
	}
	return fn1[A, R](f), nil
}

func fn1[A, R any](f *Func) func(A) (R, error) {
	p := &f.sig.plan
	if !p.fast {
		return func(a A) (R, error) { return slowTyped[R](f, reflect.ValueOf(a)) }
	}
	if scalarOnly(f) {
		return sfn1[A, R](f)
	}
	pa, rc := p.params[0], p.res
	return func(a A) (r R, err error) {
		var fr frame
		k := setArg(&fr, a, &pa)
		r, err = callTyped[R](f, &fr, &rc)
		runtime.KeepAlive(k)
		if escapeNever {
			escapeSink = [...]any{a}
		}
		return r, err
	}
}

// Fn2 binds symbol as a typed function of two arguments:
//
//	add, err := ffi.Fn2[int32, int32, int32](lib, "add")
//	sum, err := add(2, 3)
//
// Use Void as R for a C function returning void. Arguments are Scalars,
// strings or byte slices (see Arg); results Scalars or strings (see Result).
// The returned function calls C through the register trampoline without
// reflection or allocation (on linux/amd64; elsewhere through purego; a
// string result allocates its copy). Its error is a *CallError for a closed
// library, a gate refusal, a NULL string result, or errno when bound
// WithErrno; the result is still returned with an errno error.
func Fn2[A, B Arg, R Result](l *Library, symbol string, opts ...BindOption) (func(A, B) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B]())
	if err != nil {
		return nil, err
	}
	return fn2[A, B, R](f), nil
}

func fn2[A, B, R any](f *Func) func(A, B) (R, error) {
	p := &f.sig.plan
	if !p.fast {
		return func(a A, b B) (R, error) { return slowTyped[R](f, reflect.ValueOf(a), reflect.ValueOf(b)) }
	}
	if scalarOnly(f) {
		return sfn2[A, B, R](f)
	}
	pa, pb, rc := p.params[0], p.params[1], p.res
	return func(a A, b B) (r R, err error) {
		var fr frame
		ka := setArg(&fr, a, &pa)
		kb := setArg(&fr, b, &pb)
		r, err = callTyped[R](f, &fr, &rc)
		runtime.KeepAlive(ka)
		runtime.KeepAlive(kb)
		if escapeNever {
			escapeSink = [...]any{a, b}
		}
		return r, err
	}
}

// Fn3 binds symbol as a typed function of three arguments. Like Fn2.
func Fn3[A, B, C Arg, R Result](l *Library, symbol string, opts ...BindOption) (func(A, B, C) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C]())
	if err != nil {
		return nil, err
	}
	return fn3[A, B, C, R](f), nil
}

func fn3[A, B, C, R any](f *Func) func(A, B, C) (R, error) {
	p := &f.sig.plan
	if !p.fast {
		return func(a A, b B, c C) (R, error) {
			return slowTyped[R](f, reflect.ValueOf(a), reflect.ValueOf(b), reflect.ValueOf(c))
		}
	}
	if scalarOnly(f) {
		return sfn3[A, B, C, R](f)
	}
	pa, pb, pc, rc := p.params[0], p.params[1], p.params[2], p.res
	return func(a A, b B, c C) (r R, err error) {
		var fr frame
		k0 := setArg(&fr, a, &pa)
		k1 := setArg(&fr, b, &pb)
		k2 := setArg(&fr, c, &pc)
		r, err = callTyped[R](f, &fr, &rc)
		runtime.KeepAlive(k0)
		runtime.KeepAlive(k1)
		runtime.KeepAlive(k2)
		if escapeNever {
			escapeSink = [...]any{a, b, c}
		}
		return r, err
	}
}

// Fn4 binds symbol as a typed function of four arguments. Like Fn2.
func Fn4[A, B, C, D Arg, R Result](l *Library, symbol string, opts ...BindOption) (func(A, B, C, D) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C](), reflect.TypeFor[D]())
	if err != nil {
		return nil, err
	}
	return fn4[A, B, C, D, R](f), nil
}

func fn4[A, B, C, D, R any](f *Func) func(A, B, C, D) (R, error) {
	p := &f.sig.plan
	if !p.fast {
		return func(a A, b B, c C, d D) (R, error) {
			return slowTyped[R](f, reflect.ValueOf(a), reflect.ValueOf(b), reflect.ValueOf(c), reflect.ValueOf(d))
		}
	}
	if scalarOnly(f) {
		return sfn4[A, B, C, D, R](f)
	}
	pa, pb, pc, pd, rc := p.params[0], p.params[1], p.params[2], p.params[3], p.res
	return func(a A, b B, c C, d D) (r R, err error) {
		var fr frame
		k0 := setArg(&fr, a, &pa)
		k1 := setArg(&fr, b, &pb)
		k2 := setArg(&fr, c, &pc)
		k3 := setArg(&fr, d, &pd)
		r, err = callTyped[R](f, &fr, &rc)
		runtime.KeepAlive(k0)
		runtime.KeepAlive(k1)
		runtime.KeepAlive(k2)
		runtime.KeepAlive(k3)
		if escapeNever {
			escapeSink = [...]any{a, b, c, d}
		}
		return r, err
	}
}

// Fn5 binds symbol as a typed function of five arguments. Like Fn2.
func Fn5[A, B, C, D, E Arg, R Result](l *Library, symbol string, opts ...BindOption) (func(A, B, C, D, E) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C](),
		reflect.TypeFor[D](), reflect.TypeFor[E]())
	if err != nil {
		return nil, err
	}
	return fn5[A, B, C, D, E, R](f), nil
}

func fn5[A, B, C, D, E, R any](f *Func) func(A, B, C, D, E) (R, error) {
	p := &f.sig.plan
	if !p.fast {
		return func(a A, b B, c C, d D, e E) (R, error) {
			return slowTyped[R](f, reflect.ValueOf(a), reflect.ValueOf(b), reflect.ValueOf(c),
				reflect.ValueOf(d), reflect.ValueOf(e))
		}
	}
	if scalarOnly(f) {
		return sfn5[A, B, C, D, E, R](f)
	}
	pa, pb, pc, pd, pe, rc := p.params[0], p.params[1], p.params[2], p.params[3], p.params[4], p.res
	return func(a A, b B, c C, d D, e E) (r R, err error) {
		var fr frame
		k0 := setArg(&fr, a, &pa)
		k1 := setArg(&fr, b, &pb)
		k2 := setArg(&fr, c, &pc)
		k3 := setArg(&fr, d, &pd)
		k4 := setArg(&fr, e, &pe)
		r, err = callTyped[R](f, &fr, &rc)
		runtime.KeepAlive(k0)
		runtime.KeepAlive(k1)
		runtime.KeepAlive(k2)
		runtime.KeepAlive(k3)
		runtime.KeepAlive(k4)
		if escapeNever {
			escapeSink = [...]any{a, b, c, d, e}
		}
		return r, err
	}
}

// Fn6 binds symbol as a typed function of six arguments. Like Fn2.
func Fn6[A, B, C, D, E, F Arg, R Result](l *Library, symbol string, opts ...BindOption) (func(A, B, C, D, E, F) (R, error), error) {
	fn, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C](),
		reflect.TypeFor[D](), reflect.TypeFor[E](), reflect.TypeFor[F]())
	if err != nil {
		return nil, err
	}
	return fn6[A, B, C, D, E, F, R](fn), nil
}

func fn6[A, B, C, D, E, F, R any](fn *Func) func(A, B, C, D, E, F) (R, error) {
	p := &fn.sig.plan
	if !p.fast {
		return func(a A, b B, c C, d D, e E, f F) (R, error) {
			return slowTyped[R](fn, reflect.ValueOf(a), reflect.ValueOf(b), reflect.ValueOf(c),
				reflect.ValueOf(d), reflect.ValueOf(e), reflect.ValueOf(f))
		}
	}
	if scalarOnly(fn) {
		return sfn6[A, B, C, D, E, F, R](fn)
	}
	var ps [6]pinfo
	copy(ps[:], p.params)
	rc := p.res
	return func(a A, b B, c C, d D, e E, f F) (r R, err error) {
		var fr frame
		k0 := setArg(&fr, a, &ps[0])
		k1 := setArg(&fr, b, &ps[1])
		k2 := setArg(&fr, c, &ps[2])
		k3 := setArg(&fr, d, &ps[3])
		k4 := setArg(&fr, e, &ps[4])
		k5 := setArg(&fr, f, &ps[5])
		r, err = callTyped[R](fn, &fr, &rc)
		runtime.KeepAlive(k0)
		runtime.KeepAlive(k1)
		runtime.KeepAlive(k2)
		runtime.KeepAlive(k3)
		runtime.KeepAlive(k4)
		runtime.KeepAlive(k5)
		if escapeNever {
			escapeSink = [...]any{a, b, c, d, e, f}
		}
		return r, err
	}
}

// FnS1 binds symbol as a typed function of one argument of any type the
// signature validator accepts, structs by value included (see docs/ffi.md):
//
//	type Point struct{ X, Y int32 }
//	padd, err := ffi.FnS2[Point, Point, Point](lib, "point_add")
//
// Structs of at most 16 bytes whose eightbytes fit the remaining registers
// (System V AMD64 classification: INTEGER or SSE) are passed and returned in
// registers through the trampoline without reflection or allocation; larger
// structs (passed in memory) and any other shape the trampoline does not
// take go through purego. The types are checked when binding, not by the
// compiler: a refused type gives a *SignatureError.
func FnS1[A, R any](l *Library, symbol string, opts ...BindOption) (func(A) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A]())
	if err != nil {
		return nil, err
	}
	return fn1[A, R](f), nil
}

// FnS2 binds symbol as a typed function of two arguments of any supported
// type, structs by value included. Like FnS1.
func FnS2[A, B, R any](l *Library, symbol string, opts ...BindOption) (func(A, B) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B]())
	if err != nil {
		return nil, err
	}
	return fn2[A, B, R](f), nil
}

// FnS3 binds symbol as a typed function of three arguments of any supported
// type, structs by value included. Like FnS1.
func FnS3[A, B, C, R any](l *Library, symbol string, opts ...BindOption) (func(A, B, C) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C]())
	if err != nil {
		return nil, err
	}
	return fn3[A, B, C, R](f), nil
}

// FnS4 binds symbol as a typed function of four arguments of any supported
// type, structs by value included. Like FnS1.
func FnS4[A, B, C, D, R any](l *Library, symbol string, opts ...BindOption) (func(A, B, C, D) (R, error), error) {
	f, err := typedFunc[R](l, symbol, opts, reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C](), reflect.TypeFor[D]())
	if err != nil {
		return nil, err
	}
	return fn4[A, B, C, D, R](f), nil
}
