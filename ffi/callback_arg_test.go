package ffi_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/goractor/goractor/ffi"
)

// Call and Async convert a *Callback argument to its C function pointer:
// passing the Go object's address would make C jump into Go heap memory.
func TestCall_CallbackArgument(t *testing.T) {
	l := cbFixture(t)
	cb, err := ffi.NewCallback(func(i int64) int64 { return 2 * i }, ffi.Unowned())
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	for _, sig := range []string{"func(cb uintptr, n int64) int64", "func(cb unsafe.Pointer, n int64) int64"} {
		f, err := l.Func("call_cb_n", ffi.MustSignature(sig))
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.Call(cb, int64(4))
		if err != nil {
			t.Fatalf("%s: Call(cb, 4): %v", sig, err)
		}
		if want := int64(2 * (0 + 1 + 2 + 3)); got != want {
			t.Errorf("%s: Call(cb, 4) = %v, want %d", sig, got, want)
		}
	}
	// A nil *Callback is NULL, as nil is: call_cb_n with n = 0 never calls it.
	f, err := l.Func("call_cb_n", ffi.MustSignature("func(cb uintptr, n int64) int64"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.Call((*ffi.Callback)(nil), int64(0)); err != nil || got != int64(0) {
		t.Errorf("Call(nil callback, 0) = %v, %v, want 0, nil", got, err)
	}
}

// Binding a Go func-typed parameter is refused with a message that says
// what to do instead.
func TestSignature_FuncParamAdvice(t *testing.T) {
	_, err := ffi.SignatureOf(reflect.TypeOf(func(func(int) int, int) int { return 0 }))
	var se *ffi.SignatureError
	if !errors.As(err, &se) {
		t.Fatalf("SignatureOf(func(func(int) int, int) int) = %v, want a *SignatureError", err)
	}
	if !strings.Contains(se.Reason, "ffi.NewCallback") || !strings.Contains(se.Reason, "Ptr() as a uintptr") {
		t.Errorf("reason %q, want it to point at ffi.NewCallback and Ptr() as a uintptr", se.Reason)
	}
}
