package libc_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/extension/libc"
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety"
)

func TestDeclaration(t *testing.T) {
	d, err := extension.Lookup(libc.Name)
	if err != nil {
		t.Fatal(err)
	}
	for sym, want := range map[string]extension.Safety{
		"strlen": extension.ParallelSafe, "strtok": extension.NotParallelSafe, "strtok_r": extension.ParallelSafe,
		"l64a": extension.NotParallelSafe, "localtime": extension.NotParallelSafe, "localtime_r": extension.ParallelSafe,
		"rand": extension.NotParallelSafe, "rand_r": extension.ParallelSafe,
	} {
		if got := d.SafetyOf(sym); got != want {
			t.Errorf("SafetyOf(%q) = %v; want %v", sym, got, want)
		}
	}
}

func TestUnsafeOffMain(t *testing.T) {
	l, err := libc.Open()
	testlib.SkipIfLibraryMissing(t, "libc", err)
	defer l.Close()
	if n := l.Strlen("hello"); n != 5 {
		t.Errorf("strlen = %d", n)
	}
	seed := uint32(1)
	a := l.RandR(&seed)
	seed = 1
	if b := l.RandR(&seed); a != b {
		t.Errorf("rand_r with the same seed: %d then %d", a, b)
	}
	done := make(chan error)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		unbind := execctx.Bind(execctx.New("worker-3", false, execctx.Hooks{}))
		defer unbind()
		_, err := l.L64a(64)
		done <- err
	}()
	err = <-done
	var ue *safety.UnsafeError
	if !errors.As(err, &ue) || !errors.Is(err, safety.ErrNotParallelSafe) {
		t.Fatalf("l64a from a worker = %v; want UnsafeError", err)
	}
	if got, want := ue.Error(), `safety: call "libc.l64a" from actor "worker-3": not parallel-safe, only the main actor may call it`; got != want {
		t.Errorf("error = %q; want %q", got, want)
	}
}
