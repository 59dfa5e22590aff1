package execctx

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestGuest_Hammer: goroutines that are not the actor's take its token and
// run as its guest (EnterGuest/LeaveGuest, the foreign-callback path),
// while the owner enters and leaves and observers that never hold the token
// look. The marker is written with plain stores under the token (no
// locked instruction, no global count), so the test checks what readers
// rely on: a guest sees itself as the guest and Current finds the owner;
// after LeaveGuest it does neither; an observer never sees itself as the
// guest and Current finds nothing for it; the token stays exclusive
// (counter is not atomic: -race reports a broken exclusion, and a lost
// update shows in the count). Bounded: a fixed number of rounds and a 20 s
// deadline on every wait.
func TestGuest_Hammer(t *testing.T) {
	const guests, perGuest, ownerRounds = 3, 3000, 2000
	e := New("x", false, Hooks{})
	e.RetainLend() // guests exist only for an Exec with a thread-safe callback
	defer e.ReleaseLend()
	counter := 0 // guarded by the token
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	var wg sync.WaitGroup
	for range guests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perGuest {
				if !e.TryAcquire() {
					if err := e.Acquire(ctx); err != nil {
						t.Error("guest:", err)
						return
					}
				}
				prev := EnterGuest(e)
				if prev != 0 {
					t.Errorf("round %d: EnterGuest found another guest %#x", i, prev)
				}
				if !e.GuestHere() || !e.Inside() || Current() != e {
					t.Errorf("round %d: inside the guest GuestHere %v Inside %v Current %v",
						i, e.GuestHere(), e.Inside(), Current() == e)
				}
				counter++
				LeaveGuest(e, prev)
				if e.GuestHere() || Current() != nil {
					t.Errorf("round %d: after LeaveGuest GuestHere %v, Current %v", i, e.GuestHere(), Current())
				}
				e.Release()
				if t.Failed() {
					return
				}
			}
		}()
	}

	var stop atomic.Bool
	var looked atomic.Int64
	var owg sync.WaitGroup
	owg.Add(1)
	go func() {
		defer owg.Done()
		for n := 0; n < 10_000_000 && !stop.Load(); n++ {
			if e.GuestHere() || e.Inside() || Current() != nil {
				t.Errorf("an observer that never held the token saw itself inside (GuestHere %v)", e.GuestHere())
				return
			}
			looked.Add(1)
		}
	}()

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	own := 0
	func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		unbind := Bind(e)
		defer unbind()
		for range ownerRounds {
			if err := e.Acquire(ctx); err != nil {
				t.Error("owner:", err)
				return
			}
			if e.GuestHere() || Current() != e {
				t.Error("the owner saw itself as a guest, or Current missed it")
			}
			counter++
			own++
			e.Leave()
		}
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the guests did not finish in 20 s (lost wakeup)")
	}
	stop.Store(true)
	owg.Wait()
	e.Enter()
	got := counter
	e.Leave()
	if want := own + guests*perGuest; got != want && !t.Failed() {
		t.Errorf("counter = %d, want %d: the token was not exclusive", got, want)
	}
	if looked.Load() == 0 {
		t.Error("the observer never looked")
	}
	if e.guest.Load() != 0 || e.Held() || e.Waiters() != 0 {
		t.Errorf("left a guest %#x, held %v, %d waiters", e.guest.Load(), e.Held(), e.Waiters())
	}
}
