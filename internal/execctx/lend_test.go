package execctx

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLend_NestedAndForeign: the owner lends its token while foreign
// goroutines take and give it back; inside the lent section the owner
// itself takes it (an inline callback), lends it again (the callback's own
// native call) and reclaims. Lent and InNative follow the outer lend, the
// token stays exclusive (-race checks counter), and every lend is reclaimed.
func TestLend_NestedAndForeign(t *testing.T) {
	e := New("x", false, Hooks{})
	var counter int // guarded by the token
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := e.Acquire(context.Background()); err != nil {
					t.Error(err)
					return
				}
				counter++
				e.Release()
			}
		}()
	}
	e.Enter()
	for i := range 2000 {
		counter++
		e.Lend()
		if !e.Lent() || !e.InNative() {
			t.Fatal("Lent/InNative false inside a lent native call")
		}
		if i%2 == 0 {
			// An inline callback: take the lent token, make a nested native
			// call, give it back.
			if !e.TryAcquire() {
				if err := e.Acquire(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			counter++
			e.Lend()
			e.Reclaim()
			counter++
			if !e.Lent() {
				t.Fatal("the nested Reclaim cleared the outer lend")
			}
			e.Release()
		}
		e.Reclaim()
		if e.Lent() || e.InNative() || !e.Held() {
			t.Fatalf("after Reclaim: Lent %v InNative %v Held %v", e.Lent(), e.InNative(), e.Held())
		}
		counter++
	}
	e.Leave()
	close(stop)
	wg.Wait()
	if e.Held() || e.Lent() {
		t.Errorf("token left held %v / lent %v", e.Held(), e.Lent())
	}
}

// TestLend_Misuse: Lend without the token and Reclaim without Lend panic.
func TestLend_Misuse(t *testing.T) {
	e := New("x", false, Hooks{})
	for name, f := range map[string]func(){"Lend": e.Lend, "Reclaim": e.Reclaim} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s on a free token did not panic", name)
				}
			}()
			f()
		}()
		e.lendDepth = 0
	}
}

// TestLend_HammerHandOver: the owner's lent native calls against takers on
// other goroutines, in the two shapes a callback from a foreign thread
// meets. In every other round the "native call" waits for a taker to run
// inside it (a C function that starts a pthread calling back and joins it):
// the taker must get the token while the owner is lent, whenever it
// arrives (before the Lend, during it, or while the owner returns), so a
// lost wakeup shows as a wait that never ends, bounded here. Meanwhile
// hammer goroutines take the token whenever they can. counter is not
// atomic: under -race a broken exclusion is reported, and without it a lost
// update shows in the final count. It runs twice: with Lend and Reclaim,
// and with what package ffi's native call uses, LendCurrent (whose
// outermost lend is inline) and Reclaim.
func TestLend_HammerHandOver(t *testing.T) {
	t.Run("Lend", func(t *testing.T) {
		e := New("x", false, Hooks{})
		hammerHandOver(t, e, e.Lend, e.Reclaim)
	})
	t.Run("LendCurrent", func(t *testing.T) {
		e := boundLender(t)
		lend := func() {
			if LendCurrent() != e {
				t.Fatal("LendCurrent did not lend the bound Exec's token")
			}
		}
		hammerHandOver(t, e, lend, e.Reclaim)
	})
}

// boundLender returns an Exec bound to the calling goroutine, locked to
// its thread, with a thread-safe callback counted (RetainLend): what
// LendCurrent lends. The test's cleanup undoes it all.
func boundLender(tb testing.TB) *Exec {
	runtime.LockOSThread()
	e := New("x", false, Hooks{})
	unbind := Bind(e)
	e.RetainLend()
	tb.Cleanup(func() {
		e.ReleaseLend()
		unbind()
		runtime.UnlockOSThread()
	})
	return e
}

