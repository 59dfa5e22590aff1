package callback

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ebitengine/purego"
	"go.uber.org/goleak"

	"github.com/goractor/goractor/internal/dl"
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
)

// The tests record what this package hands Errors' constructors (ffi
// installs its public types there; ffi's callback tests check those).
type panicErr struct {
	cb, owner string
	value     any
	stack     []byte
}

func (e *panicErr) Error() string { return fmt.Sprintf("callback: %s panicked: %v", e.cb, e.value) }
func (e *panicErr) Unwrap() error { err, _ := e.value.(error); return err }

type goexitErr struct {
	cb, owner string
	stack     []byte
}

func (e *goexitErr) Error() string { return "callback: " + e.cb + " called runtime.Goexit" }
func (e *goexitErr) Unwrap() error { return ErrGoexit }

type sigErr struct {
	param int
	why   string
}

func (e *sigErr) Error() string { return "callback: " + e.why }
func (e *sigErr) Unwrap() error { return ErrUnsupported }

func init() {
	Errors.Panic = func(cb, owner string, v any, stack []byte) error {
		return &panicErr{cb: cb, owner: owner, value: v, stack: stack}
	}
	Errors.Goexit = func(cb, owner string, stack []byte) error {
		return &goexitErr{cb: cb, owner: owner, stack: stack}
	}
	Errors.Signature = func(_ reflect.Type, param int, _ reflect.Type, why string) error {
		return &sigErr{param: param, why: why}
	}
}

func TestMain(m *testing.M) {
	if os.Getenv(subprocEnv) != "" {
		subprocMain()
		return
	}
	goleak.VerifyTestMain(m)
}

// fixture is the C test library, built once per test binary.
type fixture struct {
	lib uintptr
	sym map[string]uintptr
}

var (
	fixOnce sync.Once
	fix     *fixture
)

func loadFixture(tb testing.TB) *fixture {
	tb.Helper()
	if fix != nil {
		return fix
	}
	path := testlib.SharedLib(tb, []string{"testdata/cbfix.c"})
	fixOnce.Do(func() {
		lib, err := dl.Open(path)
		if err != nil {
			tb.Fatalf("dlopen %s: %v", path, err)
		}
		fix = &fixture{lib: lib, sym: map[string]uintptr{}}
	})
	if fix == nil {
		tb.Fatal("fixture did not load")
	}
	return fix
}

func (f *fixture) fn(tb testing.TB, name string) uintptr {
	tb.Helper()
	if p, ok := f.sym[name]; ok {
		return p
	}
	p, err := dl.Sym(f.lib, name)
	if err != nil {
		tb.Fatalf("dlsym %s: %v", name, err)
	}
	f.sym[name] = p
	return p
}

// call calls a fixture function from the current goroutine (no actor).
func (f *fixture) call(tb testing.TB, name string, args ...uintptr) uintptr {
	tb.Helper()
	r, _, _ := purego.SyscallN(f.fn(tb, name), args...)
	return r
}

// fakeActor simulates what package actor does: one goroutine locked to its OS
// thread, bound to an Exec, holding the execution token while it runs a
// message, and lending it around native calls exactly as package ffi does.
type fakeActor struct {
	e     *execctx.Exec
	inbox chan func()
	done  chan struct{}
}

func newActor(name string, hooks execctx.Hooks) *fakeActor {
	a := &fakeActor{e: execctx.New(name, false, hooks), inbox: make(chan func()), done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		defer close(a.done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		unbind := execctx.Bind(a.e)
		defer unbind()
		close(ready)
		for f := range a.inbox {
			a.e.Enter()
			f()
			a.e.Leave()
		}
	}()
	<-ready
	return a
}

// do runs f as one message of the actor and waits for it.
func (a *fakeActor) do(f func()) {
	fin := make(chan struct{})
	a.inbox <- func() { defer close(fin); f() }
	<-fin
}

// post sends f as a message without waiting.
func (a *fakeActor) post(f func()) { a.inbox <- f }

func (a *fakeActor) stop() {
	close(a.inbox)
	<-a.done
}

// native makes a native call from the actor's goroutine the way package ffi
// does: lend the token when a thread-safe callback may need it.
func (a *fakeActor) native(fn uintptr, args ...uintptr) uintptr {
	if a.e.NeedsLend() {
		a.e.Lend()
		defer a.e.Reclaim()
	}
	r, _, _ := purego.SyscallN(fn, args...)
	return r
}

func mustNew(tb testing.TB, fn any, opts ...Option) *Callback {
	tb.Helper()
	c, err := New(fn, opts...)
	if err != nil {
		tb.Fatalf("New(%T) = %v", fn, err)
	}
	return c
}

func mustClose(tb testing.TB, c *Callback) {
	tb.Helper()
	if err := c.Close(); err != nil {
		tb.Fatalf("Close() = %v", err)
	}
}

// runSubproc runs this test binary in a fresh process in subprocess mode
// mode (subprocMain) with the C fixture built, and fails t unless the
// process exits 0 saying "subproc ok".
func runSubproc(t *testing.T, mode string) {
	t.Helper()
	lib := testlib.SharedLib(t, []string{"testdata/cbfix.c"})
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), subprocEnv+"="+mode, "GORACTOR_CALLBACK_LIB="+lib, "GOTRACEBACK=all")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "subproc ok") {
		t.Fatalf("subprocess: %v\n%s", err, out)
	}
}

// subprocSyms opens the fixture a subprocess was given and returns its
// symbol lookup; it exits the process (code 3) when the library does not
// open.
func subprocSyms() func(string) uintptr {
	lib, err := dl.Open(os.Getenv("GORACTOR_CALLBACK_LIB"))
	if err != nil {
		fmt.Println(err)
		os.Exit(3)
	}
	return func(n string) uintptr { p, _ := dl.Sym(lib, n); return p }
}
