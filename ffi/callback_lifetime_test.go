package ffi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
)

// Lifetime through package actor: a ref'ed callback keeps its actor alive
// after its body returned (the actor lingers, serving foreign callbacks);
// unref'ing it lets the actor end; an ended actor's callbacks are closed, so
// later C calls get the exceptional value (D4) and never enter the actor.
func TestCallbackLifetimeWithActor(t *testing.T) {
	fx := bindCB(t)
	const exc = int64(-99)
	for _, refd := range []bool{true, false} {
		t.Run(fmt.Sprintf("ref=%v", refd), func(t *testing.T) {
			ctx := deadline(t, 30*time.Second)
			before := ffi.ReadCallbackStats()
			var lingered, afterEnd, ranAfterEnd int64
			var aliveAfterCall bool
			err := actor.Run(func(main *actor.Context) error {
				mainRef := main.Self()
				ran := int64(0) // A's state
				a, err := main.Spawn(func(cx *actor.Context) (any, error) {
					var cb *ffi.Callback
					cb, err := ffi.NewCallback(func(i int64) int64 {
						ran++
						if i == 2 {
							cb.Unref() // the last call native code will make: let A end
						}
						return 2 * i
					}, ffi.ThreadSafe(), ffi.CallbackRef(refd), ffi.Exceptional(exc))
					if err != nil {
						return nil, err
					}
					if err := mainRef.Send(cb.Ptr()); err != nil {
						return nil, err
					}
					return "body done", nil // cb stays open: A's work is done
				}, actor.WithName("A"))
				if err != nil {
					return err
				}
				msg, err := main.ReceiveContext(ctx)
				if err != nil {
					return err
				}
				ptr := msg.(uintptr)
				if refd {
					// A lingers: its callback still runs inside it.
					lingered = fx.callNThread(ptr, 2) // i = 0, 1
					select {
					case <-a.Done():
					default:
						aliveAfterCall = true
					}
					lingered += fx.callNThread(ptr, 3) // i = 0, 1, 2: the last unrefs
				}
				v, err := a.Value(ctx)
				if err != nil {
					return err
				}
				if v != "body done" {
					return fmt.Errorf("A's value = %v", v)
				}
				// A has ended and closed its callbacks: C gets the
				// exceptional value, A's state is not touched.
				n := ran
				afterEnd = fx.callNThread(ptr, 2)
				ranAfterEnd = ran - n
				return nil
			})
			dumpOnDeadline(t, ctx, err)
			if refd {
				if !aliveAfterCall {
					t.Error("A ended while a ref'ed callback was open")
				}
				if want := sumDoubled(2) + sumDoubled(3); lingered != want {
					t.Errorf("callbacks into the lingering actor returned %d, want %d", lingered, want)
				}
			}
			if afterEnd != 2*exc || ranAfterEnd != 0 {
				t.Errorf("after A ended: C got %d (want %d) and the handler ran %d times (want 0)", afterEnd, 2*exc, ranAfterEnd)
			}
			after := ffi.ReadCallbackStats()
			if d := after.ExClosed - before.ExClosed; d != 2 {
				t.Errorf("ExClosed delta = %d, want 2", d)
			}
			if after.Live != before.Live {
				t.Errorf("live callbacks %d -> %d: the ended actor's callback was not closed", before.Live, after.Live)
			}
		})
	}
}
