package callback

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
)

const subprocEnv = "GORACTOR_CALLBACK_SUBPROC"

// TestPanics covers D1 (a panic in a synchronous callback) and D2 (in a
// foreign-thread callback): C gets the exceptional value and finishes, the
// owner's Fail hook gets a panic error, the process survives.
func TestPanics(t *testing.T) {
	f := loadFixture(t)
	var sink testlib.Log[error] // errors delivered through Hooks.Fail
	a := newActor("P", execctx.Hooks{Fail: sink.Add})
	defer a.stop()
	var sc, tc *Callback
	boom := errors.New("boom")
	a.do(func() {
		h := func(i uintptr) uintptr {
			if i%2 == 1 {
				panic(boom)
			}
			return 10
		}
		sc = mustNew(t, h, Exceptional(uintptr(1)))
		tc = mustNew(t, h, ThreadSafe(), Exceptional(uintptr(1)))
	})
	defer mustClose(t, sc)
	defer mustClose(t, tc)
	before := ReadStats()
	var r1, r2 uintptr
	a.do(func() {
		r1 = a.native(f.fn(t, "call_cb_n"), sc.Ptr(), 10)
		r2 = a.native(f.fn(t, "call_cb_n_thread"), tc.Ptr(), 10)
	})
	if r1 != 55 || r2 != 55 { // 5 × 10 + 5 × 1
		t.Errorf("sums %d, %d; want 55 and 55", r1, r2)
	}
	if d := ReadStats().ExPanic - before.ExPanic; d != 10 {
		t.Errorf("ExPanic grew by %d; want 10", d)
	}
	wantPanicErrs(t, sink.All(), 10, "P", boom)
}

// wantPanicErrs checks that a Fail hook got n errors, each a panic error of
// actor owner wrapping cause, with a stack.
func wantPanicErrs(t *testing.T, errs []error, n int, owner string, cause error) {
	t.Helper()
	if len(errs) != n {
		t.Fatalf("Fail got %d errors; want %d", len(errs), n)
	}
	for _, err := range errs {
		var pe *panicErr
		if !errors.As(err, &pe) || !errors.Is(err, cause) || pe.owner != owner || len(pe.stack) == 0 {
			t.Fatalf("Fail got %v; want a panic error of actor %s wrapping %v with a stack", err, owner, cause)
		}
	}
}

// TestPanicForeignThreadSubprocess runs unowned and owned callbacks that
// panic on foreign threads in a fresh process (a purego callback that panics
// there kills the process): it must exit 0.
func TestPanicForeignThreadSubprocess(t *testing.T) { runSubproc(t, "panic") }

func subprocMain() {
	switch os.Getenv(subprocEnv) {
	case "goexit":
		goexitSubproc()
		return
	case "goexit-inline":
		goexitInlineSubproc()
		return
	}
	sym := subprocSyms()
	var fails atomic.Int32
	e := execctx.New("sub", false, execctx.Hooks{Fail: func(error) { fails.Add(1) }})
	un, _ := New(func(i uintptr) uintptr { panic("boom on a foreign thread") }, Owner(nil), Exceptional(uintptr(3)))
	ow, _ := New(func(i uintptr) uintptr { panic("boom in the owner") }, Owner(e), ThreadSafe(), Exceptional(uintptr(4)))
	r1, _, _ := purego.SyscallN(sym("call_cb_n_thread"), un.Ptr(), 5)
	r2, _, _ := purego.SyscallN(sym("call_cb_n_thread"), ow.Ptr(), 5)
	if r1 != 15 || r2 != 20 || fails.Load() != 5 {
		fmt.Println("subproc bad", r1, r2, fails.Load())
		os.Exit(4)
	}
	fmt.Println("subproc ok")
	os.Exit(0)
}
