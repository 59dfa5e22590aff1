package extension

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety"
)

// Issue 13 item 4: a gated function bound with Bind decides its route first
// and, when the caller may call it right there (the main actor for a
// main-only function, anyone under the Serialize lock), calls C through the
// ungated path on the caller's stack: no allocation. The old path copied the
// frame to the heap and built closures (6 allocations, 320 B). Calls that
// must be refused still are, through the same binding.
//
// Each runs with the main actor recorded (execctx.SetMain, as actor.Run does:
// the first phase finds its goroutine with execctx.OwnMain) and not (found
// through the goroutine table).
func TestBindFirstPhase_DirectRoutesDoNotAllocate(t *testing.T) {
	c := buildCounter(t)
	for _, d := range []Declaration{
		{Name: "main-only"},
		{Name: "serialize", Policy: Serialize},
		{Name: "mainthread", Affinity: MainThread, Safety: ParallelSafe},
		{Name: "main-only-set"},
		{Name: "serialize-set", Policy: Serialize},
		{Name: "mainthread-set", Affinity: MainThread, Safety: ParallelSafe},
	} {
		t.Run(d.Name, func(t *testing.T) {
			d.Libraries = []string{c.path}
			x := load(t, register(t, d), d.Name)
			var id func(int32) int32
			var idErr func(int32) (int32, error)
			x.MustBind(&id, "fx_id")
			x.MustBind(&idErr, "fx_id")
			main := startActor(t, "main", true)
			if strings.HasSuffix(d.Name, "-set") {
				setMain(t, main.exec)
			}
			main.do(func() {
				if got := id(7); got != 7 {
					t.Errorf("id(7) = %d", got)
				}
				if got, err := idErr(8); got != 8 || err != nil {
					t.Errorf("idErr(8) = %d, %v", got, err)
				}
				// ffi's allocation-free call path (the register
				// trampoline) exists on amd64 only; elsewhere the ordinary
				// purego path allocates whatever the gate does.
				if runtime.GOARCH == "amd64" {
					if n := testing.AllocsPerRun(200, func() { id(1); _, _ = idErr(2) }); n != 0 {
						t.Errorf("%v allocations per direct call pair; want 0", n)
					}
				}
			})
			w := startActor(t, "w", false)
			w.do(func() {
				_, err := idErr(3)
				var ue *safety.UnsafeError
				refused := errors.As(err, &ue)
				if d.Policy == Serialize {
					if err != nil {
						t.Errorf("serialized call from a worker = %v", err)
					}
				} else if !refused {
					t.Errorf("call from a worker = %v; want an *UnsafeError", err)
				}
			})
		})
	}
}

// The routed binding still goes through the gate's second phase whenever
// the extension records calls: with a trace installed, every call made
// through Bind is traced with its route.
func TestBindFirstPhase_TraceSeesEveryCall(t *testing.T) {
	c := buildCounter(t)
	var traced testlib.Log[Route]
	x := load(t, register(t, Declaration{Name: "traced", Libraries: []string{c.path}, Policy: Serialize}), "traced",
		WithTrace(func(ci CallInfo) { traced.Add(ci.Route) }))
	var id func(int32) int32
	x.MustBind(&id, "fx_id")
	main := startActor(t, "main", true)
	main.do(func() {
		for i := range 5 {
			id(int32(i))
		}
	})
	routes := traced.All()
	if len(routes) != 5 {
		t.Fatalf("traced %d calls; want 5", len(routes))
	}
	for _, r := range routes {
		if r != RouteSerialized {
			t.Errorf("route %v; want serialized", r)
		}
	}
}

// A call that panics inside the Serialize lock (a plain func type panics
// with the *ffi.CallError of a closed library) releases the lock: the next
// caller gets in.
func TestBindFirstPhase_PanicReleasesSerializeLock(t *testing.T) {
	c := buildCounter(t)
	d := Declaration{Name: "ser-panic", Libraries: []string{c.path}, Policy: Serialize}
	x, err := Open(d)
	if err != nil {
		t.Fatal(err)
	}
	var id func(int32) int32
	x.MustBind(&id, "fx_id")
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		func() {
			defer func() {
				r := recover()
				var ce *ffi.CallError
				if err, _ := r.(error); !errors.As(err, &ce) || !errors.Is(err, ffi.ErrClosed) {
					t.Errorf("call after Close panicked with %v; want an *ffi.CallError wrapping ffi.ErrClosed", r)
				}
			}()
			id(1)
		}()
	}
	if o := x.serial.owner.Load(); o != nil {
		t.Errorf("Serialize lock still held by %q after the panics", o.Name())
	}
}

