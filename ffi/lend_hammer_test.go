package ffi_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
)

// TestLend_HammerForeignCallbacks: an actor owning thread-safe callbacks
// makes ordinary native calls (each lends its token) while pthreads C
// started call one of its callbacks, and now and then makes a call that
// waits in C for a pthread of its own calling back into it. The handlers
// and the actor's own code touch the actor's state without atomics: under
// -race a broken exclusion is reported, and without it a lost update shows
// in the count. A lost wakeup (a callback never getting the lent token)
// shows as a callback timeout (the exceptional value) or the deadline.
func TestLend_HammerForeignCallbacks(t *testing.T) {
	fx := bindCB(t)
	add, err := bind[func(int32, int32) (int32, error)](fixture(t), "add")
	if err != nil {
		t.Fatal(err)
	}
	const threads, iters, maxBatches = 2, 100, 1000 // the hammer: batches of threads × iters callbacks
	const rounds, waitEvery, waitN = 4000, 16, 4    // the actor's own calls
	ctx := deadline(t, 60*time.Second)
	before := ffi.ReadCallbackStats()
	var state, want, bad, nexc int64
	err = actor.Run(func(main *actor.Context) error {
		a, err := main.Spawn(func(cx *actor.Context) (any, error) {
			state := int64(0) // the actor's state: its code and its handlers, under its token
			hammer, err := ffi.NewCallback(func(k, seq int64) int64 { state++; return seq + k*1000000 },
				ffi.ThreadSafe(), ffi.Exceptional(int64(-1)), ffi.CallbackTimeout(20*time.Second))
			if err != nil {
				return nil, err
			}
			defer hammer.Close()
			joined, err := ffi.NewCallback(func(i int64) int64 { state++; return 2 * i },
				ffi.ThreadSafe(), ffi.Exceptional(int64(-1)), ffi.CallbackTimeout(20*time.Second))
			if err != nil {
				return nil, err
			}
			defer joined.Close()

			var stop, finished atomic.Bool
			var hbad, hexc, batches int64
			go func() { // not the actor: its C threads are foreign to it
				defer finished.Store(true)
				for ; !stop.Load() && batches < maxBatches; batches++ {
					var exc int64
					hbad += fx.callThreads(hammer.Ptr(), threads, iters, -1, &exc)
					hexc += exc
				}
			}()
			own := int64(0)
			for i := range int32(rounds) {
				if ctx.Err() != nil {
					return nil, fmt.Errorf("round %d: %w", i, ctx.Err())
				}
				r, err := add(i, 1)
				if err != nil || r != i+1 {
					return nil, fmt.Errorf("add(%d, 1) = %d, %v", i, r, err)
				}
				state++
				own++
				if i%waitEvery == 0 {
					if got := fx.callNThread(joined.Ptr(), waitN); got != sumDoubled(waitN) {
						return nil, fmt.Errorf("round %d: call_cb_n_thread = %d, want %d", i, got, sumDoubled(waitN))
					}
					own += waitN
				}
			}
			// The hammer's last batch needs the token: keep lending it (a
			// wait in Go code would hold it).
			stop.Store(true)
			for i := int32(0); !finished.Load(); i++ {
				if ctx.Err() != nil {
					return nil, fmt.Errorf("the callbacks did not finish: %w", ctx.Err())
				}
				if _, err := add(i, 1); err != nil {
					return nil, err
				}
			}
			return [4]int64{state, own + batches*threads*iters, hbad, hexc}, nil
		}, actor.WithName("A"))
		if err != nil {
			return err
		}
		v, err := a.Value(ctx)
		if err != nil {
			return err
		}
		r := v.([4]int64)
		state, want, bad, nexc = r[0], r[1], r[2], r[3]
		return nil
	})
	dumpOnDeadline(t, ctx, err)
	t.Logf("%d updates of the actor's state", state)
	if state != want || bad != 0 || nexc != 0 {
		t.Errorf("state %d, want %d; %d wrong and %d exceptional answers", state, want, bad, nexc)
	}
	if d := ffi.ReadCallbackStats().Exceptional() - before.Exceptional(); d != 0 {
		t.Errorf("exceptional returns = %d, want 0", d)
	}
}
