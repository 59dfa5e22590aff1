package extension

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/osthread"
	"github.com/goractor/goractor/safety"
)

// fakeActor is the minimum of an actor the gate sees: a goroutine locked to
// its OS thread, bound to an Exec, running the functions it is sent.
type fakeActor struct {
	exec *execctx.Exec
	reqs chan func()
	done chan struct{}
	// blockedOn, when set, makes RunOnThread report a deadlock for calls
	// from that actor (the main actor waiting on it).
	blockedOn atomic.Pointer[execctx.Exec]
}

func startActor(t *testing.T, name string, main bool) *fakeActor {
	t.Helper()
	a := &fakeActor{reqs: make(chan func()), done: make(chan struct{})}
	a.exec = execctx.New(name, main, execctx.Hooks{RunOnThread: a.runOnThread})
	ready := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer close(a.done)
		unbind := execctx.Bind(a.exec)
		defer unbind()
		close(ready)
		for f := range a.reqs {
			a.exec.Enter()
			f()
			a.exec.Leave()
		}
	}()
	<-ready
	t.Cleanup(func() { close(a.reqs); <-a.done })
	return a
}

func (a *fakeActor) runOnThread(ctx context.Context, f func()) error {
	if c := execctx.Current(); c != nil && a.blockedOn.Load() == c {
		return fmt.Errorf("actor %q is waiting on the caller: %w", a.exec.Name(), safety.ErrWouldDeadlock)
	}
	done := make(chan struct{})
	select {
	case a.reqs <- func() { f(); close(done) }:
	case <-ctx.Done():
		return ctx.Err()
	}
	<-done
	return nil
}

// do runs f on the actor's goroutine and waits for it.
func (a *fakeActor) do(f func()) {
	done := make(chan struct{})
	a.reqs <- func() { f(); close(done) }
	<-done
}

func setMain(t *testing.T, e *execctx.Exec) {
	t.Cleanup(execctx.SetMain(e))
}

func testGate(d Declaration, fn string, cfg *loadConfig) *gate {
	if cfg == nil {
		cfg = &loadConfig{}
	}
	x := newExtension(d, cfg)
	return newGate(x, fn, x.decl.SafetyOf(fn))
}

// B1/B2 at the gate: an undeclared extension runs for the main actor and
// refuses every other actor with the exact UnsafeError, never entering the
// call.
func TestGateUndeclaredRefusesNonMain(t *testing.T) {
	g := testGate(Declaration{Name: "libfoo", Libraries: []string{"x"}}, "bar", nil)
	main := startActor(t, "main", true)
	var fired atomic.Int32
	call := func() { fired.Add(1) }
	var mainErr error
	main.do(func() { mainErr = g.do(nil, execctx.Current(), call) })
	if mainErr != nil {
		t.Fatalf("call from main = %v; want nil", mainErr)
	}
	for i := range 8 {
		w := startActor(t, fmt.Sprintf("worker-%d", i), false)
		var err error
		w.do(func() { err = g.do(nil, execctx.Current(), call) })
		var ue *safety.UnsafeError
		if !errors.As(err, &ue) || !errors.Is(err, safety.ErrNotParallelSafe) {
			t.Fatalf("call from worker-%d = %v; want *safety.UnsafeError wrapping ErrNotParallelSafe", i, err)
		}
		want := fmt.Sprintf(`safety: call "libfoo.bar" from actor "worker-%d": not parallel-safe, only the main actor may call it`, i)
		if err.Error() != want {
			t.Errorf("error text = %q; want %q", err.Error(), want)
		}
	}
	// Outside every actor is not the main actor either.
	if err := g.do(nil, nil, call); !errors.Is(err, safety.ErrNotParallelSafe) {
		t.Errorf("call from outside actors = %v; want ErrNotParallelSafe", err)
	}
	if got := fired.Load(); got != 1 {
		t.Errorf("fired = %d; want 1 (main only: refused calls never enter native code)", got)
	}
}

func TestGatePerFunctionOverride(t *testing.T) {
	d := Declaration{Name: "libc", Libraries: []string{"x"}, Safety: ParallelSafe, Functions: map[string]Safety{"strtok": NotParallelSafe}}
	if needsGate(&d, d.SafetyOf("strlen")) {
		t.Error("a parallel-safe function without affinity is gated; it should cost nothing")
	}
	if !needsGate(&d, d.SafetyOf("strtok")) {
		t.Error("strtok, declared not parallel-safe, is not gated")
	}
	g := testGate(d, "strtok", nil)
	w := startActor(t, "w", false)
	var err error
	w.do(func() { err = g.do(nil, execctx.Current(), func() {}) })
	if !errors.Is(err, safety.ErrNotParallelSafe) {
		t.Errorf("strtok from a worker = %v; want ErrNotParallelSafe", err)
	}
}

