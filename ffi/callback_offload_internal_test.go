package ffi

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/testlib"
)

// D15: a handler panics during a callback that C makes on the offload
// thread, during an offloaded call. C gets the exceptional value and
// finishes; the job (Go runs it through withCallbackFailures) fails with a
// *CallbackFailedError wrapping the *CallbackPanicError, so the future
// resolves with an error instead of a result built on an exceptional value.
// A job whose callbacks all succeed keeps its result.
func TestCallbackPanicInOffloadedCall(t *testing.T) {
	l, err := Open(testlib.SharedLib(t, []string{"../internal/callback/testdata/cbfix.c"}))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f, err := l.Func("call_cb_n", MustSignature("func(cb uintptr, n int64) int64"))
	if err != nil {
		t.Fatal(err)
	}
	const exc = int64(-1000)
	cb, err := NewCallback(func(i int64) int64 {
		if i == 3 {
			panic("boom in an offloaded call")
		}
		return i
	}, Exceptional(exc), CallbackName("offloaded"))
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	pool := NewPool(2, 4)
	defer pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	job := func(n int64) func() (any, error) {
		return func() (any, error) {
			return f.Call(cb.Ptr(), n) // Go runs it through withCallbackFailures
		}
	}
	before := ReadCallbackStats()
	v, err := Go(ctx, pool, job(3)).Wait(ctx) // callbacks 0, 1, 2: no panic
	if err != nil || v != int64(3) {
		t.Fatalf("offloaded call without a panic: %v, %v; want 3, nil", v, err)
	}
	v, err = Go(ctx, pool, job(6)).Wait(ctx)
	var fe *CallbackFailedError
	var pe *CallbackPanicError
	if !errors.As(err, &fe) || !errors.As(err, &pe) {
		t.Fatalf("offloaded call with a panicking callback: %v, %v; want a *CallbackFailedError wrapping a *CallbackPanicError", v, err)
	}
	if pe.Callback != "offloaded" || pe.Value != "boom in an offloaded call" {
		t.Errorf("panic error = %+v", pe)
	}
	if v != nil {
		t.Errorf("value = %v, want nil", v)
	}
	if d := ReadCallbackStats().ExPanic - before.ExPanic; d != 1 {
		t.Errorf("ExPanic delta = %d, want 1", d)
	}
	// The pool thread survived and captures nothing any more.
	v, err = Go(ctx, pool, job(2)).Wait(ctx)
	if err != nil || v != int64(1) {
		t.Errorf("next offloaded call: %v, %v; want 1, nil", v, err)
	}
}
