package ffi_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/goractor/goractor/ffi"
)

// threadGate runs every call on one locked goroutine, one call at a time,
// like the extension gate's dedicated-thread and OnMain policies: the caller
// waits for the call and wakes up later, while the thread already runs the
// next caller's call.
type threadGate struct {
	calls chan func()
	stop  chan struct{}
	done  sync.WaitGroup
}

func newThreadGate() *threadGate {
	g := &threadGate{calls: make(chan func()), stop: make(chan struct{})}
	g.done.Add(1)
	go func() {
		defer g.done.Done()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for {
			select {
			case c := <-g.calls:
				c()
			case <-g.stop:
				return
			}
		}
	}()
	return g
}

func (g *threadGate) Call(_ *ffi.Func, _ ffi.Caller, call func()) error {
	done := make(chan struct{})
	g.calls <- func() { call(); close(done) }
	<-done
	return nil
}

func (g *threadGate) close() { close(g.stop); g.done.Wait() }

// lockGate serializes calls under a mutex on the caller's goroutine (the
// extension's Serialize policy).
type lockGate struct{ mu sync.Mutex }

func (g *lockGate) Call(_ *ffi.Func, _ ffi.Caller, call func()) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	call()
	return nil
}

// TestGate_StaticBufferResult calls fmt_num, whose string result lives in a
// static buffer the next call overwrites, through gates that serialize
// calls, from many goroutines at once. Every result must be copied inside
// the gate, before the next call runs: zero mismatches on every path.
func TestGate_StaticBufferResult(t *testing.T) {
	l := fixture(t)
	tg := newThreadGate()
	defer tg.close()
	gates := map[string]ffi.Gate{"thread": tg, "lock": &lockGate{}}
	workers, iters := 8, 400
	if testing.Short() || raceEnabled {
		iters = 100
	}
	t.Logf("%d goroutines x %d calls per path and gate", workers, iters)
	for gname, g := range gates {
		var bound func(int32) (string, error)
		l.MustBind(&bound, "fmt_num", ffi.WithGate(g))
		typed, err := bind[func(int32) (string, error)](l, "fmt_num", ffi.WithGate(g))
		if err != nil {
			t.Fatal(err)
		}
		dyn, err := l.Func("fmt_num", ffi.MustSignature("func(int32) string"), ffi.WithGate(g))
		if err != nil {
			t.Fatal(err)
		}
		paths := map[string]func(int32) (string, error){
			"bind":  bound,
			"typed": typed,
			"call": func(v int32) (string, error) {
				r, err := dyn.Call(v)
				s, _ := r.(string)
				return s, err
			},
			"async": func(v int32) (string, error) {
				r, err := dyn.Async(context.Background(), v).Wait(context.Background())
				s, _ := r.(string)
				return s, err
			},
		}
		for pname, call := range paths {
			t.Run(gname+"/"+pname, func(t *testing.T) {
				var mismatches atomic.Int64
				var first atomic.Value
				var wg sync.WaitGroup
				for w := range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range iters {
							v := int32(w*100000 + i)
							got, err := call(v)
							if want := fmt.Sprintf("n%d", v); err != nil || got != want {
								mismatches.Add(1)
								first.CompareAndSwap(nil, fmt.Sprintf("got %q, %v; want %q", got, err, want))
							}
						}
					}()
				}
				wg.Wait()
				if n := mismatches.Load(); n != 0 {
					t.Errorf("%d of %d results were another call's (first: %v)", n, workers*iters, first.Load())
				}
			})
		}
	}
}