func TestGateOnMain(t *testing.T) {
	d := Declaration{Name: "gui", Libraries: []string{"x"}, Policy: OnMain}
	var infos []CallInfo
	var mu sync.Mutex
	g := testGate(d, "draw", &loadConfig{trace: func(ci CallInfo) { mu.Lock(); infos = append(infos, ci); mu.Unlock() }})
	main := startActor(t, "main", true)
	w := startActor(t, "w", false)

	// No main actor running.
	var err error
	w.do(func() { err = g.do(nil, execctx.Current(), func() {}) })
	if !errors.Is(err, safety.ErrNoMainActor) {
		t.Fatalf("OnMain without a main actor = %v; want ErrNoMainActor", err)
	}

	setMain(t, main.exec)
	var ranOn *execctx.Exec
	w.do(func() { err = g.do(nil, execctx.Current(), func() { ranOn = execctx.Current() }) })
	if err != nil || ranOn != main.exec {
		t.Fatalf("OnMain from a worker: err=%v ran on %q; want nil, main", err, ranOn.Name())
	}

	// The main actor waits on w: forwarding would deadlock and must say so.
	main.blockedOn.Store(w.exec)
	w.do(func() { err = g.do(nil, execctx.Current(), func() { t.Error("call ran although it would deadlock") }) })
	if !errors.Is(err, safety.ErrWouldDeadlock) {
		t.Fatalf("OnMain while main waits on the caller = %v; want ErrWouldDeadlock", err)
	}
	var ue *safety.UnsafeError
	if !errors.As(err, &ue) || ue.Actor != "w" || ue.Function != "draw" {
		t.Errorf("deadlock refusal = %#v; want an UnsafeError naming actor w and function draw", err)
	}

	// A panic in the forwarded call reaches the caller, not the main actor.
	main.blockedOn.Store(nil)
	var p any
	w.do(func() {
		defer func() { p = recover() }()
		_ = g.do(nil, execctx.Current(), func() { panic("boom") })
	})
	if p != "boom" {
		t.Errorf("panic seen by the caller = %v; want boom", p)
	}
	main.do(func() {}) // the main actor is still alive

	mu.Lock()
	defer mu.Unlock()
	var routes []Route
	for _, ci := range infos {
		routes = append(routes, ci.Route)
	}
	if len(routes) < 3 || routes[0] != RouteRefused || routes[1] != RouteOnMain || routes[2] != RouteRefused {
		t.Errorf("traced routes = %v; want [refused on-main refused ...]", routes)
	}
}

