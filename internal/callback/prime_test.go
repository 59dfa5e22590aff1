package callback

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestPrimeKeepsForeignThreadBound checks what priming changes: after a
// foreign thread's first callback returned, the thread keeps its Go M (and
// the M's goroutine) while it runs C code, until it exits, when the key's
// destructor gives the M back. Unprimed, the M is returned after every
// callback.
func TestPrimeKeepsForeignThreadBound(t *testing.T) {
	f := loadFixture(t)
	t.Logf("primed: %v", Primed())
	var calls atomic.Int32
	c := mustNew(t, func(i uintptr) uintptr { calls.Add(1); return i + 10 }, Owner(nil))
	defer mustClose(t, c)
	base := settleGoroutines(runtime.NumGoroutine(), 0)
	if rc := f.call(t, "held_start", c.Ptr()); rc != 0 {
		t.Fatalf("pthread_create: %d", rc)
	}
	deadline := time.Now().Add(10 * time.Second)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	want := base
	if Primed() {
		want = base + 1 // the bound M's goroutine, in a "system call" while C runs
	}
	between := settleGoroutines(want, 10*time.Second)
	f.call(t, "held_release")
	sum := f.call(t, "held_join")
	after := settleGoroutines(base, 10*time.Second)
	t.Logf("goroutines: base %d, between callbacks %d, after the thread exited %d", base, between, after)
	if sum != 21 || calls.Load() != 2 {
		t.Errorf("sum %d after %d calls; want 21 after 2", sum, calls.Load())
	}
	if between != want {
		t.Errorf("between callbacks NumGoroutine = %d; want %d (primed %v)", between, want, Primed())
	}
	if after != base {
		t.Errorf("after the thread exited NumGoroutine = %d; want %d (the key destructor must drop the M)", after, base)
	}
}

// settleGoroutines polls NumGoroutine until it equals want or d passes, and
// returns the last value.
func settleGoroutines(want int, d time.Duration) int {
	deadline := time.Now().Add(d)
	n := runtime.NumGoroutine()
	for n != want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}
