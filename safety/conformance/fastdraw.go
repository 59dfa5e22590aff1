package conformance

import (
	"fmt"
	"reflect"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/gatehook"
)

// drawLoop is how an actor of a draw makes its calls: inputs first,
// first+step, … (modulo the number of inputs) while more(n) holds for the n
// calls made so far; it returns how many calls it made and how to render
// the i-th result ("input|outcome"), which Draw asks only once every actor
// has finished, so that rendering does not take CPU from the calls.
type drawLoop func(first, step int, more func(n int) bool) (n int, format func(i int) string)

// unitLoop makes a draw's calls through b.invoke (any function).
func unitLoop(b *bound, kp *keeper) drawLoop {
	inputs := len(b.fn.Inputs)
	return func(first, step int, more func(int) bool) (int, func(int) string) {
		var got []outcome
		for c := first; more(len(got)); c += step {
			o, _ := b.invoke(c%inputs, kp)
			got = append(got, o)
		}
		return len(got), func(i int) string { return fmt.Sprintf("%d|%s", (first+i*step)%inputs, got[i]) }
	}
}

// scalarLoop returns a drawLoop for a function of no arguments with a
// scalar result called directly (parallel-safe, no thread affinity: no
// gate), bound through ffi's typed scalar fast path, with nothing between
// two calls but storing the result; ok is false for any other function.
//
// This is what makes a draw catch an unlocked generator (lrand48): its race
// window is a few instructions, and two actors' calls overlap there only
// when the calls are short. Through b.invoke a call costs about 7 µs (150 µs
// under the race detector) of Go code formatting its outcome around a 20 ns
// C call; through this loop, 0.3 µs (4 µs under the race detector).
func scalarLoop(x *extension.Extension, b *bound) (loop drawLoop, ok bool, err error) {
	f := b.fn
	if f.Call != nil || len(f.Steps) > 0 || f.Result != nil || !b.safety.IsParallelSafe() ||
		x.Declaration().Affinity != extension.AnyThread {
		return nil, false, nil
	}
	sig, err := ffi.ParseSignature(f.Signature)
	if err != nil || len(sig.Params) > 0 || sig.Variadic || sig.Error || sig.Result == nil {
		return nil, false, nil
	}
	var fopts []extension.FuncOption
	if len(f.Library) > 0 {
		fopts = append(fopts, extension.FromLibrary(f.Library...))
	}
	// Bound through the extension only to find the library (and to fail
	// as the suite's other bindings do); needing no gate, the typed binding
	// of the same symbol in the same library calls exactly the same way.
	fn, err := x.Func(f.Name, sig, append(fopts, extension.WithSafety(b.safety))...)
	if err != nil {
		return nil, false, err
	}
	if gatehook.Gated(fn) {
		return nil, false, nil
	}
	lib, inputs := fn.Library(), len(f.Inputs)
	switch sig.Result.Kind() {
	case reflect.Int8:
		return typedLoop[int8](lib, f.Name, inputs)
	case reflect.Int16:
		return typedLoop[int16](lib, f.Name, inputs)
	case reflect.Int32:
		return typedLoop[int32](lib, f.Name, inputs)
	case reflect.Int64:
		return typedLoop[int64](lib, f.Name, inputs)
	case reflect.Int:
		return typedLoop[int](lib, f.Name, inputs)
	case reflect.Uint8:
		return typedLoop[uint8](lib, f.Name, inputs)
	case reflect.Uint16:
		return typedLoop[uint16](lib, f.Name, inputs)
	case reflect.Uint32:
		return typedLoop[uint32](lib, f.Name, inputs)
	case reflect.Uint64:
		return typedLoop[uint64](lib, f.Name, inputs)
	case reflect.Uint:
		return typedLoop[uint](lib, f.Name, inputs)
	case reflect.Uintptr:
		return typedLoop[uintptr](lib, f.Name, inputs)
	case reflect.Float32:
		return typedLoop[float32](lib, f.Name, inputs)
	case reflect.Float64:
		return typedLoop[float64](lib, f.Name, inputs)
	case reflect.Bool:
		return typedLoop[bool](lib, f.Name, inputs)
	}
	return nil, false, nil
}

// typedLoop binds symbol as func() (R, error) and returns its drawLoop. A
// result renders as b.invoke's outcome of the same call would (%#v of the
// value, or "error …"), so both loops give the same strings.
func typedLoop[R ffi.Scalar](lib *ffi.Library, symbol string, inputs int) (drawLoop, bool, error) {
	var call func() (R, error) // a shape Bind lists for every scalar R: no reflection
	if err := lib.Bind(&call, symbol); err != nil {
		return nil, false, err
	}
	return func(first, step int, more func(int) bool) (int, func(int) string) {
		got := make([]R, 0, 1<<16)
		var errs map[int]string // calls that failed (a closed library), by index
		for more(len(got)) {
			v, err := call()
			if err != nil {
				if errs == nil {
					errs = map[int]string{}
				}
				errs[len(got)] = err.Error()
			}
			got = append(got, v)
		}
		return len(got), func(i int) string {
			o := outcome{v: got[i]}
			if e, failed := errs[i]; failed {
				o = outcome{err: e}
			}
			return fmt.Sprintf("%d|%s", (first+i*step)%inputs, o)
		}
	}, true, nil
}
