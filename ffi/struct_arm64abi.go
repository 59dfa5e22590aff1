package ffi

import (
	"reflect"
	"runtime"
)

// arm64StructArgProblem explains why a struct argument of type t cannot be
// passed on arm64, or returns "". AAPCS64 passes a composite of at most 16
// bytes that is not a homogeneous floating-point aggregate (HFA) in general
// registers, float fields included; purego (v0.11) puts a float64 field, or
// an eightbyte of float32 fields, of such a struct in a float register, so C
// would read other registers (purego issue #522, open; fix in PR #517).
// goractor refuses those shapes instead (pass a pointer, or split the
// struct); HFAs, integer-only structs, eightbytes that mix integers and
// floats, and structs over 16 bytes (passed by reference) are passed
// correctly. Results are unaffected.
func arm64StructArgProblem(t reflect.Type) string {
	if runtime.GOARCH != "arm64" || t.Kind() != reflect.Struct || isHFA(t) {
		return ""
	}
	n8, sse, ok := classifyStruct(t)
	if !ok {
		return ""
	}
	for k := range n8 {
		if sse[k] {
			return "a struct of at most 16 bytes with an all-float eightbyte that is not an HFA is passed wrongly by purego on " +
				runtime.GOOS + "/" + runtime.GOARCH + "; pass a pointer"
		}
	}
	return ""
}

// isHFA reports a homogeneous floating-point aggregate: one to four float
// fields (nested structs and arrays flattened), all of one type.
func isHFA(t reflect.Type) bool {
	var kind reflect.Kind
	n := 0
	var walk func(t reflect.Type) bool
	walk = func(t reflect.Type) bool {
		switch t.Kind() {
		case reflect.Struct:
			for i := range t.NumField() {
				if !walk(t.Field(i).Type) {
					return false
				}
			}
			return true
		case reflect.Array:
			for range t.Len() {
				if !walk(t.Elem()) {
					return false
				}
			}
			return true
		case reflect.Float32, reflect.Float64:
			if kind != 0 && kind != t.Kind() {
				return false
			}
			kind = t.Kind()
			n++
			return n <= 4
		}
		return false
	}
	return walk(t) && n > 0
}
