package extension_test

// Calls through an extension made by callbacks that run inside an actor on
// threads C created, and by actors that own such callbacks (issue 11, items
// 1 and 2). Each runs in a child process: before the fixes they killed the
// process or hung it.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety"
)

// childTimeout bounds a child process; a hang becomes a failure.
const childTimeout = 90 * time.Second

// inChild runs body in a child process (the test binary re-run for t alone)
// and fails t unless the child's test passed.
func inChild(t *testing.T, body func(t *testing.T)) {
	t.Helper()
	if testlib.InChild(t) {
		body(t)
		return
	}
	out, err := testlib.RunSelf(t, childTimeout)
	if err != nil || !strings.Contains(out, "--- PASS: "+t.Name()) {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// reFuncs are testdata/reenter.c's functions bound through one extension.
type reFuncs struct {
	onThread func(cb uintptr, x int64) (int64, error)
	inline   func(cb uintptr, x int64) (int64, error)
	id       func(x int64) (int64, error)
}

func loadReenter(t *testing.T, d extension.Declaration) *reFuncs {
	t.Helper()
	f, x, err := openReenter(testlib.SharedLib(t, []string{"testdata/reenter.c"}, "-pthread"), d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return f
}

// openReenter loads testdata/reenter.c, built at path, as an extension
// declared d, and binds its functions.
func openReenter(path string, d extension.Declaration) (*reFuncs, *extension.Extension, error) {
	d.Libraries = []string{path}
	r := extension.NewRegistry()
	r.MustRegister(d)
	x, err := extension.Load(d.Name, extension.WithRegistry(r))
	if err != nil {
		return nil, nil, err
	}
	var f reFuncs
	x.MustBind(&f.onThread, "re_on_thread")
	x.MustBind(&f.inline, "re_inline")
	x.MustBind(&f.id, "re_id")
	return &f, x, nil
}

// Item 1: an actor that owns a live thread-safe callback (never called)
// calls a function forwarded to the main actor. The token was released twice
// (by the gate's lending and by the wait for the main actor): "execctx: token
// released while free" killed the process.
func TestOnMainFromWorkerOwningThreadSafeCallback(t *testing.T) {
	for _, aff := range []extension.Affinity{extension.AnyThread, extension.MainThread} {
		t.Run(aff.String(), func(t *testing.T) {
			inChild(t, func(t *testing.T) {
				f := loadReenter(t, onMainDecl(aff))
				if err := actor.Run(onMainFromThreadSafeOwner(f)); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

func onMainDecl(aff extension.Affinity) extension.Declaration {
	return extension.Declaration{Name: "onmain1", Safety: extension.NotParallelSafe, Policy: extension.OnMain, Affinity: aff}
}

// onMainFromThreadSafeOwner is the main actor of item 1: a worker owning a
// live thread-safe callback calls f.id, forwarded to the main actor, 50
// times.
func onMainFromThreadSafeOwner(f *reFuncs) func(main *actor.Context) error {
	return func(main *actor.Context) error {
		w, err := main.Spawn(func(cx *actor.Context) (any, error) {
			cb, err := ffi.NewCallback(func(x int64) int64 { return x }, ffi.ThreadSafe())
			if err != nil {
				return nil, err
			}
			defer cb.Close()
			var sum int64
			for i := range int64(50) {
				v, err := f.id(i)
				if err != nil {
					return nil, err
				}
				sum += v
			}
			return sum, nil
		})
		if err != nil {
			return err
		}
		v, err := w.Value(context.Background())
		if err != nil {
			return err
		}
		if v != int64(50*49/2) {
			return fmt.Errorf("sum = %v; want %d", v, 50*49/2)
		}
		return nil
	}
}

// reentry is one case of item 2: who makes the outer call, and what the
// inner call, made by the callback on the C-created thread, must return.
type reentry struct {
	name   string
	decl   extension.Declaration
	worker bool  // the outer call is made by a worker (else by the main actor)
	want   error // nil: the inner call runs; else it fails wrapping this
}

// Item 2: a callback arriving on a pthread C created, inside the actor whose
// call created it, calls back into the same extension. It used to block
// forever (no identity on that thread, so no re-entry check fired).
func TestReentryFromForeignThread(t *testing.T) {
	cases := []reentry{
		{name: "serialize-worker", decl: extension.Declaration{Safety: extension.NotParallelSafe, Policy: extension.Serialize}, worker: true},
		{name: "serialize-main", decl: extension.Declaration{Safety: extension.NotParallelSafe, Policy: extension.Serialize}},
		{name: "onmain-main", decl: extension.Declaration{Safety: extension.NotParallelSafe, Policy: extension.OnMain}},
		{name: "onmain-worker", decl: extension.Declaration{Safety: extension.NotParallelSafe, Policy: extension.OnMain}, worker: true, want: safety.ErrWouldDeadlock},
		{name: "mainthread-main", decl: extension.Declaration{Safety: extension.ParallelSafe, Affinity: extension.MainThread, Policy: extension.OnMain}, want: safety.ErrWouldDeadlock},
		{name: "dedicated-worker", decl: extension.Declaration{Safety: extension.ParallelSafe, Affinity: extension.DedicatedThread}, worker: true, want: safety.ErrWouldDeadlock},
		{name: "dedicated-main", decl: extension.Declaration{Safety: extension.ParallelSafe, Affinity: extension.DedicatedThread}, want: safety.ErrWouldDeadlock},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inChild(t, func(t *testing.T) { runReentry(t, tc) })
		})
	}
}

func runReentry(t *testing.T, tc reentry) {
	tc.decl.Name = "re-" + tc.name
	f := loadReenter(t, tc.decl)
	outer := func() (any, error) {
		var innerErr error
		cb, err := ffi.NewCallback(func(x int64) int64 {
			v, err := f.id(x + 1)
			if err != nil {
				innerErr = err
				return -1
			}
			return v
		}, ffi.ThreadSafe(), ffi.Exceptional(int64(-3)))
		if err != nil {
			return nil, err
		}
		defer cb.Close()
		got, err := f.onThread(cb.Ptr(), 41)
		if err != nil {
			return nil, fmt.Errorf("outer call: %w", err)
		}
		switch {
		case tc.want == nil && (got != 42 || innerErr != nil):
			return nil, fmt.Errorf("re-entry = %d, %v; want 42, nil", got, innerErr)
		case tc.want != nil && (got != -1 || !errors.Is(innerErr, tc.want)):
			return nil, fmt.Errorf("re-entry = %d, %v; want -1, an error wrapping %v", got, innerErr, tc.want)
		}
		return nil, nil
	}
	err := actor.Run(func(main *actor.Context) error {
		if !tc.worker {
			_, err := outer()
			return err
		}
		w, err := main.Spawn(func(*actor.Context) (any, error) { return outer() })
		if err != nil {
			return err
		}
		_, err = w.Value(context.Background())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