func hammerHandOver(t *testing.T, e *Exec, lend, reclaim func()) {
	const rounds, hammers, perHammer = 3000, 3, 3000
	counter := 0 // guarded by the token
	ctx := bounded(t, 20*time.Second)

	var wg sync.WaitGroup
	hammer(ctx, t, e, &wg, hammers, perHammer, &counter)

	taker := make(chan struct{})
	ran := make(chan struct{})
	go func() {
		for range taker {
			if !e.TryAcquire() {
				if err := e.Acquire(ctx); err != nil {
					t.Error("taker:", err)
					close(ran)
					return
				}
			}
			counter++
			e.Release()
			ran <- struct{}{}
		}
	}()

	owner := 0
	e.Enter()
	for i := range rounds {
		counter++
		owner++
		wait := i%2 == 0
		if wait && i%4 == 0 {
			taker <- struct{}{} // the taker arrives while the owner holds the token
		}
		lend()
		if wait {
			if i%4 != 0 {
				taker <- struct{}{} // it arrives during the lent call
			}
			select {
			case _, ok := <-ran:
				if !ok {
					t.Fatal("taker failed")
				}
			case <-ctx.Done():
				t.Fatalf("round %d: the taker never got the lent token (lost wakeup)", i)
			}
		} else if i%3 == 0 {
			// An inline callback takes the lent token on the owner's own
			// goroutine and makes a native call of its own.
			if !e.TryAcquire() {
				if err := e.Acquire(ctx); err != nil {
					t.Fatal(err)
				}
			}
			counter++
			owner++
			e.Lend()
			e.Reclaim()
			e.Release()
		}
		reclaim()
		if !e.Held() || e.Lent() {
			t.Fatalf("round %d: after Reclaim Held %v Lent %v", i, e.Held(), e.Lent())
		}
	}
	e.Leave()
	close(taker)
	wg.Wait()
	e.Enter()
	got := counter
	e.Leave()
	if want := owner + rounds/2 + hammers*perHammer; got != want {
		t.Errorf("counter = %d, want %d: the token was not exclusive", got, want)
	}
	if e.Held() || e.Lent() || e.Waiters() != 0 {
		t.Errorf("token left held %v lent %v with %d waiters", e.Held(), e.Lent(), e.Waiters())
	}
}

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
	ctx := bounded(t, 20*time.Second)

	var wg sync.WaitGroup
	for range guests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perGuest {
				if err := take(ctx, e); err != nil {
					t.Error("guest:", err)
					return
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
	var owg sync.WaitGroup
	owg.Add(1)
	go func() {
		defer owg.Done()
		for n := 0; n < 10_000_000 && (n < 20_000 || !stop.Load()); n++ {
			if e.GuestHere() || e.Inside() || Current() != nil {
				t.Errorf("an observer that never held the token saw itself inside (GuestHere %v)", e.GuestHere())
				return
			}
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
	if e.guest.Load() != 0 || e.Held() || e.Waiters() != 0 {
		t.Errorf("left a guest %#x, held %v, %d waiters", e.guest.Load(), e.Held(), e.Waiters())
	}
}

// take takes e's token as a callback from a foreign thread does: TryAcquire,
// then Acquire with ctx's deadline.
func take(ctx context.Context, e *Exec) error {
	if e.TryAcquire() {
		return nil
	}
	return e.Acquire(ctx)
}

// hammer starts n goroutines that each take e's token per times (as take
// does), add one to *counter under it and give it back; wg waits for them.
func hammer(ctx context.Context, t *testing.T, e *Exec, wg *sync.WaitGroup, n, per int, counter *int) {
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				if err := take(ctx, e); err != nil {
					t.Error("hammer:", err)
					return
				}
				*counter++
				e.Release()
			}
		}()
	}
}

