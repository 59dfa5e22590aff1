// Package unpinned holds the cases of the native-call-from-Unpinned check.
package unpinned

import (
	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"

	"vettest/nativelib"
)

func positives(cx *actor.Context, f *ffi.Func) {
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		return f.Call(int64(-1)) // want `goractor: native call in the body of an actor spawned with Unpinned \(line 14\)`
	}, actor.WithName("a"), actor.Unpinned())

	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		return nativelib.Twice(f, -1), nil // want `native call in the body of an actor spawned with Unpinned`
	}, actor.Unpinned(), actor.WithName("b"))

	_, _ = cx.SpawnHandler(func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			_ = hc.Respond(nativelib.Abs(f, -1)) // want `native call in the body of an actor spawned with Unpinned`
		})
	}, actor.Unpinned())
}

func negatives(cx *actor.Context, f *ffi.Func, p *ffi.Pool) {
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		return f.Call(int64(-1)) // pinned: its own thread
	})
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		return nativelib.Pure(1), nil
	}, actor.Unpinned())
	_, _ = cx.Spawn(func(cx *actor.Context) (any, error) {
		fut := nativelib.Offload(cx.Context(), p, f) // on a pool's thread
		return fut, nil
	}, actor.Unpinned())
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		go f.Call(int64(1)) // another goroutine
		return nil, nil
	}, actor.Unpinned())
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		return f.Call(int64(-1)) //goractor:ignore measured on purpose
	}, actor.Unpinned())
}
