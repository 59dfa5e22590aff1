package ffi_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
)

// An actor owns a thread-safe callback, offloads a C function that calls it
// back (from a pthread the C code starts, or from the pool thread itself) and
// waits with Future.Wait. Wait lends the actor's execution token, so every
// callback runs inside the actor: the right result, no exceptional return.
func TestAsyncWaitLendsToken(t *testing.T) {
	l := cbFixture(t)
	const n = 40
	for _, sym := range []string{"call_cb_n_thread", "call_cb_n"} {
		for _, where := range []string{"main", "spawned"} {
			t.Run(sym+"/"+where, func(t *testing.T) {
				ctx := deadline(t, 30*time.Second)
				f, err := l.Func(sym, ffi.MustSignature("func(cb uintptr, n int64) int64"))
				if err != nil {
					t.Fatal(err)
				}
				before := ffi.ReadCallbackStats()
				body := func(cx *actor.Context) ([2]int64, error) {
					state := int64(0) // the actor's state, touched only under its token
					// A short deadline: without lending every callback would
					// wait for it and return the exceptional value.
					cb, err := ffi.NewCallback(func(i int64) int64 { state++; return 2 * i },
						ffi.ThreadSafe(), ffi.Exceptional(int64(-1)), ffi.CallbackTimeout(250*time.Millisecond))
					if err != nil {
						return [2]int64{}, err
					}
					defer cb.Close()
					v, err := f.Async(ctx, cb.Ptr(), int64(n)).Wait(ctx)
					if err != nil {
						return [2]int64{}, err
					}
					state++ // the token is back: the actor's own code runs again
					return [2]int64{v.(int64), state}, nil
				}
				var res [2]int64
				err = actor.Run(func(main *actor.Context) error {
					if where == "main" {
						var err error
						res, err = body(main)
						return err
					}
					a, err := main.Spawn(func(cx *actor.Context) (any, error) { return body(cx) }, actor.WithName("waiter"))
					if err != nil {
						return err
					}
					v, err := a.Value(ctx)
					if err != nil {
						return err
					}
					res = v.([2]int64)
					return nil
				})
				dumpOnDeadline(t, ctx, err)
				if res[0] != sumDoubled(n) || res[1] != n+1 {
					t.Errorf("C returned %d after %d handler runs, want %d after %d", res[0], res[1]-1, sumDoubled(n), n)
				}
				if d := ffi.ReadCallbackStats().Exceptional() - before.Exceptional(); d != 0 {
					t.Errorf("exceptional returns = %d, want 0", d)
				}
			})
		}
	}
}

// D15 through Async: a handler panic during a callback that the offloaded
// call makes on the pool thread resolves the future with a
// *CallbackFailedError wrapping the *CallbackPanicError; the next call on
// the same pool succeeds.
func TestAsyncCallbackPanicFailsFuture(t *testing.T) {
	l := cbFixture(t)
	pool := ffi.NewPool(1, 4)
	defer pool.Close()
	f, err := l.Func("call_cb_n", ffi.MustSignature("func(cb uintptr, n int64) int64"), ffi.WithPool(pool))
	if err != nil {
		t.Fatal(err)
	}
	cb, err := ffi.NewCallback(func(i int64) int64 {
		if i == 2 {
			panic(fmt.Sprintf("boom at %d", i))
		}
		return i
	}, ffi.Exceptional(int64(-1000)), ffi.CallbackName("async-panics"))
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	ctx := deadline(t, 30*time.Second)
	v, err := f.Async(ctx, cb.Ptr(), int64(5)).Wait(ctx)
	var fe *ffi.CallbackFailedError
	var pe *ffi.CallbackPanicError
	if !errors.As(err, &fe) || !errors.As(err, &pe) {
		t.Fatalf("Async with a panicking callback = %v, %v; want a *CallbackFailedError wrapping a *CallbackPanicError", v, err)
	}
	if v != nil || pe.Value != "boom at 2" || pe.Callback != "async-panics" {
		t.Errorf("value %v, panic error %+v", v, pe)
	}
	if v, err := f.Async(ctx, cb.Ptr(), int64(2)).Wait(ctx); err != nil || v != int64(1) {
		t.Errorf("next Async on the same pool thread = %v, %v; want 1, nil", v, err)
	}
	// ffi.Go: the same for a Go function making the native call.
	_, err = ffi.Go(ctx, pool, func() (int64, error) {
		v, err := f.Call(cb.Ptr(), int64(4))
		if err != nil {
			return 0, err
		}
		return v.(int64), nil
	}).Wait(ctx)
	if !errors.As(err, &fe) {
		t.Errorf("Go with a panicking callback = %v; want a *CallbackFailedError", err)
	}
}
