package callback

import (
	"errors"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
)

// TestPoolBounded is D6/F5: a million create/close cycles (fewer under -race
// or -short, still far above purego's 2000) use a bounded number of purego
// trampolines, and C calls keep reaching the right handler.
func TestPoolBounded(t *testing.T) {
	f := loadFixture(t)
	cycles := 1_000_000
	if raceEnabled || testing.Short() {
		cycles = 20_000
	}
	t.Logf("%d create/close cycles", cycles)
	before := ReadStats()
	for i := range cycles {
		want := uintptr(i)
		c, err := New(func(uintptr) uintptr { return want }, Owner(nil))
		if err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		if i%1000 == 0 {
			if r := f.call(t, "call_cb_n", c.Ptr(), 1); r != want {
				t.Fatalf("cycle %d: C got %d; want %d", i, r, want)
			}
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	after := ReadStats()
	if after.Slots > slotQuarantine+2+before.Slots || after.Slots > MaxSlots {
		t.Errorf("Slots = %d after %d cycles (before %d); want at most %d more", after.Slots, cycles, before.Slots, slotQuarantine+2)
	}
	if d := after.Created - before.Created; d != int64(cycles) {
		t.Errorf("Created grew by %d; want %d", d, cycles)
	}
	// Holding many at once is bounded by MaxSlots, with a clear error.
	var live []*Callback
	for {
		c, err := New(func() {}, Owner(nil))
		if err != nil {
			if !errors.Is(err, ErrPoolExhausted) {
				t.Fatalf("New past the pool = %v; want ErrPoolExhausted", err)
			}
			break
		}
		live = append(live, c)
		if len(live) > MaxPointerSlots {
			t.Fatalf("more than MaxPointerSlots (%d) live pointer-form callbacks", MaxPointerSlots)
		}
	}
	if len(live) != MaxPointerSlots || Slots() > MaxSlots {
		t.Errorf("live %d with the pool full, Slots() %d; want %d and at most %d", len(live), Slots(), MaxPointerSlots, MaxSlots)
	}
	for _, c := range live {
		mustClose(t, c)
	}
	// The handle form needs no trampoline of its own.
	hs := make([]*Callback, 0, 2*MaxSlots)
	for range 2 * MaxSlots {
		hs = append(hs, mustNew(t, func(ud, x uintptr) uintptr { return x }, Owner(nil), UserData(0)))
	}
	if r := f.call(t, "call_cb_ud", hs[len(hs)-1].Ptr(), uintptr(hs[len(hs)-1].Handle()), 9); r != 9 {
		t.Errorf("handle-form call = %d; want 9", r)
	}
	for _, c := range hs {
		mustClose(t, c)
	}
}

// TestStaleHandleABA is D5: a closed callback's Handle, passed back by C after
// its table entry was reused by another owner's callback, reaches nobody.
func TestStaleHandleABA(t *testing.T) {
	f := loadFixture(t)
	var bCalls atomic.Int64
	a := mustNew(t, func(ud, x uintptr) uintptr { return x }, Owner(nil), UserData(0), Exceptional(uintptr(99)))
	old := a.Handle()
	mustClose(t, a)
	if r := f.call(t, "call_cb_ud", a.Ptr(), uintptr(old), 1); r != 99 {
		t.Errorf("stale handle before reuse = %d; want the exceptional 99", r)
	}
	// Cycle until the same table entry is handed out again.
	var b *Callback
	table.mu.Lock()
	bound := table.n + quarantine + 2 // the FIFO hands every freed entry out again within this many
	table.mu.Unlock()
	for range bound {
		c := mustNew(t, func(ud, x uintptr) uintptr { bCalls.Add(1); return x }, Owner(nil), UserData(0))
		if uintptr(c.Handle())&idxMask == uintptr(old)&idxMask {
			b = c
			break
		}
		mustClose(t, c)
	}
	if b == nil {
		t.Fatal("the table entry was never reused")
	}
	defer mustClose(t, b)
	if b.Handle() == old {
		t.Fatal("reused entry has the same generation")
	}
	before := ReadStats().ExStale
	if r := f.call(t, "call_cb_ud", b.Ptr(), uintptr(old), 5); r != 0 {
		t.Errorf("stale handle after reuse = %d; want 0", r)
	}
	if bCalls.Load() != 0 {
		t.Errorf("the new owner received %d stale calls; want 0", bCalls.Load())
	}
	if d := ReadStats().ExStale - before; d != 1 {
		t.Errorf("ExStale grew by %d; want 1", d)
	}
	if r := f.call(t, "call_cb_ud", b.Ptr(), uintptr(b.Handle()), 5); r != 5 || bCalls.Load() != 1 {
		t.Errorf("live handle = %d (calls %d); want 5 (1)", r, bCalls.Load())
	}
}

// TestForeignStorm is L6/D3 (and D10 with gcPressure): N foreign threads × M
// callbacks into one actor that keeps processing messages. Every callback is
// delivered exactly once, in order per thread, and the counters balance.
func TestForeignStorm(t *testing.T) {
	for _, gc := range []bool{false, true} {
		name := "plain"
		if gc {
			name = "gc-pressure"
		}
		t.Run(name, func(t *testing.T) { foreignStorm(t, gc) })
	}
}

func foreignStorm(t *testing.T, gcPressure bool) {
	f := loadFixture(t)
	threads, iters := 16, 5000
	if raceEnabled || testing.Short() {
		threads, iters = 8, 500
	}
	t.Logf("%d threads × %d callbacks", threads, iters)
	if gcPressure {
		defer debug.SetGCPercent(debug.SetGCPercent(1))
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk := time.NewTicker(5 * time.Millisecond)
			defer tk.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tk.C:
					runtime.GC()
				}
			}
		}()
		defer wg.Wait()
		defer close(stop)
	}
	a := newActor("storm", execctx.Hooks{})
	defer a.stop()
	// Actor state, guarded by the token: per-thread next expected sequence.
	next := make([]uintptr, threads)
	var outOfOrder, msgs int
	var c *Callback
	a.do(func() {
		c = mustNew(t, func(th, i uintptr) uintptr {
			if next[th] != i {
				outOfOrder++
			}
			next[th] = i + 1
			return i + th*1000000
		}, ThreadSafe(), Timeout(time.Minute))
	})
	defer mustClose(t, c)
	before := ReadStats()
	f.call(t, "spawn_detached", c.Ptr(), uintptr(threads), uintptr(iters))
	// Keep the actor busy with messages while the storm runs.
	for f.call(t, "detached_done") < uintptr(threads) {
		a.do(func() { msgs++ })
	}
	waitDetached(t, f, uintptr(threads))
	after := ReadStats()
	var total uintptr
	a.do(func() {
		for _, n := range next {
			total += n
		}
	})
	if bad := f.call(t, "detached_bad"); bad != 0 {
		t.Errorf("C saw %d wrong results", bad)
	}
	if outOfOrder != 0 || total != uintptr(threads*iters) {
		t.Errorf("out of order %d, delivered %d; want 0 and %d", outOfOrder, total, threads*iters)
	}
	fired, delivered := after.Fired-before.Fired, after.Delivered-before.Delivered
	exc := after.Exceptional() - before.Exceptional()
	if fired != int64(threads*iters) || delivered != fired || exc != 0 {
		t.Errorf("fired %d delivered %d exceptional %d; want %d, %d, 0", fired, delivered, exc, threads*iters, threads*iters)
	}
	t.Logf("actor processed %d messages during the storm", msgs)
}

