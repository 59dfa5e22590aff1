package ffi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/testlib"
)

// loadSize picks a load test's size: full, under -race, or under -short.
// The test logs the size it ran so a reduced run is never silent.
func loadSize(full, race, short int) int {
	switch {
	case testing.Short():
		return short
	case raceEnabled:
		return race
	}
	return full
}

// L4 (reliability.md §5): many actors making blocking native calls through
// the offload pool at once. Every future resolves with its value, the pool
// never runs more than its size in C at once, every call completes in C, and
// the OS threads stay bounded by pool + actors.
func TestLoad_OffloadFromActors(t *testing.T) {
	l := fixture(t)
	reset := mustFunc(t, l, "conc_reset", "func()")
	maxc := mustFunc(t, l, "max_concurrency", "func() int32")
	finished := mustFunc(t, l, "conc_finished", "func() int32")
	if _, err := reset.Call(); err != nil {
		t.Fatal(err)
	}
	const size = 64
	actors := loadSize(256, 64, 32)
	calls := loadSize(100, 50, 10)
	t.Logf("L4 size: %d actors × %d offloaded 10 ms calls, pool %d (race=%v short=%v)",
		actors, calls, size, raceEnabled, testing.Short())

	pool := ffi.NewPool(size, 256, ffi.WaitWhenFull())
	defer pool.Close()
	sleep, err := l.Func("conc_sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(pool))
	if err != nil {
		t.Fatal(err)
	}
	base := testlib.Threads()
	stopSampling := sampleThreads()
	err = actor.Run(func(ctx *actor.Context) error {
		refs := make([]*actor.Ref, actors)
		for i := range refs {
			r, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
				resolved := 0
				for range calls {
					v, err := sleep.Async(cx.Context(), int32(10)).Wait(cx.Context())
					if err != nil {
						return nil, err
					}
					if v != int32(10) {
						return nil, fmt.Errorf("conc_sleep_ms(10) = %v; want 10", v)
					}
					resolved++
				}
				return resolved, nil
			}, actor.WithName(fmt.Sprintf("offloader-%d", i)))
			if err != nil {
				return err
			}
			refs[i] = r
		}
		vctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		for _, r := range refs {
			v, err := r.Value(vctx)
			if err != nil {
				return err
			}
			if v != calls {
				return fmt.Errorf("%s resolved %v futures; want %d", r.Name(), v, calls)
			}
		}
		return nil
	})
	peakThreads := stopSampling()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := maxc.Call()
	f, _ := finished.Call()
	t.Logf("max concurrency in C %v, finished %v, threads base %d peak %d", m, f, base, peakThreads)
	if m.(int32) > size || m.(int32) < 2 {
		t.Errorf("max concurrency in C = %v; want 2..%d (the pool's size)", m, size)
	}
	if int(f.(int32)) != actors*calls {
		t.Errorf("calls finished in C = %v; want %d", f, actors*calls)
	}
	if base > 0 && peakThreads < actors {
		t.Errorf("threads peaked at %d; want at least one per actor (%d): the sampler saw nothing", peakThreads, actors)
	}
	if base > 0 && peakThreads > base+size+actors+32 {
		t.Errorf("threads peaked at %d; want at most base %d + pool %d + actors %d + 32", peakThreads, base, size, actors)
	}
}

// sampleThreads polls the process's OS thread count every 5 ms until the
// returned stop function is called, which returns the highest count seen.
func sampleThreads() (stop func() int) {
	done := make(chan struct{})
	result := make(chan int, 1)
	go func() {
		peak := testlib.Threads()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				result <- max(peak, testlib.Threads())
				return
			case <-tick.C:
				peak = max(peak, testlib.Threads())
			}
		}
	}()
	return func() int { close(done); return <-result }
}

// L5 (reliability.md §5): two actors each making many trivial native calls
// through the typed fast path. The results are exact; ns/call is logged as a
// trend, never asserted (speed lives in the benchmarks).
func TestLoad_CrossingOverhead(t *testing.T) {
	l := fixture(t)
	add, err := bind[func(int32, int32) (int32, error)](l, "add")
	if err != nil {
		t.Fatal(err)
	}
	n := loadSize(1_000_000, 200_000, 20_000)
	t.Logf("L5 size: 2 actors × %d add calls (race=%v short=%v)", n, raceEnabled, testing.Short())
	err = actor.Run(func(ctx *actor.Context) error {
		refs := make([]*actor.Ref, 2)
		for i := range refs {
			r, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
				start := time.Now()
				var sum int64
				for k := range n {
					v, err := add(int32(k), int32(i))
					if err != nil {
						return nil, err
					}
					if v != int32(k)+int32(i) {
						return nil, fmt.Errorf("add(%d, %d) = %d", k, i, v)
					}
					sum += int64(v)
				}
				return []any{sum, time.Since(start).Nanoseconds() / int64(n)}, nil
			})
			if err != nil {
				return err
			}
			refs[i] = r
		}
		for i, r := range refs {
			v, err := r.Value(context.Background())
			if err != nil {
				return err
			}
			res := v.([]any)
			want := int64(n)*int64(n-1)/2 + int64(i)*int64(n)
			if res[0] != want {
				return fmt.Errorf("actor %d: sum of results = %v; want %d", i, res[0], want)
			}
			t.Logf("actor %d: %v ns/call (trend only)", i, res[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
