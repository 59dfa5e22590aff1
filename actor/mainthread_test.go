package actor

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

func init() {
	helpers["mainthread"] = helperMainThread
}

// helperMainThread runs on the test binary's main goroutine (TestMain calls
// it), like a program's main(): the main actor must get the main thread, and
// other actors must not.
func helperMainThread() int {
	pid := os.Getpid()
	err := Run(func(ctx *Context) error {
		r, _ := ctx.Spawn(func(cx *Context) (any, error) { return gettid(), nil })
		v, err := r.Value(ctx.Context())
		fmt.Printf("main on main thread: %v; child on main thread: %v\n", gettid() == pid && ctx.ThreadID() == pid, v == pid)
		return err
	})
	if err != nil {
		fmt.Println("Run() =", err)
		return 1
	}
	return 0
}

func TestRun_MainThreadFromMain(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("main-thread detection is Linux-only")
	}
	out, err := testlib.ProgramCmd("mainthread").CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	if want := "main on main thread: true; child on main thread: false"; !strings.Contains(string(out), want) {
		t.Errorf("helper output %q; want %q", out, want)
	}
	// From a test goroutine, Run still works and the main actor gets a
	// thread of its own, not the process's main thread.
	run(t, func(ctx *Context) error {
		if ctx.ThreadID() == os.Getpid() {
			t.Errorf("main actor started from a test goroutine runs on the process's main thread")
		}
		return nil
	})
}