// B9 at the gate: under Serialize, never two calls inside at once, the main
// actor's included.
func TestGateSerialize(t *testing.T) {
	g := testGate(Declaration{Name: "ser", Libraries: []string{"x"}, Policy: Serialize}, "f", nil)
	var inside, maxInside, total atomic.Int32
	call := func() {
		n := inside.Add(1)
		for {
			m := maxInside.Load()
			if n <= m || maxInside.CompareAndSwap(m, n) {
				break
			}
		}
		for range 100 {
			runtime.Gosched()
			if inside.Load() > 1 {
				break
			}
		}
		total.Add(1)
		inside.Add(-1)
	}
	actors := []*fakeActor{startActor(t, "main", true)}
	for i := range 15 {
		actors = append(actors, startActor(t, fmt.Sprintf("w%d", i), false))
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(actors)*20)
	for _, a := range actors {
		wg.Go(func() {
			a.do(func() {
				for range 20 {
					if err := g.do(nil, execctx.Current(), call); err != nil {
						errs <- err
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
	if got := maxInside.Load(); got != 1 {
		t.Errorf("max concurrency = %d; want 1", got)
	}
	if got := total.Load(); got != int32(len(actors)*20) {
		t.Errorf("calls = %d; want %d", got, len(actors)*20)
	}
}

func TestGateSerializeReentrant(t *testing.T) {
	g := testGate(Declaration{Name: "ser", Libraries: []string{"x"}, Policy: Serialize}, "f", nil)
	w := startActor(t, "w", false)
	var err, inner error
	w.do(func() {
		err = g.do(nil, execctx.Current(), func() {
			// A callback during the call re-enters the extension on the
			// same actor goroutine.
			inner = g.do(nil, execctx.Current(), func() {})
		})
	})
	if err != nil || inner != nil {
		t.Errorf("re-entrant serialized call: outer=%v inner=%v; want nil, nil", err, inner)
	}
}

// B8-style: a DedicatedThread extension runs every call, from any caller, on
// one OS thread that is none of the callers'.
func TestGateDedicatedThread(t *testing.T) {
	d := Declaration{Name: "tls", Libraries: []string{"x"}, Affinity: DedicatedThread, Safety: ParallelSafe}
	g := testGate(d, "f", nil)
	x := g.x
	var mu sync.Mutex
	tids := map[int]int{}
	callerTids := map[int]bool{}
	call := func() {
		mu.Lock()
		tids[osthread.Gettid()]++
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for i := range 6 {
		a := startActor(t, fmt.Sprintf("a%d", i), i == 0)
		wg.Go(func() {
			a.do(func() {
				mu.Lock()
				callerTids[osthread.Gettid()] = true
				mu.Unlock()
				for range 10 {
					if err := g.do(nil, execctx.Current(), call); err != nil {
						t.Error(err)
					}
				}
			})
		})
	}
	wg.Wait()
	// From a goroutine outside every actor too.
	if err := g.do(nil, nil, call); err != nil {
		t.Fatal(err)
	}
	if len(tids) != 1 {
		t.Fatalf("calls ran on %d threads %v; want 1", len(tids), tids)
	}
	for tid, n := range tids {
		if n != 61 || tid != x.ThreadID() {
			t.Errorf("thread %d ran %d calls; want thread %d, 61 calls", tid, n, x.ThreadID())
		}
		if callerTids[tid] {
			t.Errorf("dedicated thread %d is a caller's thread", tid)
		}
	}
	// Re-entry from the dedicated thread itself runs inline.
	var inner error
	if err := g.do(nil, nil, func() { inner = g.do(nil, nil, func() {}) }); err != nil || inner != nil {
		t.Errorf("re-entrant dedicated call: %v, %v", err, inner)
	}
	x.Close()
	err := g.do(nil, nil, call)
	if !errors.Is(err, ErrClosed) {
		t.Errorf("call after Close = %v; want ErrClosed", err)
	}
}

func TestGateMainThreadAffinity(t *testing.T) {
	d := Declaration{Name: "gl", Libraries: []string{"x"}, Affinity: MainThread, Safety: ParallelSafe}
	g := testGate(d, "glClear", nil)
	main := startActor(t, "main", true)
	w := startActor(t, "w", false)
	var mainErr, wErr error
	main.do(func() { mainErr = g.do(nil, execctx.Current(), func() {}) })
	w.do(func() { wErr = g.do(nil, execctx.Current(), func() { t.Error("ran off the main actor") }) })
	if mainErr != nil {
		t.Errorf("main-thread function from main = %v", mainErr)
	}
	if !errors.Is(wErr, safety.ErrWrongThread) {
		t.Errorf("main-thread function from a worker = %v; want ErrWrongThread", wErr)
	}
}

// Close while calls are queued on a dedicated thread: every caller returns
// (each call either ran or got ErrClosed), none waits forever, the thread
// ends, and a panic in a call is re-raised to its own caller only.
func TestDedicatedThreadCloseWithQueuedCalls(t *testing.T) {
	th := newDedicatedThread("closing")
	if p, panicked, err := th.do(nil, func() { panic("boom") }); err != nil || !panicked || p != "boom" {
		t.Fatalf("a panicking call: %v, %v, %v; want the panic returned", p, panicked, err)
	}
	const callers = 8
	var ran, refused atomic.Int32
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			_, _, err := th.do(nil, func() { time.Sleep(2 * time.Millisecond); ran.Add(1) })
			switch {
			case err == nil:
			case errors.Is(err, ErrClosed):
				refused.Add(1)
			default:
				t.Errorf("do: %v", err)
			}
		})
	}
	time.Sleep(3 * time.Millisecond)
	th.close()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a caller is still waiting 10 s after close")
	}
	if ran.Load()+refused.Load() != callers {
		t.Errorf("%d calls ran and %d were refused; want %d in all", ran.Load(), refused.Load(), callers)
	}
	if _, _, err := th.do(nil, func() { t.Error("a call after close ran") }); !errors.Is(err, ErrClosed) {
		t.Errorf("do after close = %v; want ErrClosed", err)
	}
	t.Logf("%d calls ran before close, %d refused after", ran.Load(), refused.Load())
}
