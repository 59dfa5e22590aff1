package execctx

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestBindCurrent(t *testing.T) {
	if Current() != nil {
		t.Fatalf("Current() on an unbound goroutine = %v; want nil", Current())
	}
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			e := New("a", i == 0, Hooks{})
			unbind := Bind(e)
			for range 1000 {
				if Current() != e {
					errs <- "Current() returned another goroutine's Exec"
					break
				}
			}
			if !e.OnOwnGoroutine() {
				errs <- "OnOwnGoroutine() = false on the bound goroutine"
			}
			unbind()
			if Current() != nil {
				errs <- "Current() after unbind != nil"
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got := Bound(); got != 0 {
		t.Errorf("Bound() after all unbinds = %d; want 0", got)
	}
}

func TestTokenExclusion(t *testing.T) {
	e := New("x", false, Hooks{})
	var counter int // guarded by the token; -race checks it
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2000 {
				if err := e.Acquire(context.Background()); err != nil {
					t.Error(err)
					return
				}
				counter++
				e.Release()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 2000 {
			e.Enter()
			counter++
			e.Lend()
			e.Reclaim()
			counter++
			e.Leave()
		}
	}()
	wg.Wait()
	if counter != 8*2000+2*2000 {
		t.Errorf("counter = %d; want %d", counter, 8*2000+2*2000)
	}
}

func TestAcquireDeadline(t *testing.T) {
	e := New("x", false, Hooks{})
	e.Enter()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	deadline, _ := ctx.Deadline()
	err := e.Acquire(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire on a held token = %v; want DeadlineExceeded", err)
	}
	if early := time.Until(deadline); early > 0 {
		t.Errorf("Acquire returned %v before its deadline; want it to wait for the deadline", early)
	}
	// A timed-out waiter must not strand the next one.
	got := make(chan error, 1)
	go func() { got <- e.Acquire(context.Background()) }()
	time.Sleep(10 * time.Millisecond)
	e.Leave()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("Acquire after Leave = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiter was not woken by Leave")
	}
	e.Release()
}

func BenchmarkLendReclaim(b *testing.B) {
	e := New("x", false, Hooks{})
	e.Enter()
	for b.Loop() {
		e.Lend()
		e.Reclaim()
	}
}

// BenchmarkLendCurrent is what a native call of an actor that owns a
// thread-safe callback adds (package ffi's nativeFrame): the lookup and the
// lend, then the reclaim.
func BenchmarkLendCurrent(b *testing.B) {
	e := boundLender(b)
	e.Enter()
	defer e.Leave()
	for b.Loop() {
		if AnyLenders() {
			if l := LendCurrent(); l != nil {
				l.Reclaim()
			}
		}
	}
}

func BenchmarkCurrent(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	e := New("x", false, Hooks{})
	defer Bind(e)()
	for b.Loop() {
		if Current() != e {
			b.Fatal("wrong exec")
		}
	}
}
