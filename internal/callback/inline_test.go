package callback

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
)

// The synchronous call of an actor that lends no token (it owns no
// thread-safe callback) is the hot path: on amd64 asmDispatch runs it with
// its own copy of run's deferred functions and of nested's steps. These
// tests exercise that path; the other tests' actors mostly own a
// thread-safe callback too, so their synchronous calls take the lent path.

// TestInlineFailures: panics in the inline path return the exceptional
// value, are counted and reported, and leave the nesting depth as it was
// (more panics than MaxDepth, then a normal call that runs); both forms
// reach the handler, and a stale Handle gets the exceptional value.
func TestInlineFailures(t *testing.T) {
	f := loadFixture(t)
	var sink testlib.Log[error]
	a := newActor("I", execctx.Hooks{Fail: sink.Add})
	defer a.stop()
	boom := errors.New("boom")
	var pc, hc *Callback
	a.do(func() {
		pc = mustNew(t, func(i uintptr) uintptr {
			if i%2 == 1 {
				panic(boom)
			}
			return 10
		}, Exceptional(uintptr(1)))
		hc = mustNew(t, func(ud, x uintptr) uintptr { return 2 * x }, UserData(0), Exceptional(uintptr(7)))
	})
	defer mustClose(t, pc)
	if a.e.NeedsLend() {
		t.Fatal("the actor lends its token: its synchronous calls would not take the inline path")
	}
	const n = 4 * MaxDepth // half of them panic: twice MaxDepth
	before := ReadStats()
	var sum, ud, stale uintptr
	a.do(func() {
		sum = a.native(f.fn(t, "call_cb_n"), pc.Ptr(), n)
		ud = a.native(f.fn(t, "call_cb_ud"), hc.Ptr(), uintptr(hc.Handle()), 21)
	})
	h := hc.Handle()
	mustClose(t, hc)
	a.do(func() { stale = a.native(f.fn(t, "call_cb_ud"), hc.Ptr(), uintptr(h), 21) })
	s := ReadStats()
	if want := uintptr(n/2*10 + n/2*1); sum != want {
		t.Errorf("call_cb_n sum = %d; want %d", sum, want)
	}
	if ud != 42 || stale != 7 {
		t.Errorf("handle form: live call = %d (want 42), stale call = %d (want 7)", ud, stale)
	}
	if d := s.ExPanic - before.ExPanic; d != n/2 {
		t.Errorf("ExPanic grew by %d; want %d", d, n/2)
	}
	if d := s.ExDepth - before.ExDepth; d != 0 {
		t.Errorf("ExDepth grew by %d; want 0 (a contained panic left the depth raised)", d)
	}
	if d := s.ExStale - before.ExStale; d != 1 {
		t.Errorf("ExStale grew by %d; want 1", d)
	}
	if d := s.Inline - before.Inline; d != n/2+1 {
		t.Errorf("Inline grew by %d; want %d", d, n/2+1)
	}
	if d := s.Fired - before.Fired; d != n+2 {
		t.Errorf("Fired grew by %d; want %d", d, n+2)
	}
	wantPanicErrs(t, sink.All(), n/2, "I", boom)
}

// TestInlineGoexitSubprocess: runtime.Goexit in a handler on the inline
// path returns the exceptional value to C, runs the handler's deferred
// calls, is counted and reported, and leaves the depth as it was. In a
// fresh process: a Goexit that escaped would end it.
func TestInlineGoexitSubprocess(t *testing.T) { runSubproc(t, "goexit-inline") }

// goexitInlineSubproc is the body of TestInlineGoexitSubprocess.
func goexitInlineSubproc() {
	call := subprocSyms()("call_cb_n")
	var fails, bad, deferred atomic.Int32
	a := newActor("G", execctx.Hooks{Fail: func(err error) {
		fails.Add(1)
		if !errors.Is(err, ErrGoexit) {
			fmt.Println("unexpected failure report:", err)
			bad.Add(1)
		}
	}})
	var c *Callback
	a.do(func() {
		c, _ = New(func(i uintptr) uintptr {
			defer deferred.Add(1)
			if i%2 == 1 {
				runtime.Goexit()
			}
			return 10
		}, Exceptional(uintptr(1)))
	})
	const n = 4 * MaxDepth
	before := ReadStats()
	var r uintptr
	lends := false
	a.do(func() { lends = a.e.NeedsLend(); r = a.native(call, c.Ptr(), n) })
	_ = c.Close()
	a.stop()
	s := ReadStats()
	if lends || r != n/2*10+n/2 || fails.Load() != n/2 || bad.Load() != 0 || deferred.Load() != n ||
		s.ExGoexit-before.ExGoexit != n/2 || s.ExDepth != before.ExDepth {
		fmt.Println("subproc bad", lends, r, fails.Load(), bad.Load(), deferred.Load(), s.ExGoexit-before.ExGoexit, s.ExDepth-before.ExDepth)
		os.Exit(4)
	}
	fmt.Println("subproc ok")
	os.Exit(0)
}

// TestCalleeSavedRegisters: C's callee-saved registers hold their values
// across a callback (tramp1 leaves saving them to crosscall2), for the
// inline path, a lent token and an unowned callback; the handler's Go code
// uses those registers.
func TestCalleeSavedRegisters(t *testing.T) {
	f := loadFixture(t)
	a := newActor("R", execctx.Hooks{})
	defer a.stop()
	h := func(x uintptr) uintptr {
		s := fmt.Sprint(x) // enough Go code to use every register
		return uintptr(len(s)) + x
	}
	var sc, tc *Callback
	a.do(func() { sc = mustNew(t, h) })
	un := mustNew(t, h, Owner(nil))
	defer mustClose(t, un)
	call := f.fn(t, "call_cb_keeps_regs")
	check := func(what string, c *Callback) {
		t.Helper()
		var r uintptr
		a.do(func() { r = a.native(call, c.Ptr(), 12345) })
		if r != 12350 {
			t.Errorf("%s: call_cb_keeps_regs = %d; want 12350 (-1: a callee-saved register changed)", what, int64(r))
		}
	}
	check("inline", sc)
	check("unowned", un)
	a.do(func() { tc = mustNew(t, h, ThreadSafe()) }) // from now on native calls lend the token
	check("lent token", sc)
	mustClose(t, sc)
	mustClose(t, tc)
}
