package shareable

import (
	"reflect"
	"unsafe"
)

// Move hands the value *p over without copying it and sets *p to the zero
// value, so the sender's variable no longer reaches the value.
//
// Move fails, leaving *p untouched, when the value holds something that may
// never cross between actors: a func, an unsafe.Pointer, a chan of a
// non-shareable element, a sync or sync/atomic value, an OS resource. The
// error is then of type *IsolationError.
//
// Go cannot invalidate other references: if the sender kept another pointer,
// slice or map that aliases the moved value, it can still reach the memory,
// and using it after the move is a data race. Move clears only *p. Move panics
// if p is nil.
func Move[T any](p *T) (T, error) {
	if p == nil {
		panic("shareable: Move of nil pointer")
	}
	ti := infoOf(reflect.TypeFor[T]())
	if ti.verdict != vShare {
		if err := checkAt(ti, unsafe.Pointer(p), modeCross); err != nil {
			var zero T
			return zero, err
		}
	}
	v := *p
	var zero T
	*p = zero
	return v, nil
}

// MoveAny is Move for a pointer held in an interface: p must be a non-nil
// pointer; MoveAny returns the pointee in an interface and zeroes it. When p
// is not a non-nil pointer (a value passed without &), it returns an
// *IsolationError saying so and moves nothing.
func MoveAny(p any) (any, error) {
	rv := reflect.ValueOf(p)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, &IsolationError{Root: reflect.TypeOf(p), Type: reflect.TypeOf(p),
			Reason: "move needs a non-nil pointer to the value, got " + typeString(p) + ": pass &v"}
	}
	elem := rv.Elem()
	ti := infoOf(elem.Type())
	if ti.verdict != vShare {
		if err := checkAt(ti, rv.UnsafePointer(), modeCross); err != nil {
			return nil, err
		}
	}
	v := elem.Interface()
	elem.SetZero()
	return v, nil
}

func typeString(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}
