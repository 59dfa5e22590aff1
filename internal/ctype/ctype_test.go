package ctype

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

type (
	plain   struct{ A, B int32 }
	withStr struct{ S string }
	withPtr struct{ P *[]int }
)

// TestProblem checks the verdict and the reason for every role.
func TestProblem(t *testing.T) {
	cases := []struct {
		t    reflect.Type
		role Role
		want string // "" : accepted
	}{
		{reflect.TypeFor[int32](), Param, ""},
		{reflect.TypeFor[string](), Param, ""},
		{reflect.TypeFor[[]byte](), Param, ""},
		{reflect.TypeFor[*int](), Param, ""},
		{reflect.TypeFor[**int](), Param, "Go pointers"},
		{reflect.TypeFor[[]string](), Param, "slice elements contain Go pointers"},
		{reflect.TypeFor[map[int]int](), Param, "maps cannot cross to C"},
		{reflect.TypeFor[chan int](), Param, "channels cannot cross to C"},
		{reflect.TypeFor[func()](), Param, "make a callback"},
		{reflect.TypeFor[any](), Param, "variadic ...any"},
		{reflect.TypeFor[[4]int](), Param, "arrays cannot cross to C by value"},
		{reflect.TypeFor[complex64](), Param, "complex numbers"},
		{reflect.TypeFor[struct{}](), Param, "empty structs"},
		{reflect.TypeFor[withStr](), Param, "struct field S of type string"},
		{reflect.TypeFor[withPtr](), Param, "struct field P points to Go pointers"},
		{reflect.TypeFor[[]byte](), Result, "cannot return a slice"},
		{reflect.TypeFor[**int](), Result, ""},
		{reflect.TypeFor[func()](), Result, "FuncAt"},
		{reflect.TypeFor[any](), Result, "cannot return an interface"},
		{reflect.TypeFor[map[int]int](), Result, "maps cannot cross to C"},
		{reflect.TypeFor[uintptr](), CallbackParam, ""},
		{reflect.TypeFor[unsafe.Pointer](), CallbackParam, ""},
		{reflect.TypeFor[float32](), CallbackParam, ""},
		{reflect.TypeFor[float64](), CallbackResult, "floating-point results"},
		{reflect.TypeFor[string](), CallbackParam, "strings cannot cross a C callback"},
		{reflect.TypeFor[plain](), CallbackParam, "structs by value are not supported in callbacks"},
		{reflect.TypeFor[[]byte](), CallbackParam, "arrays and slices"},
		{reflect.TypeFor[map[int]int](), CallbackParam, "maps cannot cross to C"},
		{reflect.TypeFor[func()](), CallbackResult, "make a callback"},
		{reflect.TypeFor[complex128](), CallbackParam, "complex numbers"},
		{nil, Param, "invalid type"},
	}
	if !StructsByValue() {
		t.Logf("structs by value are refused on this platform; struct cases expect that")
	}
	for _, c := range cases {
		got := Problem(c.t, c.role)
		want := c.want
		if !StructsByValue() && c.t != nil && c.t.Kind() == reflect.Struct && c.role == Param {
			want = "structs by value are not supported on"
		}
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("Problem(%v, %d) = %q; want %q", c.t, c.role, got, want)
		}
	}
}

// TestOneVocabulary: a type refused in both directions for the same reason
// is refused in the same words.
func TestOneVocabulary(t *testing.T) {
	for _, ty := range []reflect.Type{
		reflect.TypeFor[map[string]int](), reflect.TypeFor[chan struct{}](), reflect.TypeFor[func(int)](),
		reflect.TypeFor[complex128](),
	} {
		if p, c := Problem(ty, Param), Problem(ty, CallbackParam); p == "" || p != c {
			t.Errorf("%v: parameter %q, callback parameter %q; want one non-empty reason", ty, p, c)
		}
	}
}

func TestRegisters(t *testing.T) {
	for _, ty := range []reflect.Type{reflect.TypeFor[bool](), reflect.TypeFor[int8](), reflect.TypeFor[uintptr](), reflect.TypeFor[*plain](), reflect.TypeFor[unsafe.Pointer]()} {
		if !IntRegister(ty) || FloatRegister(ty) {
			t.Errorf("%v: IntRegister %v, FloatRegister %v; want true, false", ty, IntRegister(ty), FloatRegister(ty))
		}
	}
	for _, ty := range []reflect.Type{reflect.TypeFor[float32](), reflect.TypeFor[float64]()} {
		if IntRegister(ty) || !FloatRegister(ty) {
			t.Errorf("%v: IntRegister %v, FloatRegister %v; want false, true", ty, IntRegister(ty), FloatRegister(ty))
		}
	}
	for _, ty := range []reflect.Type{reflect.TypeFor[string](), reflect.TypeFor[plain](), reflect.TypeFor[[]int]()} {
		if IntRegister(ty) || FloatRegister(ty) {
			t.Errorf("%v fits a register; want neither", ty)
		}
	}
	if !HasGoPointers(reflect.TypeFor[withStr]()) || HasGoPointers(reflect.TypeFor[plain]()) || HasGoPointers(reflect.TypeFor[[0]*int]()) {
		t.Errorf("HasGoPointers misjudges withStr, plain or [0]*int")
	}
}
