package execctx

import (
	"context"
	"sync"
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
// update shows in the final count.
func TestLend_HammerHandOver(t *testing.T) {
	const rounds, hammers, perHammer = 3000, 3, 3000
	e := New("x", false, Hooks{})
	counter := 0 // guarded by the token
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	var wg sync.WaitGroup
	for range hammers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perHammer {
				if !e.TryAcquire() {
					if err := e.Acquire(ctx); err != nil {
						t.Error("hammer:", err)
						return
					}
				}
				counter++
				e.Release()
			}
		}()
	}

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
		e.Lend()
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
		e.Reclaim()
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
