package actor

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/internal/callback"
	"github.com/goractor/goractor/internal/dl"
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
)

// cbLib is call_cb_n_thread of the callback tests' C fixture
// (internal/callback/testdata/cbfix.c), built and loaded once per process.
var cbLib struct {
	sync.Mutex
	fn uintptr
}

// callOnThread has a pthread created by C (a thread the Go runtime never
// made) call cb(i) for i in [0,n) and returns the sum of the results; the
// calling goroutine waits inside C meanwhile.
func callOnThread(t *testing.T, ptr uintptr, n int) int {
	t.Helper()
	cbLib.Lock()
	defer cbLib.Unlock()
	if cbLib.fn == 0 {
		// The library stays loaded for the process: t.TempDir goes away,
		// the mapping stays valid.
		h, err := dl.Open(testlib.SharedLib(t, []string{"../internal/callback/testdata/cbfix.c"}))
		if err == nil {
			cbLib.fn, err = dl.Sym(h, "call_cb_n_thread")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	r, _, _ := purego.SyscallN(cbLib.fn, ptr, uintptr(n))
	return int(int64(r))
}

// wantExceptional has a C thread call cb once, after its actor ended: the
// call returns cb's exceptional value, -1, and counts as exceptional.
func wantExceptional(t *testing.T, cb *callback.Callback, when string) {
	t.Helper()
	before := callback.ReadStats().Exceptional()
	if got := callOnThread(t, cb.Ptr(), 1); got != -1 {
		t.Errorf("call %s = %d; want -1 (exceptional)", when, got)
	}
	if after := callback.ReadStats().Exceptional(); after != before+1 {
		t.Errorf("exceptional count after a call %s = %d; want %d", when, after, before+1)
	}
}

// waitFor polls cond until it holds; it fails the test after a generous
// deadline (a hang, not a speed assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: still false after 20s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// newDoubler creates, on the calling actor, a thread-safe (and so ref'ed)
// callback returning 2*x (exceptional value -1) and counts its deliveries.
func newDoubler(t *testing.T, calls *atomic.Int64) *callback.Callback {
	cb, err := callback.New(func(x int) int {
		calls.Add(1)
		return 2 * x
	}, callback.ThreadSafe(), callback.Exceptional(-1), callback.Name("doubler"))
	if err != nil {
		t.Errorf("callback.New() = %v; want nil", err)
		return nil
	}
	return cb
}

func TestRun_PublishesMainActor(t *testing.T) {
	if execctx.Main() != nil {
		t.Fatalf("execctx.Main() before Run = %v; want nil", execctx.Main().Name())
	}
	run(t, func(ctx *Context) error {
		m := execctx.Main()
		if m == nil || m != execctx.Current() || !m.IsMain() {
			t.Errorf("execctx.Main() = %p; want the main actor's Exec %p", m, execctx.Current())
			return nil
		}
		// A worker reaches the main thread through the published Exec.
		w, err := ctx.Spawn(func(cx *Context) (any, error) {
			var tid int
			err := execctx.Main().Hooks().RunOnThread(cx.Context(), func() { tid = gettid() })
			return tid, err
		})
		if err != nil {
			return err
		}
		v, err := w.Value(timeout(t))
		if err != nil || v != ctx.ThreadID() {
			t.Errorf("RunOnThread via execctx.Main() = %v, %v; want main's thread %d", v, err, ctx.ThreadID())
		}
		return nil
	})
	if execctx.Main() != nil {
		t.Errorf("execctx.Main() after Run = %v; want nil", execctx.Main().Name())
	}
}

// TestLifetime_RefKeepsActorAlive: an actor whose body returned while it
// owns a ref'ed callback lingers, a C thread's call is delivered into it,
// Unref lets it end, and after that the callback returns its exceptional
// value.
func TestLifetime_RefKeepsActorAlive(t *testing.T) {
	var calls atomic.Int64
	cbs := make(chan *callback.Callback, 1)
	run(t, func(ctx *Context) error {
		a, err := ctx.Spawn(func(cx *Context) (any, error) {
			cbs <- newDoubler(t, &calls)
			return "body done", nil
		}, WithName("owner"))
		if err != nil {
			return err
		}
		cb := <-cbs
		if cb == nil {
			return nil
		}
		waitFor(t, "the actor to linger", a.c.lingering.Load)
		if got := callOnThread(t, cb.Ptr(), 7); got != 42 {
			t.Errorf("7 calls through a ref'ed callback of a lingering actor = %d; want 42", got)
		}
		if a.c.isDone() {
			t.Errorf("actor finished while its callback was ref'ed")
		}
		if err := a.Send(1); !errors.Is(err, ErrClosed) {
			t.Errorf("Send to a lingering actor = %v; want ErrClosed", err)
		}
		cb.Unref()
		v, err := a.Value(timeout(t))
		if err != nil || v != "body done" {
			t.Errorf("Value() = %v, %v; want body done, nil", v, err)
		}
		if !cb.Closed() {
			t.Errorf("callback still open after its actor ended")
		}
		wantExceptional(t, cb, "through the callback of a finished actor")
		return nil
	})
	if n := calls.Load(); n != 7 {
		t.Errorf("handler ran %d times; want 7", n)
	}
}

// TestLifetime_UnrefLetsActorEnd: an unref'ed callback does not keep its
// actor alive; the actor's end closes it.
func TestLifetime_UnrefLetsActorEnd(t *testing.T) {
	var calls atomic.Int64
	cbs := make(chan *callback.Callback, 1)
	run(t, func(ctx *Context) error {
		a, err := ctx.Spawn(func(cx *Context) (any, error) {
			cb := newDoubler(t, &calls)
			if cb != nil {
				// Delivered while the actor waits in C for its own
				// pthread; the raw purego call lends the token as ffi's
				// calls do.
				e := execctx.Current()
				e.Lend()
				got := callOnThread(t, cb.Ptr(), 5)
				e.Reclaim()
				if got != 20 {
					t.Errorf("5 calls during the owner's C call = %d; want 20", got)
				}
				cb.Unref()
			}
			cbs <- cb
			return nil, nil
		})
		if err != nil {
			return err
		}
		if err := a.Join(timeout(t)); err != nil {
			t.Errorf("Join() = %v; want nil", err)
		}
		cb := <-cbs
		if cb == nil {
			return nil
		}
		if a.c.lingering.Load() {
			t.Errorf("actor lingered with no ref'ed callback")
		}
		if !cb.Closed() {
			t.Errorf("unref'ed callback still open after its actor ended")
		}
		wantExceptional(t, cb, "after the actor ended")
		return nil
	})
	if n := calls.Load(); n != 5 {
		t.Errorf("handler ran %d times; want 5", n)
	}
}

// TestLifetime_HandlerStopsItself: a handler actor that stops itself while
// it owns a ref'ed callback lingers until the callback is unref'ed.
func TestLifetime_HandlerStopsItself(t *testing.T) {
	var calls atomic.Int64
	cbs := make(chan *callback.Callback, 1)
	run(t, func(ctx *Context) error {
		h, err := ctx.SpawnHandler(func() Handler {
			return HandlerFunc(func(hc *HandlerContext, msg any) {
				if msg == "make" {
					cbs <- newDoubler(t, &calls)
					hc.Stop()
				}
			})
		})
		if err != nil {
			return err
		}
		if err := h.Send("make"); err != nil {
			return err
		}
		cb := <-cbs
		if cb == nil {
			return nil
		}
		waitFor(t, "the handler to linger", h.c.lingering.Load)
		if got := callOnThread(t, cb.Ptr(), 4); got != 12 {
			t.Errorf("4 calls into a lingering handler actor = %d; want 12", got)
		}
		// RunOnThread is still served on its thread.
		var tid int
		if err := h.c.exec.Hooks().RunOnThread(timeout(t), func() { tid = gettid() }); err != nil || tid != h.ThreadID() {
			t.Errorf("RunOnThread on a lingering actor = %v on thread %d; want nil on %d", err, tid, h.ThreadID())
		}
		cb.Unref()
		if err := h.Join(timeout(t)); err != nil {
			t.Errorf("Join() = %v; want nil", err)
		}
		wantExceptional(t, cb, "after the handler ended")
		return nil
	})
}

// TestLifetime_RunWaitsForCallbacks: Run does not return while an actor
// holds a ref'ed callback; a C thread can still call it during shutdown.
func TestLifetime_RunWaitsForCallbacks(t *testing.T) {
	var calls atomic.Int64
	owners := make(chan *Ref, 1)
	cbs := make(chan *callback.Callback, 1)
	done := make(chan int, 1)
	go func() {
		cb := <-cbs
		owner := <-owners
		if cb == nil || owner == nil {
			done <- 0
			return
		}
		waitFor(t, "the actor to linger", owner.c.lingering.Load)
		r := callOnThread(t, cb.Ptr(), 50)
		cb.Unref()
		done <- r
	}()
	run(t, func(ctx *Context) error {
		a, err := ctx.Spawn(func(cx *Context) (any, error) {
			cbs <- newDoubler(t, &calls)
			<-cx.Done() // stays busy until Run's shutdown
			return nil, nil
		})
		owners <- a
		return err
	})
	if r := <-done; r != 2450 {
		t.Errorf("50 calls during Run's shutdown = %d; want 2450", r)
	}
	if n := calls.Load(); n != 50 {
		t.Errorf("handler ran %d times; want 50", n)
	}
}

// TestLifetime_ShutdownDeadlineForces: a callback that stays ref'ed does
// not hold Run forever: at the shutdown deadline the actor closes it, ends,
// and is reported.
func TestLifetime_ShutdownDeadlineForces(t *testing.T) {
	var calls atomic.Int64
	var cb *callback.Callback
	err := Run(func(ctx *Context) error {
		cbs := make(chan *callback.Callback, 1)
		_, err := ctx.Spawn(func(cx *Context) (any, error) {
			cbs <- newDoubler(t, &calls)
			return nil, nil
		}, WithName("forever"))
		cb = <-cbs
		return err
	}, WithShutdownTimeout(50*time.Millisecond))
	var se *ShutdownError
	if !errors.As(err, &se) || !errors.Is(err, ErrShutdownTimeout) {
		t.Fatalf("Run() = %v; want a *ShutdownError", err)
	}
	if len(se.Lingering) != 1 || se.Lingering[0] != "forever" || len(se.Stuck) != 1 {
		t.Errorf("ShutdownError = %+v; want Stuck and Lingering [forever]", se)
	}
	if cb == nil {
		return
	}
	if !cb.Closed() {
		t.Errorf("callback still open after the forced end")
	}
	wantExceptional(t, cb, "after the forced end")
}

// TestLifetime_MainLingers: the main actor's own ref'ed callback keeps Run
// going until it is unref'ed.
func TestLifetime_MainLingers(t *testing.T) {
	var calls atomic.Int64
	var mainCore *core
	got := make(chan int, 1)
	run(t, func(ctx *Context) error {
		mainCore = ctx.c
		cb := newDoubler(t, &calls)
		if cb == nil {
			got <- 0
			return nil
		}
		go func() {
			waitFor(t, "main to linger", mainCore.lingering.Load)
			r := callOnThread(t, cb.Ptr(), 7)
			cb.Unref()
			got <- r
		}()
		return nil
	})
	if r := <-got; r != 42 {
		t.Errorf("7 calls into the lingering main actor = %d; want 42", r)
	}
}

// TestHooks_FailDoesNotBlock: Fail returns while the actor is busy (it may
// be called by a foreign thread the actor waits for), and the actor gets
// the error.
func TestHooks_FailDoesNotBlock(t *testing.T) {
	boom := errors.New("boom from a foreign thread")
	run(t, func(ctx *Context) error {
		release := make(chan struct{})
		a, err := ctx.Spawn(func(cx *Context) (any, error) {
			<-release // busy: holds its token, does not receive
			return "ok", nil
		})
		if err != nil {
			return err
		}
		failed := make(chan struct{})
		go func() {
			a.c.exec.Hooks().Fail(boom) // must not wait for the actor
			close(failed)
		}()
		<-failed
		close(release)
		_, err = a.Value(timeout(t))
		if !errors.Is(err, boom) {
			t.Errorf("Value() = %v; want an error wrapping %v", err, boom)
		}

		hrelease := make(chan struct{})
		var failures atomic.Int64
		h, err := ctx.SpawnHandler(func() Handler {
			return HandlerFunc(func(hc *HandlerContext, msg any) {
				if msg == "block" {
					<-hrelease
				}
			})
		}, WithRestarts(0, time.Second))
		if err != nil {
			return err
		}
		_ = h.Send("block")
		hfailed := make(chan struct{})
		go func() {
			h.c.exec.Hooks().Fail(boom)
			failures.Add(1)
			close(hfailed)
		}()
		<-hfailed
		close(hrelease)
		err = h.Join(timeout(t))
		if !errors.Is(err, boom) {
			t.Errorf("handler Join() = %v; want an error wrapping %v", err, boom)
		}
		return nil
	})
}