// TestReentrantDepth is D7: actor → C → callback → C → callback ... on the
// same thread, nested to depth 32 (fine) and past MaxDepth (exceptional).
func TestReentrantDepth(t *testing.T) {
	f := loadFixture(t)
	var sink testlib.Log[error] // errors delivered through Hooks.Fail
	a := newActor("D7", execctx.Hooks{Fail: sink.Add})
	defer a.stop()
	depthFn := f.fn(t, "call_cb_depth")
	var c *Callback
	var maxSeen uintptr
	a.do(func() {
		c = mustNew(t, func(d uintptr) uintptr {
			maxSeen = max(maxSeen, d)
			if d == 0 {
				return 1000
			}
			return a.native(depthFn, c.Ptr(), d-1) + 1
		}, Exceptional(uintptr(1<<20)))
	})
	defer mustClose(t, c)
	for _, threadSafeToo := range []bool{false, true} {
		var other *Callback
		if threadSafeToo { // makes native calls lend the token: the inline path must take it back
			other = mustNew(t, func() {}, Owner(a.e), ThreadSafe())
		}
		var r uintptr
		maxSeen = 0
		a.do(func() { r = a.native(depthFn, c.Ptr(), 32) })
		if r != 1032 || maxSeen != 32 {
			t.Errorf("depth 32 (lending %v): %d, max %d; want 1032, 32", threadSafeToo, r, maxSeen)
		}
		a.do(func() { r = a.native(depthFn, c.Ptr(), MaxDepth+5) })
		if r < 1<<20 || r > 1<<20+MaxDepth {
			t.Errorf("depth %d: %d; want the exceptional value plus the depth reached", MaxDepth+5, r)
		}
		if other != nil {
			mustClose(t, other)
		}
	}
	var depthErrs int
	for _, err := range sink.All() {
		if errors.Is(err, ErrDepth) {
			depthErrs++
		}
	}
	if depthErrs != 2 {
		t.Errorf("Fail got %d ErrDepth errors; want 2", depthErrs)
	}
}

// TestThreadChurn is D12/L7: short-lived pthreads each call back once; all
// are delivered, the OS thread count returns to its baseline and no
// trampoline is added.
func TestThreadChurn(t *testing.T) {
	f := loadFixture(t)
	total, conc := 2000, 64
	if raceEnabled || testing.Short() {
		total = 500
	}
	t.Logf("%d threads, %d at once, primed %v", total, conc, Primed())
	a := newActor("churn", execctx.Hooks{})
	defer a.stop()
	var n int
	var c *Callback
	a.do(func() { c = mustNew(t, func(uintptr) uintptr { n++; return 1 }, ThreadSafe()) })
	defer mustClose(t, c)
	slots := Slots()
	base := testlib.Threads()
	var sum uintptr
	a.do(func() { sum = a.native(f.fn(t, "churn"), c.Ptr(), uintptr(total), uintptr(conc)) })
	var delivered int
	a.do(func() { delivered = n })
	if sum != uintptr(total) || delivered != total {
		t.Errorf("sum %d delivered %d; want %d", sum, delivered, total)
	}
	if Slots() != slots {
		t.Errorf("Slots() = %d; want %d (churn must not take trampolines)", Slots(), slots)
	}
	deadline := time.Now().Add(10 * time.Second)
	for testlib.Threads() > base+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if th := testlib.Threads(); th > base+2 {
		t.Errorf("Threads: %d after churn; want at most baseline %d + 2", th, base)
	}
}
