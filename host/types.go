package host

import (
	"fmt"
	"reflect"
)

// Type codes of hosted parameters and results: a reflect.Kind for the
// basic kinds, codeBytes for []byte.
const codeBytes uint8 = 100

var errorType = reflect.TypeFor[error]()

// basicTypes are the types a code stands for on the wire.
var basicTypes = map[uint8]reflect.Type{
	uint8(reflect.Bool): reflect.TypeFor[bool](),
	uint8(reflect.Int):  reflect.TypeFor[int](), uint8(reflect.Int8): reflect.TypeFor[int8](),
	uint8(reflect.Int16): reflect.TypeFor[int16](), uint8(reflect.Int32): reflect.TypeFor[int32](),
	uint8(reflect.Int64): reflect.TypeFor[int64](),
	uint8(reflect.Uint):  reflect.TypeFor[uint](), uint8(reflect.Uint8): reflect.TypeFor[uint8](),
	uint8(reflect.Uint16): reflect.TypeFor[uint16](), uint8(reflect.Uint32): reflect.TypeFor[uint32](),
	uint8(reflect.Uint64): reflect.TypeFor[uint64](), uint8(reflect.Uintptr): reflect.TypeFor[uintptr](),
	uint8(reflect.Float32): reflect.TypeFor[float32](), uint8(reflect.Float64): reflect.TypeFor[float64](),
	uint8(reflect.String): reflect.TypeFor[string](),
	codeBytes:             reflect.TypeFor[[]byte](),
}

// codeOf returns the wire code of t, or an error wrapping ErrNotHostable.
func codeOf(t reflect.Type) (uint8, error) {
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
		return codeBytes, nil
	}
	if _, ok := basicTypes[uint8(t.Kind())]; ok && t.Kind() != reflect.Slice {
		return uint8(t.Kind()), nil
	}
	return 0, fmt.Errorf("%v: %w (booleans, integers, floats, strings and []byte cross)", t, ErrNotHostable)
}

// funcType builds the func type a host binds: the coded parameters and
// results, and always a final error result.
func funcType(in, out []uint8) (reflect.Type, error) {
	var ins, outs []reflect.Type
	for _, c := range in {
		t, ok := basicTypes[c]
		if !ok {
			return nil, fmt.Errorf("host: unknown type code %d", c)
		}
		ins = append(ins, t)
	}
	for _, c := range out {
		t, ok := basicTypes[c]
		if !ok {
			return nil, fmt.Errorf("host: unknown type code %d", c)
		}
		outs = append(outs, t)
	}
	return reflect.FuncOf(ins, append(outs, errorType), false), nil
}

// toWire returns the value of argument a as it crosses: its basic type.
func toWire(a reflect.Value, code uint8) any {
	if code == codeBytes {
		return a.Bytes()
	}
	return a.Convert(basicTypes[code]).Interface()
}

// fromWire converts a decoded value to t (of code c).
func fromWire(a any, t reflect.Type, c uint8) (reflect.Value, error) {
	if c == codeBytes {
		if a == nil {
			return reflect.Zero(t), nil
		}
		b, ok := a.([]byte)
		if !ok {
			return reflect.Value{}, fmt.Errorf("got %T, want []byte", a)
		}
		return reflect.ValueOf(b).Convert(t), nil
	}
	return toValue(a, t)
}

// toValue converts a decoded value (CBOR gives int64, uint64, float64...)
// to t, within its category: numbers to numbers, strings to strings.
func toValue(a any, t reflect.Type) (reflect.Value, error) {
	if t.Kind() == reflect.Slice {
		return fromWire(a, t, codeBytes)
	}
	v := reflect.ValueOf(a)
	if !v.IsValid() {
		return reflect.Value{}, fmt.Errorf("got nil, want %v", t)
	}
	if category(v.Kind()) != category(t.Kind()) || !v.Type().ConvertibleTo(t) {
		return reflect.Value{}, fmt.Errorf("got %T, want %v", a, t)
	}
	return v.Convert(t), nil
}

func category(k reflect.Kind) int {
	switch {
	case k == reflect.Bool:
		return 1
	case k == reflect.String:
		return 2
	case k >= reflect.Int && k <= reflect.Float64:
		return 3
	}
	return 0
}
