package ffi

import "reflect"

// Fast reports whether calls of f go through ffi's register trampoline (true
// on linux/amd64 for signatures without structs and with at most 6 integer
// and 8 float arguments); otherwise they go through purego.
func (f *Func) Fast() bool { return f.sig.plan.fast }

// FastArch reports whether this platform has ffi's register trampoline
// (the typed paths that ask a gate's Admitter).
const FastArch = fastArch

// SetFunc sets *fptr to a Go function calling f, as Bind does (for a Func
// bound without a library, in the in-flight-count benchmark).
func SetFunc(f *Func, fptr any) { f.setFunc(checkFptr(fptr)) }

// TypedFn2 binds symbol to the typed closure fn2 that Bind's listed shapes
// use, for the tests and benchmarks of that machinery with argument kinds
// (structs by value) that no listed shape has.
func TypedFn2[T1, T2, R any](l *Library, symbol string) (func(T1, T2) (R, error), error) {
	sig, err := SignatureOf(reflect.TypeFor[func(T1, T2) (R, error)]())
	if err != nil {
		return nil, err
	}
	f, err := l.Func(symbol, sig)
	if err != nil {
		return nil, err
	}
	return fn2[T1, T2, R](f), nil
}
