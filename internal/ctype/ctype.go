package ctype

import (
	"fmt"
	"reflect"
	"runtime"
	"unsafe"
)

// Role is where a type appears in a C call.
type Role uint8

const (
	// Param is a fixed parameter of a C function Go calls.
	Param Role = iota
	// Result is the result of a C function Go calls.
	Result
	// CallbackParam is a parameter of a Go handler C calls.
	CallbackParam
	// CallbackResult is the result of a Go handler C calls.
	CallbackResult
)

func (r Role) callback() bool { return r == CallbackParam || r == CallbackResult }

// IntRegister reports whether values of t travel in one integer register:
// booleans, integers and pointers no wider than a pointer.
func IntRegister(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Pointer, reflect.UnsafePointer:
		return t.Size() <= unsafe.Sizeof(uintptr(0))
	}
	return false
}

// FloatRegister reports whether values of t travel in one floating-point
// register (float32, float64).
func FloatRegister(t reflect.Type) bool {
	return t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64
}

// HasGoPointers reports whether values of t contain Go pointers, which C
// must not receive (the cgo pointer rules).
func HasGoPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.String, reflect.Slice, reflect.Map, reflect.Chan,
		reflect.Func, reflect.Interface:
		return true
	case reflect.Array:
		return t.Len() > 0 && HasGoPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if HasGoPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// StructsByValue reports whether the platform's C calls (purego's) pass
// structs by value.
func StructsByValue() bool {
	switch runtime.GOARCH {
	case "amd64", "arm64", "loong64", "ppc64le":
	default:
		return false
	}
	switch runtime.GOOS {
	case "android", "darwin", "ios", "linux", "windows":
		return true
	}
	return false
}

// Problem returns why values of t cannot cross to C as role, or "" when
// they can. Register counts (how many arguments fit) are the caller's:
// Problem judges one type.
func Problem(t reflect.Type, role Role) string {
	if t == nil {
		return "invalid type"
	}
	if role.callback() {
		return callbackProblem(t, role)
	}
	switch t.Kind() {
	case reflect.Slice:
		if role == Result {
			return "a C function cannot return a slice (no length); return a pointer"
		}
		if HasGoPointers(t.Elem()) {
			return "slice elements contain Go pointers, which C must not receive (cgo pointer rules)"
		}
		return ""
	case reflect.Pointer:
		if role == Result {
			return "" // pointers into C memory are fine; Go never frees them
		}
		if HasGoPointers(t.Elem()) {
			return "the pointed-to type contains Go pointers, which C must not receive (cgo pointer rules)"
		}
		return ""
	case reflect.Func:
		if role == Result {
			return "a C function pointer result must be declared uintptr and called through FuncAt"
		}
	case reflect.Interface:
		if role == Result {
			return "a C function cannot return an interface value"
		}
		return "interface values cannot cross to C (only as the element of a variadic ...any)"
	case reflect.Struct:
		return structProblem(t)
	}
	return common(t)
}

// common is the reason shared by every role, "" when the kind can cross.
func common(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Func:
		return "a Go func cannot cross to C: make a callback with ffi.NewCallback once and pass its Ptr() as a uintptr"
	case reflect.Map:
		return "maps cannot cross to C"
	case reflect.Chan:
		return "channels cannot cross to C"
	case reflect.Interface:
		return "interface values cannot cross to C"
	case reflect.Complex64, reflect.Complex128:
		return "complex numbers are not supported (no C _Complex ABI)"
	case reflect.Array:
		return "arrays cannot cross to C by value (C arrays decay to pointers); pass a pointer or a slice"
	case reflect.Invalid:
		return "invalid type"
	}
	return ""
}

// callbackProblem is Problem for a handler's parameter or result, which
// travel in one register each (the trampolines decode registers only).
func callbackProblem(t reflect.Type, role Role) string {
	if IntRegister(t) {
		return ""
	}
	if FloatRegister(t) {
		if role == CallbackResult {
			return "floating-point results are not supported (the trampolines return in the integer register only); return the value through a pointer argument"
		}
		return ""
	}
	switch t.Kind() {
	case reflect.String:
		return "strings cannot cross a C callback; take a pointer (*byte or unsafe.Pointer) and copy the bytes"
	case reflect.Struct:
		return "structs by value are not supported in callbacks; pass a pointer"
	case reflect.Slice, reflect.Array:
		return "arrays and slices cannot cross a C callback; pass a pointer and a length"
	case reflect.Int64, reflect.Uint64:
		return "64-bit integers need a 64-bit platform"
	}
	if r := common(t); r != "" {
		return r
	}
	return t.Kind().String() + " values cannot cross to C"
}

// structProblem returns why a struct of type t cannot be passed by value,
// or "".
func structProblem(t reflect.Type) string {
	if !StructsByValue() {
		return "structs by value are not supported on " + runtime.GOOS + "/" + runtime.GOARCH
	}
	if t.Size() == 0 {
		return "empty structs cannot cross to C"
	}
	var walk func(reflect.Type) string
	walk = func(t reflect.Type) string {
		for i := range t.NumField() {
			f := t.Field(i).Type
			if f.Kind() == reflect.Array {
				f = f.Elem()
			}
			switch f.Kind() {
			case reflect.Struct:
				if r := walk(f); r != "" {
					return r
				}
			case reflect.Pointer:
				if HasGoPointers(f.Elem()) {
					return fmt.Sprintf("struct field %s points to Go pointers, which C must not receive (cgo pointer rules)", t.Field(i).Name)
				}
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
				reflect.Uintptr, reflect.UnsafePointer, reflect.Float64, reflect.Float32, reflect.Bool:
			default:
				return fmt.Sprintf("struct field %s of type %s cannot be passed to C by value", t.Field(i).Name, t.Field(i).Type)
			}
		}
		return ""
	}
	return walk(t)
}
