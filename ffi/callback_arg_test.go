package ffi_test

import (
	"errors"
	"fmt"
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

// TestCallbackPublicTypes checks ffi's own callback types: a raw
// func(CallbackArgs) uintptr handler gets C's registers, NewCallback's
// refusal is a *CallbackSignatureError with its fields, CallbackStats counts
// the calls, and a user can build each error type and match it through a
// wrap. (The runtime's panic, Goexit and timeout errors reaching an actor:
// TestCallbackPanicDeliveredToOwner,
// TestCallbackLibuvQueueWorkEveryCallRunOrReported.)
func TestCallbackPublicTypes(t *testing.T) {
	fx := bindCB(t)
	before := ffi.ReadCallbackStats()
	raw, err := ffi.NewCallback(func(a ffi.CallbackArgs) uintptr { return 3 * a.Int[0] }, ffi.Unowned())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if got := fx.callN(raw.Ptr(), 5); got != 3*(0+1+2+3+4) {
		t.Errorf("raw handler: C sum = %d, want 30", got)
	}
	if raw.Handle() == 0 {
		t.Error("Handle() = 0, want a valid CallbackHandle")
	}
	after := ffi.ReadCallbackStats()
	if d := after.Fired - before.Fired; d != 5 {
		t.Errorf("Fired delta = %d, want 5", d)
	}
	if after.Exceptional() != after.ExClosed+after.ExStale+after.ExDeadline+after.ExPanic+after.ExWrong+after.ExDepth+after.ExGoexit {
		t.Errorf("Exceptional() = %d, not the sum of the Ex counters in %+v", after.Exceptional(), after)
	}

	_, err = ffi.NewCallback(func(int64, string) {})
	var se *ffi.CallbackSignatureError
	if !errors.As(err, &se) || !errors.Is(err, ffi.ErrCallbackSignature) {
		t.Fatalf("NewCallback(func(int64, string)) = %v; want a *CallbackSignatureError", err)
	}
	if se.Param != 1 || se.Type != reflect.TypeFor[string]() || se.Func != reflect.TypeFor[func(int64, string)]() || se.Why == "" {
		t.Errorf("signature error = %+v", se)
	}

	for _, c := range []struct {
		err      error
		sentinel error
	}{
		{&ffi.CallbackPanicError{Callback: "cmp", Owner: "A", Value: errBoom}, errBoom},
		{&ffi.CallbackGoexitError{Callback: "cmp", Owner: "A"}, ffi.ErrCallbackGoexit},
		{&ffi.CallbackTimeoutError{Callback: "cmp", Owner: "A", Queued: 2}, ffi.ErrCallbackTimeout},
		{&ffi.CallbackSignatureError{Param: -1, Why: "handler is nil"}, ffi.ErrCallbackSignature},
	} {
		wrapped := fmt.Errorf("supervisor: %w", c.err)
		target := reflect.New(reflect.TypeOf(c.err))
		if !errors.As(wrapped, target.Interface()) || target.Elem().Interface() != c.err || !errors.Is(wrapped, c.sentinel) {
			t.Errorf("%T: errors.As/Is through a wrap failed", c.err)
		}
		if !strings.HasPrefix(c.err.Error(), "callback: ") {
			t.Errorf("%T: message %q lacks the package prefix", c.err, c.err.Error())
		}
	}
}

var errBoom = errors.New("boom")
