package extension_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/safety"
)

// TestOnMain_WaitIsBounded: a main actor waiting in Value serves a worker's
// forwarded call; a main actor blocked on a plain channel never takes it, and
// the worker gets ErrWouldDeadlock after the OnMain wait instead of hanging,
// without the call ever running.
func TestOnMain_WaitIsBounded(t *testing.T) {
	var ranOnMain atomic.Int64
	x, err := extension.Open(extension.Declaration{
		Name:      "onmain-wait",
		Libraries: []string{"libc.so.6"},
		Safety:    extension.NotParallelSafe,
		Policy:    extension.OnMain,
	}, extension.WithOnMainWait(100*time.Millisecond), extension.WithTrace(func(ci extension.CallInfo) {
		if ci.Route == extension.RouteOnMain {
			ranOnMain.Add(1)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Close() }()
	var abs func(int32) (int32, error)
	if err := x.Bind(&abs, "abs"); err != nil {
		t.Fatal(err)
	}
	err = actor.Run(func(ctx *actor.Context) error {
		// Main waits in Value: it serves the forwarded call.
		w, err := ctx.Spawn(func(cx *actor.Context) (any, error) { return abs(-3) })
		if err != nil {
			return err
		}
		if v, err := w.Value(ctx); err != nil || v != int32(3) {
			t.Errorf("OnMain call while main waits in Value = %v, %v; want 3, nil", v, err)
		}
		// Main blocks on a plain channel: the call is refused after the wait.
		res := make(chan error, 1)
		w2, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			_, err := abs(-4)
			res <- err
			return nil, nil
		})
		if err != nil {
			return err
		}
		err = <-res
		var ue *safety.UnsafeError
		if !errors.Is(err, safety.ErrWouldDeadlock) || !errors.As(err, &ue) {
			t.Errorf("OnMain call while main blocks on a channel = %v; want an UnsafeError wrapping ErrWouldDeadlock", err)
		}
		return w2.Join(ctx) // main now serves: the expired call must not run
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := ranOnMain.Load(); n != 1 {
		t.Errorf("%d calls ran on the main actor; want 1 (the refused one never runs)", n)
	}
}