// TestToken_HammerUnlockWakeup: the release is a plain store where
// membarrier exists, and a locker that finds the token held relies on its
// fence to see that store or be seen by the releaser (see token.unlock).
// Each round a holder takes the token, lets a taker start waiting for it,
// gives it up after a varying delay (so the release lands before, during
// and after the taker's announcement) and then waits for the taker to get
// it: with no other release to come, a lost wakeup is a wait that never
// ends. Bounded: at most 20 000 rounds, started within 15 s, and every
// wait ends at 60 s. Hammer goroutines take the
// token meanwhile, and an owner lends and reclaims it (a reclaim waits for
// a release too). counter is not atomic: -race reports a broken exclusion,
// and a lost update shows in the count.
func TestToken_HammerUnlockWakeup(t *testing.T) {
	const rounds, hammers, perHammer, ownerRounds = 20000, 2, 2000, 2000
	e := New("x", false, Hooks{})
	counter := 0 // guarded by the token
	// Rounds stop after 15 s (a loaded machine makes them slow); a lost
	// wakeup then still fails, with the rest of the 60 s bound.
	ctx, cancel := context.WithCancel(bounded(t, 60*time.Second))
	defer cancel()
	budget := time.Now().Add(15 * time.Second)

	var wg sync.WaitGroup
	hammer(ctx, t, e, &wg, hammers, perHammer, &counter)
	owner := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer Bind(e)()
		for range ownerRounds {
			if err := e.Acquire(ctx); err != nil {
				t.Error("owner:", err)
				return
			}
			counter++
			owner++
			e.Lend()
			e.Reclaim() // waits for a release when a taker holds the lent token
			counter++
			owner++
			e.Leave()
		}
	}()

	// The taker spins for its signal rather than blocking on a channel, so
	// that it runs on another thread while the holder releases (a channel
	// would hand it the holder's thread, after the release).
	var round, finished atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := int64(1); ; i++ {
			if !waitFor(ctx, &round, i) {
				return // round < 0: the holder is done
			}
			if err := take(ctx, e); err != nil {
				finished.Store(-1)
				return // the holder reports it
			}
			counter++
			e.Release()
			finished.Store(i)
		}
	}()
	holder, spin := 0, 0
	for i := int64(1); i <= rounds && time.Now().Before(budget); i++ {
		if err := take(ctx, e); err != nil {
			t.Fatalf("round %d: holder: %v", i, err)
		}
		counter++
		holder++
		round.Store(i)
		// Sweep the release across the taker's announcement (which comes
		// some 100 ns after the signal, the time the store takes to reach
		// the other CPU and the taker's way into lockSlow): spin a varying
		// while, from nothing to a few hundred ns.
		for n := range int(i%251) * 32 {
			spin += n
		}
		e.Release()
		if !waitFor(ctx, &finished, i) {
			t.Errorf("round %d: the taker never got the released token (lost wakeup)", i)
			cancel() // the taker's wait ends
			break
		}
	}
	round.Store(-1)
	wg.Wait()
	_ = spin
	if t.Failed() {
		return
	}
	t.Logf("%d rounds", holder)
	if want := 2*holder + owner + hammers*perHammer; counter != want {
		t.Errorf("counter = %d, want %d: the token was not exclusive", counter, want)
	}
	if e.Held() || e.Lent() || e.Waiters() != 0 {
		t.Errorf("token left held %v lent %v with %d waiters", e.Held(), e.Lent(), e.Waiters())
	}
}

// waitFor spins until v reaches want or ctx ends, and reports whether v
// reached want (a negative v is a failure). It spins first, so that the
// two sides of a round run at once, then yields, then sleeps, so that on a
// loaded machine a spinner does not keep the CPU from the goroutine it
// waits for.
func waitFor(ctx context.Context, v *atomic.Int64, want int64) bool {
	for n := 0; v.Load() < want; n++ {
		switch {
		case v.Load() < 0 || n%1024 == 1023 && ctx.Err() != nil:
			return false
		case n > 1<<16:
			time.Sleep(10 * time.Microsecond)
		case n > 1<<14 && n%1024 == 1023:
			runtime.Gosched()
		}
	}
	return true
}

// bounded returns a context that ends after d or with the test: the bound
// on every wait of the hammer tests.
func bounded(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
