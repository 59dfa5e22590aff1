package ffi

//go:generate go run ./internal/aritygen/cmd

import (
	"errors"
	"reflect"
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

// void is the result type of a typed closure whose C function returns void.
type void struct{}

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
	if !f.callCounted(fr) {
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
			if !f.callCounted(fr) {
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

// mustCall panics with err unless it is nil or only reports errno or a NULL
// string result (a Go signature without an error result cannot report a
// refused call, but those two are not refusals).
func mustCall(err error) {
	if err != nil && !isErrno(err) && !errors.Is(err, ErrNull) {
		panic(err)
	}
}
