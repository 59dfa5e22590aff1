package ffi_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/testlib"
)

// G1: every future resolves exactly once, with its own value.
func TestOffload_ResolvesExactlyOnce(t *testing.T) {
	l := fixture(t)
	p := ffi.NewPool(8, 64, ffi.WaitWhenFull())
	defer p.Close()
	add, err := l.Func("add", ffi.MustSignature("func(int32, int32) int32"), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	n := 10000
	if testing.Short() || raceEnabled {
		n = 2000
	}
	t.Logf("%d offloads, half of them with a context cancelled midway", n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var resolutions, wrong atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		c := context.Background()
		if i%2 == 1 {
			c = ctx
		}
		if i == n/2 {
			cancel()
		}
		fut := add.Async(c, int32(i), int32(1))
		wg.Add(1)
		fut.Then(func(v any, err error) {
			defer wg.Done()
			resolutions.Add(1)
			if err == nil && v != int32(i+1) {
				wrong.Add(1)
			}
			if err != nil && (i%2 == 0 || !errors.Is(err, context.Canceled)) {
				wrong.Add(1)
			}
		})
	}
	wg.Wait()
	if got := resolutions.Load(); got != int64(n) {
		t.Errorf("resolutions = %d, want %d", got, n)
	}
	if wrong.Load() != 0 {
		t.Errorf("%d futures resolved with a wrong value or error", wrong.Load())
	}
}

// G2: argument memory the caller dropped stays valid until the native call
// returns, with GC running during the call.
func TestOffload_ArgumentsOutliveCaller(t *testing.T) {
	l := fixture(t)
	p := ffi.NewPool(4, 64, ffi.WaitWhenFull())
	defer p.Close()
	f, err := l.Func("slow_sum_bytes", ffi.MustSignature("func([]byte, int32, int32) int64"), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	runs := 200
	if testing.Short() {
		runs = 50
	}
	t.Logf("%d offloads of a 4 KiB buffer, GC during each", runs)
	futs := make([]*ffi.Future[any], runs)
	for i := range runs {
		buf := make([]byte, 4096)
		for j := range buf {
			buf[j] = byte(i)
		}
		futs[i] = f.Async(context.Background(), buf, int32(len(buf)), int32(2))
		buf = nil
		runtime.GC()
	}
	for i, fut := range futs {
		v, err := fut.Wait(context.Background())
		if want := int64(4096 * (i % 256)); err != nil || v != want {
			t.Fatalf("offload %d = %v, %v; want %d", i, v, err, want)
		}
	}
}

// G3: cancelling releases the waiter at once; the native call completes.
func TestOffload_CancelDoesNotAbortNative(t *testing.T) {
	l := fixture(t)
	reset := mustFunc(t, l, "conc_reset", "func()")
	finished := mustFunc(t, l, "conc_finished", "func() int32")
	_, _ = reset.Call()
	p := ffi.NewPool(2, 4)
	defer p.Close()
	sleep, _ := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(p))
	ctx, cancel := context.WithCancel(context.Background())
	fut := sleep.Async(ctx, 200)
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case <-fut.Done():
	case <-time.After(150 * time.Millisecond):
		t.Fatal("the waiter was not released by the cancellation")
	}
	if _, err := fut.Wait(context.Background()); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait = %v, want context.Canceled", err)
	}
	if n, _ := finished.Call(); n != int32(0) {
		t.Errorf("native call finished already (%v): the test proves nothing", n)
	}
	p.Close() // waits for the running job
	if n, _ := finished.Call(); n != int32(1) {
		t.Errorf("native calls finished = %v, want 1", n)
	}
	if v, err, ok := fut.Result(); !ok || v != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("late native result replaced the cancellation: %v, %v, %v", v, err, ok)
	}
}

