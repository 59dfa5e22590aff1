package extension

import (
	"reflect"
	"slices"
	"unsafe"

	"github.com/goractor/goractor/ffi"
)

// routeFirst makes a function bound with Bind run the gate's first phase
// itself: when it finds a direct route, the call goes through an ungated
// binding of the same symbol (ffi's typed path, frame on the caller's stack,
// no allocation); otherwise through the gated one Bind made (the second
// phase). It covers the func types ffi.Library.Bind implements without
// reflection (docs/ffi.md); the others, and every function of an extension
// with a trace or metrics (each call is recorded) or a dedicated thread,
// keep the gated binding alone.
func (x *Extension) routeFirst(g *gate, lib *ffi.Library, fptr any, symbol string, fopts []ffi.BindOption) error {
	if x.trace != nil || x.metrics != nil || g.mode == modeDedicated {
		return nil
	}
	sig, err := ffi.SignatureOf(reflect.TypeOf(fptr).Elem())
	if err != nil {
		return err
	}
	df, err := lib.Func(symbol, sig, append(slices.Clone(fopts), ffi.WithGate(nil))...)
	if err != nil {
		return err
	}
	switch p := fptr.(type) {
	case *func():
		*p = r0v(g, direct(df, p), *p)
	case *func() error:
		*p = r0(g, direct(df, p), *p)
	case *func() int32:
		*p = r0(g, direct(df, p), *p)
	case *func() int64:
		*p = r0(g, direct(df, p), *p)
	case *func() string:
		*p = r0(g, direct(df, p), *p)
	case *func() (string, error):
		*p = r0e(g, direct(df, p), *p)
	case *func(int32) int32:
		*p = r1(g, direct(df, p), *p)
	case *func(int32) (int32, error):
		*p = r1e(g, direct(df, p), *p)
	case *func(int64) int64:
		*p = r1(g, direct(df, p), *p)
	case *func(float64) float64:
		*p = r1(g, direct(df, p), *p)
	case *func(uintptr) uintptr:
		*p = r1(g, direct(df, p), *p)
	case *func(unsafe.Pointer) uintptr:
		*p = r1(g, direct(df, p), *p)
	case *func(unsafe.Pointer) unsafe.Pointer:
		*p = r1(g, direct(df, p), *p)
	case *func(int32) string:
		*p = r1(g, direct(df, p), *p)
	case *func(int32) (string, error):
		*p = r1e(g, direct(df, p), *p)
	case *func(int64) string:
		*p = r1(g, direct(df, p), *p)
	case *func(int64) (string, error):
		*p = r1e(g, direct(df, p), *p)
	case *func(string) uint64:
		*p = r1(g, direct(df, p), *p)
	case *func(string) (uint64, error):
		*p = r1e(g, direct(df, p), *p)
	case *func(string) int:
		*p = r1(g, direct(df, p), *p)
	case *func(string) int32:
		*p = r1(g, direct(df, p), *p)
	case *func(string) (int32, error):
		*p = r1e(g, direct(df, p), *p)
	case *func(string) int64:
		*p = r1(g, direct(df, p), *p)
	case *func(string) uintptr:
		*p = r1(g, direct(df, p), *p)
	case *func(string) unsafe.Pointer:
		*p = r1(g, direct(df, p), *p)
	case *func(string) string:
		*p = r1(g, direct(df, p), *p)
	case *func(string) (string, error):
		*p = r1e(g, direct(df, p), *p)
	case *func([]byte) uint64:
		*p = r1(g, direct(df, p), *p)
	case *func(int32, int32) int32:
		*p = r2(g, direct(df, p), *p)
	case *func(int32, int32) (int32, error):
		*p = r2e(g, direct(df, p), *p)
	case *func(int64, int64) int64:
		*p = r2(g, direct(df, p), *p)
	case *func(float64, float64) float64:
		*p = r2(g, direct(df, p), *p)
	case *func(float64, float64) (float64, error):
		*p = r2e(g, direct(df, p), *p)
	case *func(string, string) int32:
		*p = r2(g, direct(df, p), *p)
	case *func(string, int32) int32:
		*p = r2(g, direct(df, p), *p)
	case *func(string, int32) (int32, error):
		*p = r2e(g, direct(df, p), *p)
	case *func([]byte, int32) int64:
		*p = r2(g, direct(df, p), *p)
	case *func([]byte, int32) int32:
		*p = r2(g, direct(df, p), *p)
	case *func(string, unsafe.Pointer, int32) int64:
		*p = r3(g, direct(df, p), *p)
	case *func(string, *uintptr, int32) int64:
		*p = r3(g, direct(df, p), *p)
	}
	return nil
}

// direct returns the ungated binding df as a function of p's type.
func direct[F any](df *ffi.Func, _ *F) F {
	var f F
	df.MakeFunc(&f)
	return f
}

// pick runs the first phase for one call of a function bound as d (ungated)
// and h (gated): it returns the one to call and whether the caller must
// release the Serialize lock after it.
func pick[F any](g *gate, d, h F) (F, bool) {
	switch g.enter() {
	case firstDirect:
		return d, false
	case firstSerial:
		return d, true
	}
	return h, false
}

// r0v … r3 are pick for each shape.

func r0v(g *gate, d, h func()) func() {
	return func() {
		f, locked := pick(g, d, h)
		if locked {
			defer g.x.serial.unlock()
		}
		f()
	}
}

func r0[R any](g *gate, d, h func() R) func() R {
	return func() R {
		f, locked := pick(g, d, h)
		if locked {
			defer g.x.serial.unlock()
		}
		return f()
	}
}

func r0e[R any](g *gate, d, h func() (R, error)) func() (R, error) {
	return func() (R, error) {
		f, locked := pick(g, d, h)
		if locked {
			defer g.x.serial.unlock()
		}
		return f()
	}
}

func r1[A, R any](g *gate, d, h func(A) R) func(A) R {
	return func(a A) R {
		f, locked := pick(g, d, h)
		if locked {
			defer g.x.serial.unlock()
		}
		return f(a)
	}
}

func r1e[A, R any](g *gate, d, h func(A) (R, error)) func(A) (R, error) {
	return func(a A) (R, error) {
		f, locked := pick(g, d, h)
		if locked {
			defer g.x.serial.unlock()
		}
		return f(a)
	}
}

func r2[A, B, R any](g *gate, d, h func(A, B) R) func(A, B) R {
	return func(a A, b B) R {
		f, locked := pick(g, d, h)
		if locked {
			defer g.x.serial.unlock()
		}
		return f(a, b)
	}
}

func r2e[A, B, R any](g *gate, d, h func(A, B) (R, error)) func(A, B) (R, error) {
	return func(a A, b B) (R, error) {
		f, locked := pick(g, d, h)
		if locked {
			defer g.x.serial.unlock()
		}
		return f(a, b)
	}
}

func r3[A, B, C, R any](g *gate, d, h func(A, B, C) R) func(A, B, C) R {
	return func(a A, b B, c C) R {
		f, locked := pick(g, d, h)
		if locked {
			defer g.x.serial.unlock()
		}
		return f(a, b, c)
	}
}
