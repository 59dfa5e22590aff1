package ffi

import (
	"errors"
	"reflect"
	"unsafe"
)

// fastShape returns a reflection-free implementation of fv's func type for
// the common shapes (listed in docs/ffi.md), or the zero Value. Each wraps
// the typed path (typed.go); the shapes without an error result panic with
// a refused or failed call's *CallError, except for errno and NULL string
// results, which such a signature cannot report.
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
		*p = plain0(fn0[int32](f))
	case *func() int64:
		*p = plain0(fn0[int64](f))
	case *func() string:
		*p = plain0(fn0[string](f))
	case *func() (string, error):
		*p = fn0[string](f)

	case *func(int32) int32:
		*p = plain1(fn1[int32, int32](f))
	case *func(int32) (int32, error):
		*p = fn1[int32, int32](f)
	case *func(int64) int64:
		*p = plain1(fn1[int64, int64](f))
	case *func(float64) float64:
		*p = plain1(fn1[float64, float64](f))
	case *func(uintptr) uintptr:
		*p = plain1(fn1[uintptr, uintptr](f))
	case *func(unsafe.Pointer) uintptr:
		*p = plain1(fn1[unsafe.Pointer, uintptr](f))
	case *func(unsafe.Pointer) unsafe.Pointer:
		*p = plain1(fn1[unsafe.Pointer, unsafe.Pointer](f))
	case *func(int32) string:
		*p = plain1(fn1[int32, string](f))
	case *func(int32) (string, error):
		*p = fn1[int32, string](f)
	case *func(int64) string:
		*p = plain1(fn1[int64, string](f))
	case *func(int64) (string, error):
		*p = fn1[int64, string](f)

	case *func(string) uint64:
		*p = plain1(fn1[string, uint64](f))
	case *func(string) (uint64, error):
		*p = fn1[string, uint64](f)
	case *func(string) int:
		*p = plain1(fn1[string, int](f))
	case *func(string) int32:
		*p = plain1(fn1[string, int32](f))
	case *func(string) (int32, error):
		*p = fn1[string, int32](f)
	case *func(string) int64:
		*p = plain1(fn1[string, int64](f))
	case *func(string) uintptr:
		*p = plain1(fn1[string, uintptr](f))
	case *func(string) unsafe.Pointer:
		*p = plain1(fn1[string, unsafe.Pointer](f))
	case *func(string) string:
		*p = plain1(fn1[string, string](f))
	case *func(string) (string, error):
		*p = fn1[string, string](f)
	case *func([]byte) uint64:
		*p = plain1(fn1[[]byte, uint64](f))

	case *func(int32, int32) int32:
		*p = plain2(fn2[int32, int32, int32](f))
	case *func(int32, int32) (int32, error):
		*p = fn2[int32, int32, int32](f)
	case *func(int64, int64) int64:
		*p = plain2(fn2[int64, int64, int64](f))
	case *func(float64, float64) float64:
		*p = plain2(fn2[float64, float64, float64](f))
	case *func(float64, float64) (float64, error):
		*p = fn2[float64, float64, float64](f)
	case *func(string, string) int32:
		*p = plain2(fn2[string, string, int32](f))
	case *func(string, int32) int32:
		*p = plain2(fn2[string, int32, int32](f))
	case *func(string, int32) (int32, error):
		*p = fn2[string, int32, int32](f)
	case *func([]byte, int32) int64:
		*p = plain2(fn2[[]byte, int32, int64](f))
	case *func([]byte, int32) int32:
		*p = plain2(fn2[[]byte, int32, int32](f))
	case *func(string, unsafe.Pointer, int32) int64:
		*p = plain3(fn3[string, unsafe.Pointer, int32, int64](f))
	case *func(string, *uintptr, int32) int64: // strtol-like
		*p = plain3(fn3[string, *uintptr, int32, int64](f))
	default:
		return reflect.Value{}
	}
	return fv.Addr().Elem()
}

func plain0[R any](c func() (R, error)) func() R {
	return func() R { r, err := c(); mustCall(err); return r }
}

func plain1[A, R any](c func(A) (R, error)) func(A) R {
	return func(a A) R { r, err := c(a); mustCall(err); return r }
}

func plain2[A, B, R any](c func(A, B) (R, error)) func(A, B) R {
	return func(a A, b B) R { r, err := c(a, b); mustCall(err); return r }
}

func plain3[A, B, C, R any](c func(A, B, C) (R, error)) func(A, B, C) R {
	return func(a A, b B, x C) R { r, err := c(a, b, x); mustCall(err); return r }
}

// mustCall panics with err unless it is nil or only reports errno or a NULL
// string result (a Go signature without an error result cannot report a
// refused call, but those two are not refusals).
func mustCall(err error) {
	if err != nil && !isErrno(err) && !errors.Is(err, ErrNull) {
		panic(err)
	}
}