// G4: at most size native calls at once, OS threads bounded; a full queue
// refuses with ErrPoolFull when the pool does not wait.
func TestOffload_PoolBounded(t *testing.T) {
	l := fixture(t)
	reset := mustFunc(t, l, "conc_reset", "func()")
	maxc := mustFunc(t, l, "max_concurrency", "func() int32")
	_, _ = reset.Call()
	const size = 64
	threads0 := testlib.Threads()
	p := ffi.NewPool(size, 256, ffi.WaitWhenFull())
	sleep, _ := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(p))
	n := 10000
	if testing.Short() || raceEnabled {
		n = 1000
	}
	t.Logf("%d offloads of a 1 ms call, pool %d", n, size)
	futs := make([]*ffi.Future[any], n)
	peakThreads := 0
	for i := range n {
		futs[i] = sleep.Async(context.Background(), 1)
		if i%500 == 0 {
			peakThreads = max(peakThreads, testlib.Threads())
		}
	}
	for _, f := range futs {
		if _, err := f.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	p.Close()
	if m, _ := maxc.Call(); m.(int32) > size || m.(int32) < 2 {
		t.Errorf("max concurrency = %v, want 2..%d", m, size)
	}
	if threads0 > 0 && peakThreads > threads0+size+16 {
		t.Errorf("threads peaked at %d (baseline %d, pool %d)", peakThreads, threads0, size)
	}

	small := ffi.NewPool(1, 1)
	defer small.Close()
	slow, _ := l.Func("sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(small))
	var full int
	fs := make([]*ffi.Future[any], 6)
	for i := range fs {
		fs[i] = slow.Async(context.Background(), 20)
	}
	for _, f := range fs {
		if _, err := f.Wait(context.Background()); errors.Is(err, ffi.ErrPoolFull) {
			full++
		}
	}
	if full == 0 {
		t.Error("no submission got ErrPoolFull from a pool of 1 with a queue of 1")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	waiting := ffi.NewPool(1, 0, ffi.WaitWhenFull())
	defer waiting.Close()
	// The first job holds the only worker until the second submission has
	// failed: a fixed sleep could end first on a loaded machine.
	release := make(chan struct{})
	block := ffi.Go(context.Background(), waiting, func() (int, error) { <-release; return 1, nil })
	late := ffi.Go(ctx, waiting, func() (int, error) { return 2, nil })
	if _, err := late.Wait(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting submit past its deadline = %v", err)
	}
	close(release)
	if v, err := block.Wait(context.Background()); v != 1 || err != nil {
		t.Errorf("first job = %v, %v", v, err)
	}
}

// G5: panics in a job or in a completion callback never kill a worker.
func TestOffload_CompletionPanic(t *testing.T) {
	var handled atomic.Int32
	p := ffi.NewPool(1, 8, ffi.OnPanic(func(any) { handled.Add(1) }))
	defer p.Close()
	f := ffi.Go(context.Background(), p, func() (int, error) { panic("boom in job") })
	_, err := f.Wait(context.Background())
	var pe *ffi.PanicError
	if !errors.As(err, &pe) || pe.Value != "boom in job" {
		t.Errorf("job panic gave %v, want a *PanicError", err)
	}
	done := make(chan struct{})
	g := ffi.Go(context.Background(), p, func() (int, error) { <-done; return 7, nil })
	g.Then(func(int, error) { panic("boom in Then") })
	close(done)
	<-g.Done()
	h := ffi.Go(context.Background(), p, func() (int, error) { return 8, nil })
	if v, err := h.Wait(context.Background()); v != 8 || err != nil {
		t.Errorf("after the panics: %v, %v", v, err)
	}
	if s := p.Stats(); s.Threads != 1 || s.Panics != 2 {
		t.Errorf("stats %+v, want 1 thread and 2 panics", s)
	}
	if handled.Load() != 1 {
		t.Errorf("OnPanic called %d times, want 1 (the Then panic)", handled.Load())
	}
	closed := ffi.NewPool(1, 1)
	closed.Close()
	if _, err := ffi.Go(context.Background(), closed, func() (int, error) { return 0, nil }).Wait(context.Background()); !errors.Is(err, ffi.ErrPoolClosed) {
		t.Errorf("submit to a closed pool = %v", err)
	}
}
