package ffi_test

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/gatehook"
	"github.com/goractor/goractor/safety"
)

var errRefused = errors.New("refused by test gate")

// testGate refuses callers that are not the main actor, unless forward is
// set, in which case it runs the call on its own locked "main" goroutine.
type testGate struct {
	mu      sync.Mutex
	seen    []*execctx.Exec
	forward chan func()
}

func (g *testGate) Call(f *ffi.Func, caller ffi.Caller, call func()) error {
	g.mu.Lock()
	g.seen = append(g.seen, gatehook.CallerExec(caller))
	g.mu.Unlock()
	if caller.IsMain() {
		call()
		return nil
	}
	if g.forward != nil {
		done := make(chan struct{})
		g.forward <- func() { call(); close(done) }
		<-done
		return nil
	}
	return errRefused
}

// onActor runs fn on a locked goroutine bound to e (holding its token).
func onActor(e *execctx.Exec, fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		unbind := execctx.Bind(e)
		defer unbind()
		e.Enter()
		defer e.Leave()
		fn()
	}()
	<-done
}

func TestGate(t *testing.T) {
	l := fixture(t)
	g := &testGate{}
	add, err := bind[func(int32, int32) (int32, error)](l, "add", ffi.WithGate(g))
	if err != nil {
		t.Fatal(err)
	}
	var bound func(int32, int32) (int32, error)
	l.MustBind(&bound, "add", ffi.WithGate(g))
	dyn, _ := l.Func("add", ffi.MustSignature("func(int32, int32) int32"), ffi.WithGate(g))

	main := execctx.New("main", true, execctx.Hooks{})
	worker := execctx.New("worker", false, execctx.Hooks{})
	onActor(main, func() {
		if r, err := add(1, 2); err != nil || r != 3 {
			t.Errorf("main: add = %v, %v", r, err)
		}
		if r, err := dyn.Call(1, 2); err != nil || r != int32(3) {
			t.Errorf("main: dyn = %v, %v", r, err)
		}
	})
	onActor(worker, func() {
		if _, err := add(1, 2); !errors.Is(err, errRefused) {
			t.Errorf("worker: typed add = %v, want the gate's refusal", err)
		}
		if _, err := bound(1, 2); !errors.Is(err, errRefused) {
			t.Errorf("worker: bound add = %v, want the gate's refusal", err)
		}
		var ce *ffi.CallError
		if _, err := dyn.Call(1, 2); !errors.As(err, &ce) || ce.Function != "add" || !errors.Is(err, errRefused) {
			t.Errorf("worker: dyn add = %v, want a *CallError wrapping the refusal", err)
		}
	})
	if _, err := add(1, 2); !errors.Is(err, errRefused) { // no actor: caller nil
		t.Errorf("outside actors: %v", err)
	}
	g.mu.Lock()
	if len(g.seen) != 6 || g.seen[0] != main || g.seen[2] != worker || g.seen[5] != nil {
		t.Errorf("gate saw callers %v", g.seen)
	}
	g.mu.Unlock()

	// Forwarding: the gate runs the call on another thread.
	g.forward = make(chan func())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for {
			select {
			case f := <-g.forward:
				f()
			case <-stop:
				return
			}
		}
	}()
	tid, _ := bind[func() (int64, error)](l, "tid", ffi.WithGate(g))
	ownTid, _ := bind[func() (int64, error)](l, "tid")
	onActor(worker, func() {
		r, err := add(20, 22)
		if err != nil || r != 42 {
			t.Errorf("forwarded add = %v, %v", r, err)
		}
		there, err := tid()
		here, _ := ownTid()
		if err != nil || there == here {
			t.Errorf("forwarded call ran on the caller's thread (%x == %x, %v)", there, here, err)
		}
	})
	close(stop)
	wg.Wait()
}

// TestTokenLending checks that a native call made by an actor that owns a
// foreign-thread callback lends its token for the call, so the callback,
// running on a C thread, can take it; and that the actor has it back after.
func TestTokenLending(t *testing.T) {
	l := fixture(t)
	e := execctx.New("lender", false, execctx.Hooks{})
	var tookToken atomic.Int32
	cb := purego.NewCallback(func(i int32) int32 {
		if e.TryAcquire() {
			tookToken.Add(1)
			e.Release()
		}
		return i
	})
	callThread, err := bind[func(unsafe.Pointer, int32) (int64, error)](l, "call_cb_n_thread")
	if err != nil {
		t.Fatal(err)
	}
	cbp := *(*unsafe.Pointer)(unsafe.Pointer(&cb))
	onActor(e, func() {
		// Without RetainLend the token stays with the actor during the call.
		if s, err := callThread(cbp, 4); err != nil || s != 6 {
			t.Errorf("call_cb_n_thread = %v, %v", s, err)
		}
		if got := tookToken.Load(); got != 0 {
			t.Errorf("callback took the token %d times while the actor held it", got)
		}
		e.RetainLend()
		defer e.ReleaseLend()
		if s, err := callThread(cbp, 4); err != nil || s != 6 {
			t.Errorf("call_cb_n_thread = %v, %v", s, err)
		}
		if got := tookToken.Load(); got != 4 {
			t.Errorf("callback took the lent token %d times, want 4", got)
		}
		if e.TryAcquire() {
			t.Error("the actor did not reclaim its token after the call")
			e.Release()
		}
	})
}

