package ffi_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/testlib"
)

// BenchmarkAsyncSleep1ms is `goractor bench`'s measureAsync in ffi: a pool
// NewPool(64, 256), sleep_ms(1) from internal/benchfix/bench.c, 128 calls in flight
// at all times, awaited in FIFO order by an actor-like goroutine (locked,
// bound to an Exec holding its token). One op is one call; calls/s is the
// figure the goal is about (≥ 40 k/s). csw/call counts the
// process's context switches (getrusage: voluntary + involuntary, all
// threads) per call, cpu-µs/call the process's CPU time (user + system) per
// call.
//
// "async" runs on the pool's native threads (the default on linux/amd64),
// "async-goroutines" and "async-goroutines-locked" on its worker goroutines
// (WithoutNativeThreads), "go-typed" is Go with a typed function (always
// worker goroutines). The same-run ceilings: "threads-64", 64 goroutines
// each making the calls directly, back to back; "c-threads-64", 64 C
// pthreads doing the same (sleep_ms_threads), which is what this machine
// can do at all.
//
//	go test -run '^$' -bench AsyncSleep1ms -benchtime 5120x -count 5 ./ffi/
func BenchmarkAsyncSleep1ms(b *testing.B) {
	lib, err := ffi.Open(testlib.SharedLib(b, []string{"../internal/benchfix/bench.c"}))
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	const inflight, size = 128, 64
	for _, mode := range []string{"async", "async-goroutines", "async-goroutines-locked"} {
		b.Run(mode, func(b *testing.B) {
			var opts []ffi.PoolOption
			switch mode {
			case "async-goroutines":
				opts = append(opts, ffi.WithoutNativeThreads())
			case "async-goroutines-locked":
				opts = append(opts, ffi.WithoutNativeThreads(), ffi.WithLockedWorkers())
			}
			benchAsync(b, lib, ffi.NewPool(size, 256, opts...), inflight)
		})
	}
	b.Run("go-typed", func(b *testing.B) {
		pool := ffi.NewPool(size, 256)
		defer pool.Close()
		var sleep func(int32) int32
		if err := lib.Bind(&sleep, "sleep_ms"); err != nil {
			b.Fatal(err)
		}
		call := func() (int32, error) { return sleep(1), nil }
		rateRun(b, func() {
			ring := make([]*ffi.Future[int32], 0, inflight)
			ctx := context.Background()
			await := func(f *ffi.Future[int32]) {
				if v, err := f.Wait(ctx); err != nil || v != 1 {
					b.Fatalf("sleep_ms(1) = %v, %v", v, err)
				}
			}
			for i := range b.N {
				if len(ring) == inflight {
					await(ring[i%inflight])
					ring[i%inflight] = ffi.Go(ctx, pool, call)
					continue
				}
				ring = append(ring, ffi.Go(ctx, pool, call))
			}
			for _, f := range ring {
				await(f)
			}
		})
	})
	b.Run("c-threads-64", func(b *testing.B) {
		ceiling, err := bind[func(int32, int64) (int64, error)](lib, "sleep_ms_threads")
		if err != nil {
			b.Fatal(err)
		}
		rateRun(b, func() {
			if n, err := ceiling(size, int64(b.N)); err != nil || n != int64(b.N) {
				b.Fatalf("sleep_ms_threads = %d, %v", n, err)
			}
		})
	})
	b.Run("threads-64", func(b *testing.B) {
		var sleep func(int32) int32
		if err := lib.Bind(&sleep, "sleep_ms"); err != nil {
			b.Fatal(err)
		}
		rateRun(b, func() {
			var wg sync.WaitGroup
			per := b.N / size
			for w := range size {
				n := per
				if w < b.N%size {
					n++
				}
				wg.Go(func() {
					for range n {
						sleep(1)
					}
				})
			}
			wg.Wait()
		})
	})
}

func benchAsync(b *testing.B, lib *ffi.Library, pool *ffi.Pool, inflight int) {
	defer pool.Close()
	fn, err := lib.Func("sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(pool))
	if err != nil {
		b.Fatal(err)
	}
	warm(b, func() { _, _ = fn.Async(context.Background(), int32(1)).Wait(context.Background()) })
	rateRun(b, func() {
		ring := make([]*ffi.Future[any], 0, inflight)
		ctx := context.Background()
		await := func(f *ffi.Future[any]) {
			if v, err := f.Wait(ctx); err != nil || v != int32(1) {
				b.Fatalf("sleep_ms(1) = %v, %v", v, err)
			}
		}
		for i := range b.N {
			if len(ring) == inflight {
				await(ring[i%inflight])
				ring[i%inflight] = fn.Async(ctx, int32(1))
				continue
			}
			ring = append(ring, fn.Async(ctx, int32(1)))
		}
		for _, f := range ring {
			await(f)
		}
	})
}

func warm(b *testing.B, fn func()) {
	b.Helper()
	for range 64 {
		fn()
	}
}

// rateRun times body (b.N calls) on an actor-like goroutine and reports
// calls/s and context switches per call.
func rateRun(b *testing.B, body func()) {
	b.Helper()
	cpu0, csw0 := testlib.Usage()
	b.ResetTimer()
	start := time.Now()
	asActor(b, body)
	el := time.Since(start)
	b.StopTimer()
	cpu1, csw1 := testlib.Usage()
	b.ReportMetric(float64(b.N)/el.Seconds(), "calls/s")
	b.ReportMetric(float64(csw1-csw0)/float64(b.N), "csw/call")
	cpu := cpu1 - cpu0
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/call")
	b.ReportMetric(0, "ns/op")
}
