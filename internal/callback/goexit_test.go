package callback

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/internal/execctx"
)

// TestGoexitLayoutChecked: the layouts the Goexit escape reads were
// checked and found as expected on this runtime (amd64 and arm64 must
// contain a Goexit; elsewhere the runtime's behaviour stays, see goexit.go).
func TestGoexitLayoutChecked(t *testing.T) {
	ok := escapeReady()
	if (runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64") && !ok {
		t.Fatal("the Goexit escape's layout check failed on this runtime: a Goexit in a handler is not contained")
	}
	if !ok {
		return
	}
	// A panic, a nested panic and a Goexit, outside any callback.
	if r := contain(func() { panic("p") }, escapeGoexit); r != "p" {
		t.Errorf("a panic came back as %v", r)
	}
	if _, ok := contain(runtime.Goexit, escapeGoexit).(goexitEscape); !ok {
		t.Error("a Goexit did not come back as a goexitEscape")
	}
	if r := contain(func() {}, escapeGoexit); r != nil {
		t.Errorf("a normal return came back as %v", r)
	}
	if curPanic() != nil {
		t.Error("a panic record is left on the goroutine")
	}
}

// TestGoexitSubprocess: a handler that calls runtime.Goexit (what t.Fatal
// calls) is treated like a panic, synchronous or on a C thread, owned or
// not: its deferred calls run, C gets the exceptional value and goes on
// (the sums count every call), the owner's Fail hook gets a Goexit error,
// ExGoexit counts each. It runs in a fresh process: before the escape the
// foreign-thread case killed the process ("runtime.Goexit called in a
// thread that was not created by the Go runtime") and the synchronous one
// ended the owner's goroutine under C.
func TestGoexitSubprocess(t *testing.T) { runSubproc(t, "goexit") }

// goexitSubproc is the body of TestGoexitSubprocess.
func goexitSubproc() {
	sym := subprocSyms()
	var fails, bad, deferred atomic.Int32
	hooks := execctx.Hooks{Fail: func(err error) {
		fails.Add(1)
		var ge *goexitErr
		if !errors.As(err, &ge) || !errors.Is(err, ErrGoexit) || ge.owner != "G" || ge.cb != "quits" || !strings.Contains(string(ge.stack), "runtime.Goexit") {
			fmt.Println("unexpected failure report:", err)
			bad.Add(1)
		}
	}}
	a := newActor("G", hooks)
	h := func(i uintptr) uintptr {
		defer deferred.Add(1)
		if i%2 == 1 {
			runtime.Goexit()
		}
		return 10
	}
	before := ReadStats()
	var sync, foreign *Callback
	a.do(func() {
		sync, _ = New(h, Exceptional(uintptr(1)), Name("quits"))
		foreign, _ = New(h, ThreadSafe(), Exceptional(uintptr(1)), Name("quits"))
	})
	un, _ := New(h, Owner(nil), Exceptional(uintptr(2)))
	var r1, r2 uintptr
	a.do(func() {
		r1 = a.native(sym("call_cb_n"), sync.Ptr(), 10)
		r2 = a.native(sym("call_cb_n_thread"), foreign.Ptr(), 10)
	})
	r3, _, _ := purego.SyscallN(sym("call_cb_n_thread"), un.Ptr(), 10)
	r4, _, _ := purego.SyscallN(sym("call_cb_n"), un.Ptr(), 10)
	for _, c := range []*Callback{sync, foreign, un} {
		_ = c.Close()
	}
	a.stop()
	s := ReadStats()
	// 5 × 10 + 5 × the exceptional value: every call returned to C.
	if r1 != 55 || r2 != 55 || r3 != 60 || r4 != 60 || fails.Load() != 10 || bad.Load() != 0 || deferred.Load() != 40 || s.ExGoexit-before.ExGoexit != 20 {
		fmt.Println("subproc bad", r1, r2, r3, r4, fails.Load(), bad.Load(), deferred.Load(), s.ExGoexit-before.ExGoexit)
		os.Exit(4)
	}
	fmt.Println("subproc ok")
	os.Exit(0)
}