// refuseGate refuses every call with a *safety.UnsafeError, as the extension
// gate does for a worker calling a function that is not parallel-safe.
type refuseGate struct{}

func (refuseGate) Call(f *ffi.Func, caller ffi.Caller, _ func()) error {
	return &safety.UnsafeError{Op: "call", Extension: "libfoo", Function: f.Name(), Actor: caller.Name(),
		Err: safety.ErrNotParallelSafe}
}

// TestGate_RefusalText checks that a refused call reads exactly like the
// gate's error (no "ffi: call ..." prefix repeating the context) on every
// path, and that errors.As and errors.Is still see both layers.
func TestGate_RefusalText(t *testing.T) {
	l := fixture(t)
	typed, err := bind[func(int32) (string, error)](l, "fmt_num", ffi.WithGate(refuseGate{}))
	if err != nil {
		t.Fatal(err)
	}
	var bound func(int32) (string, error)
	l.MustBind(&bound, "fmt_num", ffi.WithGate(refuseGate{}))
	var boundNoErr func(int32, float64, int32, float32) float64 // reflective path, panics
	l.MustBind(&boundNoErr, "mixed", ffi.WithGate(refuseGate{}))
	dyn := mustFunc(t, l, "fmt_num", "func(int32) string")
	dyn, err = ffi.FuncAt(l, dyn.Ptr(), dyn.Signature(), ffi.WithGate(refuseGate{}))
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]func() error{
		"typed": func() error { _, err := typed(1); return err },
		"bind":  func() error { _, err := bound(1); return err },
		"call":  func() error { _, err := dyn.Call(1); return err },
		"panic": func() (err error) {
			defer func() { err, _ = recover().(error) }()
			boundNoErr(1, 2, 3, 4)
			return nil
		},
	}
	for name, call := range paths {
		var err error
		onActor(execctx.New("worker-3", false, execctx.Hooks{}), func() { err = call() })
		fn := "fmt_num"
		if name == "panic" {
			fn = "mixed"
		} else if name == "call" {
			fn = dyn.Name()
		}
		want := `safety: call "libfoo.` + fn + `" from actor "worker-3": not parallel-safe, only the main actor may call it`
		if err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %q", name, err, want)
		}
		var ue *safety.UnsafeError
		var ce *ffi.CallError
		if !errors.As(err, &ue) || ue.Actor != "worker-3" || !errors.As(err, &ce) || !ce.Refused ||
			!errors.Is(err, safety.ErrNotParallelSafe) {
			t.Errorf("%s: %#v does not unwrap to *safety.UnsafeError and *ffi.CallError{Refused: true}", name, err)
		}
	}
	// Other call errors keep their context.
	ce := &ffi.CallError{Library: "libc.so.6", Function: "close", Err: syscall.EBADF}
	if got, want := ce.Error(), `ffi: call "libc.so.6" "close": bad file descriptor`; got != want {
		t.Errorf("CallError text %q, want %q", got, want)
	}
}

// admitGate is an ffi.Admitter: it admits while admit is set (reporting a
// lock when locked is set) and counts Admit, Release and Call.
type admitGate struct {
	admit, locked           bool
	admits, releases, calls atomic.Int32
}

func (g *admitGate) Admit() (bool, bool) { g.admits.Add(1); return g.admit, g.admit && g.locked }
func (g *admitGate) Release()            { g.releases.Add(1) }
func (g *admitGate) Call(_ *ffi.Func, _ ffi.Caller, call func()) error {
	g.calls.Add(1)
	call()
	return nil
}

// TestGate_Admitter checks the first phase: a typed call (scalar or string,
// Bind's listed shapes) that the gate admits runs without Call, Release follows every
// locked admission, and a call not admitted goes through Call with the same
// result.
func TestGate_Admitter(t *testing.T) {
	l := fixture(t)
	for _, tc := range []struct {
		name                   string
		admit, locked          bool
		wantCalls, wantRelease int32
	}{
		{"admitted", true, false, 0, 0},
		{"admitted-locked", true, true, 0, 1},
		{"handed-off", false, false, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &admitGate{admit: tc.admit, locked: tc.locked}
			add, err := bind[func(int32, int32) (int32, error)](l, "add", ffi.WithGate(g))
			if err != nil {
				t.Fatal(err)
			}
			var bstrlen func(string) uint64
			if err := l.Bind(&bstrlen, "my_strlen", ffi.WithGate(g)); err != nil {
				t.Fatal(err)
			}
			if r, err := add(2, 3); err != nil || r != 5 {
				t.Fatalf("add(2, 3) = %v, %v", r, err)
			}
			if n := bstrlen("four"); n != 4 {
				t.Fatalf("my_strlen(four) = %d", n)
			}
			wantAdmits, wantCalls, wantRelease := int32(2), 2*tc.wantCalls, 2*tc.wantRelease
			if !ffi.FastArch {
				// Without the register trampoline typed calls go through
				// purego, and every gated call through Call.
				wantAdmits, wantCalls, wantRelease = 0, 2, 0
			}
			if a, c, r := g.admits.Load(), g.calls.Load(), g.releases.Load(); a != wantAdmits || c != wantCalls || r != wantRelease {
				t.Errorf("Admit %d, Call %d, Release %d times; want %d, %d, %d", a, c, r, wantAdmits, wantCalls, wantRelease)
			}
		})
	}
}