// The Serialize lock under contention: actors and plain goroutines (outside
// every actor) take it concurrently; never two holders, no lost wake-up
// (every caller finishes), and a holder re-entering from its own goroutine
// does not wait for itself.
func TestSerialLock_Contention(t *testing.T) {
	x := newExtension(Declaration{Name: "lock"}, &loadConfig{})
	s := &x.serial
	const callers, rounds = 8, 300
	var inside, maxInside, total int
	var mu sync.Mutex // guards the counters, not the lock under test
	body := func(caller *execctx.Exec) {
		if !s.lock(caller) {
			t.Error("lock refused a caller that does not hold it")
			return
		}
		mu.Lock()
		inside++
		maxInside = max(maxInside, inside)
		total++
		mu.Unlock()
		if caller != nil && s.lock(caller) {
			t.Error("re-entry by the holder took the lock again")
		}
		mu.Lock()
		inside--
		mu.Unlock()
		s.unlock()
	}
	var wg sync.WaitGroup
	for i := range callers {
		if i%2 == 0 {
			a := startActor(t, fmt.Sprintf("a%d", i), false)
			wg.Go(func() {
				a.do(func() {
					for range rounds {
						body(execctx.Current())
					}
				})
			})
			continue
		}
		wg.Go(func() {
			for range rounds {
				body(nil)
			}
		})
	}
	waitSerialCallers(t, &wg)
	if maxInside != 1 || total != callers*rounds {
		t.Errorf("max holders %d, %d critical sections; want 1, %d", maxInside, total, callers*rounds)
	}
	if s.owner.Load() != nil || s.waiters.Load() != 0 {
		t.Errorf("after the storm: owner %v, waiters %d; want free", s.owner.Load(), s.waiters.Load())
	}
}

// The Serialize lock through Bind's direct call (Admit, C, Release) with a
// release that is a plain store where membarrier exists: the main actor (on
// its own goroutine, found by execctx.OwnMain), other actors and plain
// goroutines increment a plain C counter through a Serialize extension. No
// increment may be lost (mutual exclusion) and every caller must finish (no
// lost wake-up: the contended callers sleep in lockSlow and only a release
// wakes them).
func TestSerialize_PlainCounterHammer(t *testing.T) {
	c := buildCounter(t)
	x := load(t, register(t, Declaration{Name: "ser-hammer", Libraries: []string{c.path}, Policy: Serialize}), "ser-hammer")
	var inc, reset func()
	var get func() int64
	x.MustBind(&inc, "fx_inc")
	x.MustBind(&get, "fx_plain")
	x.MustBind(&reset, "fx_plain_reset")
	main := startActor(t, "main", true)
	setMain(t, main.exec)
	const callers, rounds = 8, 2000
	main.do(reset)
	var wg sync.WaitGroup
	for i := range callers {
		switch {
		case i == 0:
			wg.Go(func() {
				main.do(func() {
					for range rounds {
						inc()
					}
				})
			})
		case i%2 == 1:
			a := startActor(t, fmt.Sprintf("a%d", i), false)
			wg.Go(func() {
				a.do(func() {
					for range rounds {
						inc()
					}
				})
			})
		default:
			wg.Go(func() {
				for range rounds {
					inc()
				}
			})
		}
	}
	waitSerialCallers(t, &wg)
	var got int64
	main.do(func() { got = get() })
	if got != callers*rounds {
		t.Errorf("plain counter = %d after %d serialized increments: calls ran inside at once", got, callers*rounds)
	}
	if s := &x.serial; s.owner.Load() != nil || s.waiters.Load() != 0 {
		t.Errorf("after the hammer: owner %v, waiters %d; want free", s.owner.Load(), s.waiters.Load())
	}
}

// waitSerialCallers waits for the callers of a Serialize lock test; a caller
// still asleep after two minutes missed its wake-up.
func waitSerialCallers(t *testing.T, wg *sync.WaitGroup) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("callers of the Serialize lock did not finish: a lost wake-up")
	}
}
