package execctx

import (
	"context"
	"sync"
	"testing"
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
