package extension

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/gatehook"
	"github.com/goractor/goractor/internal/osthread"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety"
)

// counterLib builds the counter fixture once per test.
type counterLib struct {
	path  string
	fired func() int32
	max   func() int32
	reset func()
	lib   *ffi.Library
}

func buildCounter(t *testing.T) *counterLib {
	t.Helper()
	path := testlib.SharedLib(t, []string{"testdata/counter.c"})
	lib, err := ffi.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lib.Close() })
	c := &counterLib{path: path, lib: lib}
	lib.MustBind(&c.fired, "fx_fired")
	lib.MustBind(&c.max, "fx_max")
	lib.MustBind(&c.reset, "fx_reset")
	c.reset()
	return c
}

func register(t *testing.T, d Declaration) *Registry {
	t.Helper()
	r := NewRegistry()
	r.MustRegister(d)
	return r
}

func load(t *testing.T, r *Registry, name string, opts ...LoadOption) *Extension {
	t.Helper()
	x, err := Load(name, append(opts, WithRegistry(r))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return x
}

// B1/B2: an extension registered without a declaration: calls from the main
// actor run; calls from 8 other actors fail with UnsafeError naming extension,
// symbol and actor, and never enter native code.
func TestUnsafeExt_NonMainCall_UnsafeError(t *testing.T) {
	c := buildCounter(t)
	x := load(t, register(t, Declaration{Name: "libcounter", Libraries: []string{c.path}}), "libcounter")
	var enter func(int32) (int32, error)
	x.MustBind(&enter, "fx_enter")
	main := startActor(t, "main", true)
	var got int32
	var err error
	main.do(func() { got, err = enter(21) })
	if err != nil || got != 42 {
		t.Fatalf("fx_enter(21) from main = %d, %v; want 42, nil", got, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range 8 {
		w := startActor(t, fmt.Sprintf("worker-%d", i), false)
		wg.Go(func() { w.do(func() { _, errs[i] = enter(1) }) })
	}
	wg.Wait()
	for i, err := range errs {
		wantMainOnly(t, err, "libcounter.fx_enter", fmt.Sprintf("worker-%d", i))
	}
	if n := c.fired(); n != 1 {
		t.Errorf("fired = %d; want 1: refused calls must never enter native code", n)
	}
}

// B3: a declaration is scoped to its extension: A declares parallel-safe, B,
// loaded next from the same library, declares nothing and stays unsafe.
func TestSafeDecl_ScopedPerExtension(t *testing.T) {
	c := buildCounter(t)
	r := NewRegistry()
	r.MustRegister(Declaration{Name: "a", Libraries: []string{c.path}, Safety: ParallelSafe})
	r.MustRegister(Declaration{Name: "b", Libraries: []string{c.path}})
	a, b := load(t, r, "a"), load(t, r, "b")
	fa, err := a.Func("fx_enter", ffi.MustSignature("func(int32) int32"))
	if err != nil {
		t.Fatal(err)
	}
	fb, err := b.Func("fx_enter", ffi.MustSignature("func(int32) int32"))
	if err != nil {
		t.Fatal(err)
	}
	if gatehook.Gated(fa) {
		t.Error("a parallel-safe function was bound with a gate; it should cost nothing")
	}
	w := startActor(t, "w", false)
	var ra any
	var ea, eb error
	w.do(func() {
		ra, ea = fa.Call(2)
		_, eb = fb.Call(2)
	})
	if ea != nil || ra != int32(4) {
		t.Errorf("a.fx_enter(2) from a worker = %v, %v; want 4, nil", ra, ea)
	}
	if !errors.Is(eb, safety.ErrNotParallelSafe) {
		t.Errorf("b.fx_enter from a worker = %v; want ErrNotParallelSafe", eb)
	}
}

// B4: functions take the declaration in force when they are bound, and a
// declaration cannot be changed afterwards (a late re-registration is a
// duplicate; the caller's copy is not the registry's).
func TestSafeDecl_LateDeclarationRejected(t *testing.T) {
	c := buildCounter(t)
	d := Declaration{Name: "late", Libraries: []string{c.path}}
	r := register(t, d)
	x := load(t, r, "late")
	f, err := x.Func("fx_enter", ffi.MustSignature("func(int32) int32"))
	if err != nil {
		t.Fatal(err)
	}
	d.Safety = ParallelSafe
	if err := r.Register(d); !errors.Is(err, ErrDuplicate) {
		t.Errorf("late re-declaration = %v; want ErrDuplicate", err)
	}
	w := startActor(t, "w", false)
	var callErr error
	w.do(func() { _, callErr = f.Call(1) })
	if !errors.Is(callErr, safety.ErrNotParallelSafe) {
		t.Errorf("after a late declaration, call = %v; want still ErrNotParallelSafe", callErr)
	}
	if x.SafetyOf("fx_enter") != NotParallelSafe {
		t.Errorf("SafetyOf = %v; want not-parallel-safe", x.SafetyOf("fx_enter"))
	}
}

// A function may override its extension's declaration at bind time.
func TestBindWithSafetyOverride(t *testing.T) {
	c := buildCounter(t)
	x := load(t, register(t, Declaration{Name: "ov", Libraries: []string{c.path}}), "ov")
	f, err := x.Func("fx_enter", ffi.MustSignature("func(int32) int32"), WithSafety(ParallelSafe))
	if err != nil {
		t.Fatal(err)
	}
	if gatehook.Gated(f) {
		t.Error("WithSafety(ParallelSafe) binding is gated")
	}
	if _, err := x.Func("fx_enter", ffi.MustSignature("func(int32) int32"), WithSafety(Safety(42))); err == nil {
		t.Error("invalid WithSafety accepted")
	}
}

// B9: 16 actors call a Serialize extension concurrently: all succeed, never
// two inside at once (the fixture measures it in C).
func TestSerializedExt_GlobalLock(t *testing.T) {
	c := buildCounter(t)
	x := load(t, register(t, Declaration{Name: "ser", Libraries: []string{c.path}, Policy: Serialize}), "ser")
	var enter func(int32) (int32, error)
	x.MustBind(&enter, "fx_enter")
	const actors, calls = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, actors*calls)
	for i := range actors {
		a := startActor(t, fmt.Sprintf("a%d", i), i == 0)
		wg.Go(func() {
			a.do(func() {
				for k := range calls {
					if r, err := enter(int32(k)); err != nil || r != int32(2*k) {
						errs <- fmt.Errorf("fx_enter(%d) = %d, %v", k, r, err)
					}
				}
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := c.fired(); got != actors*calls {
		t.Errorf("fired = %d; want %d", got, actors*calls)
	}
	if got := c.max(); got != 1 {
		t.Errorf("max_concurrency = %d; want 1", got)
	}
	// Control: the same calls declared parallel-safe do overlap, so the
	// measurement above can see concurrency when there is some.
	c.reset()
	y := load(t, register(t, Declaration{Name: "par", Libraries: []string{c.path}, Safety: ParallelSafe}), "par")
	var penter func(int32) (int32, error)
	y.MustBind(&penter, "fx_enter")
	for round := 0; round < 20 && c.max() < 2; round++ {
		for i := range 4 {
			a := startActor(t, fmt.Sprintf("p%d-%d", round, i), false)
			wg.Go(func() { a.do(func() { _, _ = penter(1) }) })
		}
		wg.Wait()
	}
	t.Logf("parallel-safe control: max_concurrency = %d", c.max())
}

// B8-style: thread affinity, with the fixture reporting gettid() per call.
func TestAffinity(t *testing.T) {
	c := buildCounter(t)
	t.Run("dedicated", func(t *testing.T) {
		x := load(t, register(t, Declaration{Name: "tls", Libraries: []string{c.path}, Affinity: DedicatedThread, Safety: ParallelSafe}), "tls")
		var tid func() int64
		x.MustBind(&tid, "fx_tid")
		seen := map[int64]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range 6 {
			a := startActor(t, fmt.Sprintf("a%d", i), i == 0)
			wg.Go(func() {
				a.do(func() {
					for range 10 {
						v := tid()
						mu.Lock()
						seen[v]++
						mu.Unlock()
					}
				})
			})
		}
		wg.Wait()
		if len(seen) != 1 || seen[int64(x.ThreadID())] != 60 {
			t.Errorf("native thread ids = %v; want all 60 calls on %d", seen, x.ThreadID())
		}
	})
	t.Run("main-thread", func(t *testing.T) {
		x := load(t, register(t, Declaration{Name: "gl", Libraries: []string{c.path}, Affinity: MainThread}), "gl")
		var tid func() (int64, error)
		x.MustBind(&tid, "fx_tid")
		main := startActor(t, "main", true)
		w := startActor(t, "w", false)
		var mainTid, got int64
		var mainErr, wErr error
		main.do(func() { mainTid = int64(osthread.Gettid()); got, mainErr = tid() })
		if mainErr != nil || got != mainTid {
			t.Errorf("from main: tid %d, %v; want %d, nil", got, mainErr, mainTid)
		}
		before := c.fired()
		w.do(func() { _, wErr = tid() })
		if !errors.Is(wErr, safety.ErrWrongThread) {
			t.Errorf("from a worker: %v; want ErrWrongThread", wErr)
		}
		if c.fired() != before {
			t.Error("refused main-thread call entered native code")
		}
		// With OnMain, a worker's call is forwarded to the main actor's thread.
		y := load(t, register(t, Declaration{Name: "gl2", Libraries: []string{c.path}, Affinity: MainThread, Policy: OnMain}), "gl2")
		var tid2 func() (int64, error)
		y.MustBind(&tid2, "fx_tid")
		setMain(t, main.exec)
		w.do(func() { got, wErr = tid2() })
		if wErr != nil || got != mainTid {
			t.Errorf("forwarded from a worker: tid %d, %v; want %d (main's), nil", got, wErr, mainTid)
		}
	})
}

// B7: a library that fails to load leaves nothing behind, 100 times over.
func TestExtInit_FailsCleanly(t *testing.T) {
	r := register(t, Declaration{Name: "missing", Libraries: []string{"libgoractor-does-not-exist.so.9"}})
	threads := testlib.Threads()
	for range 100 {
		x, err := Load("missing", WithRegistry(r))
		if x != nil || !errors.Is(err, ffi.ErrLoad) {
			t.Fatalf("Load(missing) = %v, %v; want nil, an error wrapping ffi.ErrLoad", x, err)
		}
	}
	if _, err := Load("nobody", WithRegistry(r)); !errors.Is(err, ErrNotRegistered) {
		t.Errorf("Load(nobody) = %v; want ErrNotRegistered", err)
	}
	if got := testlib.Threads(); threads > 0 && got > threads+2 {
		t.Errorf("threads after 100 failed loads = %d; before %d", got, threads)
	}
}

// B6: a function value bound to an unsafe extension, handed to another actor,
// is still refused there: the gate travels with the function.
func TestUnsafeExt_HandleSmuggling(t *testing.T) {
	c := buildCounter(t)
	x := load(t, register(t, Declaration{Name: "smug", Libraries: []string{c.path}}), "smug")
	var enter func(int32) (int32, error)
	main := startActor(t, "main", true)
	main.do(func() { x.MustBind(&enter, "fx_enter") })
	smuggled := enter
	w := startActor(t, "w", false)
	var err error
	w.do(func() { _, err = smuggled(1) })
	if !errors.Is(err, safety.ErrNotParallelSafe) {
		t.Errorf("smuggled call = %v; want ErrNotParallelSafe", err)
	}
	if c.fired() != 0 {
		t.Errorf("fired = %d; want 0", c.fired())
	}
}
