//go:build linux && amd64

package ffi_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/execctx"
)

// poolModes runs a test on a pool with native threads (the default on
// linux/amd64) and on one WithoutNativeThreads: both engines behind Async
// must keep the same contract.
func poolModes(t *testing.T, test func(t *testing.T, opts ...ffi.PoolOption)) {
	t.Run("native", func(t *testing.T) { test(t) })
	t.Run("goroutines", func(t *testing.T) { test(t, ffi.WithoutNativeThreads()) })
}

// Every argument kind the trampoline takes (strings copied onto the native
// thread's stack, floats and integers mixed, six integer registers,
// variadic integers, a pointer C writes through) round-trips through Async.
func TestNativePool_ArgumentKinds(t *testing.T) {
	poolModes(t, func(t *testing.T, opts ...ffi.PoolOption) {
		l := fixture(t)
		p := ffi.NewPool(4, 64, opts...)
		defer p.Close()
		bind := func(sym, sig string) *ffi.Func {
			f, err := l.Func(sym, ffi.MustSignature(sig), ffi.WithPool(p))
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		ctx := context.Background()
		var out int32
		cases := []struct {
			fut  *ffi.Future[any]
			want any
		}{
			{bind("my_strlen", "func(string) uint64").Async(ctx, "goractor"), uint64(8)},
			{bind("mixed", "func(int32, float64, int32, float32) float64").Async(ctx, int32(1), 2.5, int32(3), float32(4.5)), 11.0},
			{bind("six", "func(int64, int64, int64, int64, int64, int64) int64").Async(ctx, int64(1), int64(2), int64(3), int64(4), int64(5), int64(6)), int64(91)},
			{bind("sum_ints", "func(int32, ...int32) int64").Async(ctx, int32(3), int32(10), int32(20), int32(30)), int64(60)},
			{bind("out_int", "func(*int32, int32)").Async(ctx, &out, int32(77)), nil},
		}
		for i, c := range cases {
			got, err := c.fut.Wait(ctx)
			if err != nil || got != c.want {
				t.Errorf("case %d: %v (%T), %v; want %v (%T)", i, got, got, err, c.want, c.want)
			}
		}
		if out != 77 {
			t.Errorf("out_int wrote %d through the pointer; want 77", out)
		}
	})
}

// Close ends the pool's threads: none of the threads the calls ran on is
// left in /proc/self/task, and Stats counts what ran.
func TestNativePool_CloseEndsThreads(t *testing.T) {
	l := fixture(t)
	const size, calls = 8, 64
	p := ffi.NewPool(size, 2*calls)
	sleep, err := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	tid, err := l.Func("os_tid", ffi.MustSignature("func() int64"), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	futs := make([]*ffi.Future[any], 0, 2*calls)
	for range calls {
		futs = append(futs, sleep.Async(ctx, int32(2)), tid.Async(ctx))
	}
	ran := map[int64]bool{}
	for i, fut := range futs {
		v, err := fut.Wait(ctx)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if id, ok := v.(int64); ok {
			ran[id] = true
		}
	}
	st := p.Stats()
	p.Close()
	var left []int64
	for id := range ran {
		if _, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", id)); err == nil {
			left = append(left, id)
		}
	}
	t.Logf("calls ran on %d threads; stats %+v", len(ran), st)
	if st.Threads < 1 || st.Threads > size || st.Completed != 2*calls || st.Running != 0 || st.Queued != 0 {
		t.Errorf("stats %+v; want 1..%d threads, %d completed, none running or queued", st, size, 2*calls)
	}
	if len(ran) < 1 || len(ran) > size {
		t.Errorf("calls ran on %d threads; want 1..%d", len(ran), size)
	}
	if len(left) > 0 {
		t.Errorf("threads %v are still alive after Close", left)
	}
	if _, err := sleep.Async(ctx, int32(1)).Wait(ctx); !errors.Is(err, ffi.ErrPoolClosed) {
		t.Errorf("Async on a closed pool: %v; want ErrPoolClosed", err)
	}
}

// A future nobody waits for still resolves for Done and Then (the
// completer goroutine harvests it), and its slot is reused.
func TestNativePool_DoneAndThenWithoutWait(t *testing.T) {
	poolModes(t, func(t *testing.T, opts ...ffi.PoolOption) {
		l := fixture(t)
		p := ffi.NewPool(2, 2, opts...)
		defer p.Close()
		f, err := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(p))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		var then atomic.Int32
		ran := make(chan struct{}, 20)
		for round := range 20 {
			a, b := f.Async(ctx, int32(1)), f.Async(ctx, int32(1))
			b.Then(func(v any, err error) {
				if v == int32(1) && err == nil {
					then.Add(1)
				}
				ran <- struct{}{} // Then runs after the future's waiters are released
			})
			select {
			case <-a.Done():
			case <-time.After(10 * time.Second):
				t.Fatalf("round %d: Done never closed", round)
			}
			if v, err, ok := a.Result(); !ok || v != int32(1) || err != nil {
				t.Fatalf("round %d: Result after Done = %v, %v, %v", round, v, err, ok)
			}
			if _, err := b.Wait(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for range 20 {
			select {
			case <-ran:
			case <-time.After(10 * time.Second):
				t.Fatal("a Then callback never ran")
			}
		}
		if n := then.Load(); n != 20 {
			t.Errorf("Then ran %d times with the result; want 20", n)
		}
	})
}

// Futures dropped without a look do not keep their slots: once the calls
// are over, a pool with no spare slot accepts new calls. (A native pool
// holds exactly size + queue calls; worker goroutines take a call only when
// one of them is idle, so this is about native pools.)
func TestNativePool_AbandonedFuturesFreeSlots(t *testing.T) {
	l := fixture(t)
	p := ffi.NewPool(2, 0)
	defer p.Close()
	f, err := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for round := range 10 {
		f.Async(ctx, int32(1))
		f.Async(ctx, int32(1))
		deadline := time.Now().Add(10 * time.Second)
		for p.Stats().Completed < uint64(3*round+2) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if v, err := f.Async(ctx, int32(0)).Wait(ctx); err != nil || v != int32(0) {
			t.Fatalf("round %d: a call after two abandoned ones = %v, %v", round, v, err)
		}
	}
}

// A native pool whose every slot is taken refuses (ErrPoolFull), or,
// WaitWhenFull, waits for a slot until its context ends.
func TestNativePool_Full(t *testing.T) {
	l := fixture(t)
	ctx := context.Background()
	p := ffi.NewPool(1, 0)
	defer p.Close()
	f, err := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	long := f.Async(ctx, int32(100))
	if _, err := f.Async(ctx, int32(1)).Wait(ctx); !errors.Is(err, ffi.ErrPoolFull) {
		t.Errorf("second call on a full pool: %v; want ErrPoolFull", err)
	}
	if _, err := long.Wait(ctx); err != nil {
		t.Fatal(err)
	}

	w := ffi.NewPool(1, 0, ffi.WaitWhenFull())
	defer w.Close()
	g, err := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(w))
	if err != nil {
		t.Fatal(err)
	}
	long = g.Async(ctx, int32(100))
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := g.Async(short, int32(1)).Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for a slot past the deadline: %v; want DeadlineExceeded", err)
	}
	if v, err := g.Async(ctx, int32(1)).Wait(ctx); err != nil || v != int32(1) {
		t.Errorf("waiting for a slot: %v, %v; want 1", v, err)
	}
	if _, err := long.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// Library.Close waits for the calls offloaded to native threads, queued or
// running, including those whose futures nobody waits for, and then
// unloads. (A worker goroutine enters the library when it starts a call,
// so there Close fails the calls still queued with ErrClosed:
// TestDlclose_WhileCallsInFlight.)
func TestNativePool_LibraryCloseHarvests(t *testing.T) {
	if fixturePath == "" {
		t.Skip("no C compiler: fixture not built")
	}
	l, err := ffi.Open(fixturePath) // closed by the test itself
	if err != nil {
		t.Fatal(err)
	}
	p := ffi.NewPool(4, 16)
	defer p.Close()
	f, err := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var futs []*ffi.Future[any]
	for range 8 {
		futs = append(futs, f.Async(ctx, int32(20)))
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := l.CloseContext(cctx); err != nil {
		t.Fatalf("Close with calls in flight: %v", err)
	}
	if n := l.InFlight(); n != 0 {
		t.Errorf("%d calls in flight after Close", n)
	}
	for i, fut := range futs {
		if v, err, ok := fut.Result(); !ok || err != nil || v != int32(20) {
			t.Errorf("call %d after Close: %v, %v, resolved %v", i, v, err, ok)
		}
	}
	if _, err := f.Async(ctx, int32(1)).Wait(ctx); !errors.Is(err, ffi.ErrClosed) {
		t.Errorf("Async on a closed library: %v; want ErrClosed", err)
	}
}

// A context that ends resolves the future at once; the call still runs to
// its end, and its slot comes back.
func TestNativePool_CancelThenReuse(t *testing.T) {
	l := fixture(t)
	p := ffi.NewPool(1, 0)
	defer p.Close()
	f, err := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	fut := f.Async(ctx, int32(30))
	cancel()
	if _, err := fut.Wait(context.Background()); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled call: %v; want context.Canceled", err)
	}
	bg := context.Background()
	var v any
	deadline := time.Now().Add(10 * time.Second)
	for {
		v, err = f.Async(bg, int32(1)).Wait(bg)
		if !errors.Is(err, ffi.ErrPoolFull) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err != nil || v != int32(1) {
		t.Errorf("the next call: %v, %v; want 1", v, err)
	}
}

// Many submitters, every way of waiting at once: plain goroutines and
// actor-like threads calling Wait, a select on Done, Then, Result polling
// and contexts that end. Every call's result is its own argument (no slot
// hands a result to another call's future), every future resolves exactly
// once, and Close ends with nothing running.
func TestNativePool_Stress(t *testing.T) {
	l := fixture(t)
	p := ffi.NewPool(8, 64, ffi.WaitWhenFull())
	id, err := l.Func("id_i64", ffi.MustSignature("func(int64) int64"), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	sleep, err := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	const workers = 8
	calls := 2000
	if testing.Short() || raceEnabled {
		calls = 400
	}
	t.Logf("%d submitters × %d calls on a pool of 8", workers, calls)
	bg := context.Background()
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			if w%2 == 1 {
				// An actor-like thread: Wait sleeps on the pool's futex.
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				e := execctx.New(fmt.Sprintf("stress-%d", w), false, execctx.Hooks{})
				defer execctx.Bind(e)()
				e.Enter()
				defer e.Leave()
			}
			errs <- stress(bg, id, sleep, w, calls)
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	p.Close()
	if st := p.Stats(); st.Running != 0 || st.Queued != 0 {
		t.Errorf("after Close: %+v", st)
	}
}

func stress(bg context.Context, id, sleep *ffi.Func, w, calls int) error {
	var thens atomic.Int32
	want := 0
	for i := range calls {
		arg := int64(w)<<32 | int64(i)
		check := func(v any, err error) error {
			if err != nil || v != arg {
				return fmt.Errorf("submitter %d call %d: %v, %v; want %d", w, i, v, err, arg)
			}
			return nil
		}
		switch i % 6 {
		case 0, 1:
			if err := check(id.Async(bg, arg).Wait(bg)); err != nil {
				return err
			}
		case 2:
			f := id.Async(bg, arg)
			select {
			case <-f.Done():
			case <-time.After(time.Minute):
				return fmt.Errorf("submitter %d call %d: Done never closed", w, i)
			}
			v, err, _ := f.Result()
			if err := check(v, err); err != nil {
				return err
			}
		case 3:
			want++
			id.Async(bg, arg).Then(func(v any, err error) {
				if check(v, err) == nil {
					thens.Add(1)
				}
			})
		case 4:
			f := id.Async(bg, arg)
			for {
				v, err, ok := f.Result()
				if ok {
					if err := check(v, err); err != nil {
						return err
					}
					break
				}
				runtime.Gosched()
			}
		case 5:
			ctx, cancel := context.WithCancel(bg)
			f := sleep.Async(ctx, int32(1))
			cancel()
			if v, err := f.Wait(bg); err == nil && v != int32(1) {
				return fmt.Errorf("submitter %d call %d: canceled call gave %v", w, i, v)
			} else if err != nil && !errors.Is(err, context.Canceled) {
				return fmt.Errorf("submitter %d call %d: %v; want context.Canceled or 1", w, i, err)
			}
		}
	}
	deadline := time.Now().Add(time.Minute)
	for int(thens.Load()) < want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := int(thens.Load()); n != want {
		return fmt.Errorf("submitter %d: %d of %d Then callbacks saw their own result", w, n, want)
	}
	return nil
}

// Issue 11, item 6: a burst of Async calls submitted while the pool's only
// thread sleeps must start threads for them. grow() skipped starting one
// whenever a thread was counted idle, and a woken thread stays counted until
// it runs, so the burst often queued behind that one thread. Here 16 calls
// each wait until all 16 are inside C at once; they can only succeed when
// 16 threads run them side by side.
func TestNativePool_BurstAfterIdleStartsThreads(t *testing.T) {
	poolModes(t, func(t *testing.T, opts ...ffi.PoolOption) {
		l := fixture(t)
		const n = 16
		p := ffi.NewPool(n, 4*n, opts...)
		defer p.Close()
		meet, err := l.Func("rendezvous", ffi.MustSignature("func(int32, int32) int32"), ffi.WithPool(p))
		if err != nil {
			t.Fatal(err)
		}
		var reset func()
		l.MustBind(&reset, "rendezvous_reset")
		id, err := l.Func("id_i32", ffi.MustSignature("func(int32) int32"), ffi.WithPool(p))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for round := range 5 {
			// One call, waited for: the pool has threads, all of them idle.
			if _, err := id.Async(ctx, int32(round)).Wait(ctx); err != nil {
				t.Fatal(err)
			}
			reset()
			futs := make([]*ffi.Future[any], n)
			for i := range futs {
				futs[i] = meet.Async(ctx, int32(n), int32(10000))
			}
			met := 0
			for _, f := range futs {
				v, err := f.Wait(ctx)
				if err != nil {
					t.Fatal(err)
				}
				met += int(v.(int32))
			}
			if met != n {
				t.Fatalf("round %d: %d of %d calls met the others inside C; want all (threads %d of %d)", round, met, n, p.Stats().Threads, n)
			}
		}
	})
}
