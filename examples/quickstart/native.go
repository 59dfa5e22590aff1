package main

import (
	"fmt"
	"syscall"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/extension/libc"
	"github.com/goractor/goractor/ffi"
)

// ---- 6. a callback from a foreign thread ----

// pthreads is libc's pthread_create and pthread_join, bound through the libc
// extension (both are parallel-safe, so the calls skip the call gate).
type pthreads struct {
	create func(th *uint64, attr uintptr, start uintptr, arg uintptr) int32
	join   func(th uint64, ret *uintptr) int32
}

func bindPthreads(c *libc.Lib) (*pthreads, error) {
	var p pthreads
	if err := c.Extension().Bind(&p.create, "pthread_create"); err != nil {
		return nil, err
	}
	if err := c.Extension().Bind(&p.join, "pthread_join"); err != nil {
		return nil, err
	}
	return &p, nil
}

// cbReport is what the callback's owner reports.
type cbReport struct {
	ActorTid, ForeignTid int
	Calls                int
	Ret                  uintptr
}

func stepForeignCallback(ctx *actor.Context, r *report) error {
	owner, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
		c, err := libc.Open()
		if err != nil {
			return nil, err
		}
		defer c.Close()
		pt, err := bindPthreads(c)
		if err != nil {
			return nil, err
		}
		// The actor's state: touched by the callback, which runs inside this
		// actor (under its execution token) although on another thread.
		rep := cbReport{ActorTid: cx.ThreadID()}
		// void *start(void *arg): the pthread's start routine is a Go
		// handler owned by this actor, callable from any thread.
		cb, err := ffi.NewCallback(func(arg uintptr) uintptr {
			rep.ForeignTid = gettid()
			rep.Calls++
			return arg * 2
		}, ffi.ThreadSafe(), ffi.CallbackName("start routine"), ffi.CallbackTimeout(10*time.Second))
		if err != nil {
			return nil, err
		}
		defer cb.Close()
		var th uint64
		if rc := pt.create(&th, 0, cb.Ptr(), 21); rc != 0 {
			return nil, fmt.Errorf("pthread_create: %w", syscall.Errno(rc))
		}
		// The actor now waits inside native pthread_join while the new
		// thread calls back into it: the deadlock every peer runs into.
		if rc := pt.join(th, &rep.Ret); rc != 0 {
			return nil, fmt.Errorf("pthread_join: %w", syscall.Errno(rc))
		}
		return rep, nil
	}, actor.WithName("cb-owner"))
	if err != nil {
		return err
	}
	wctx, cancel := withTimeout()
	defer cancel()
	v, err := owner.Value(wctx)
	if err != nil {
		return err
	}
	rep := v.(cbReport)
	r.line("actor %q on thread %d called pthread_create(start = a Go callback it owns, arg = 21)", owner.Name(), rep.ActorTid)
	r.line("then waited in pthread_join; the callback ran inside the actor on foreign thread %d", rep.ForeignTid)
	r.line("pthread_join returned %d after %d callback (no deadlock)", rep.Ret, rep.Calls)
	switch {
	case rep.Calls != 1:
		return fmt.Errorf("the callback ran %d times, want 1", rep.Calls)
	case rep.Ret != 42:
		return fmt.Errorf("the thread returned %d, want 42", rep.Ret)
	case gettid() != 0 && (rep.ForeignTid == rep.ActorTid || rep.ForeignTid == ctx.ThreadID() || rep.ForeignTid == 0):
		return fmt.Errorf("the callback ran on thread %d, not on a foreign one", rep.ForeignTid)
	}
	return nil
}

// ---- 7. offloaded async calls ----

func stepAsync(ctx *actor.Context, r *report) error {
	const (
		n     = 32
		sleep = 10 * time.Millisecond
	)
	pool := ffi.NewPool(n, 2*n)
	defer pool.Close()
	c, err := libc.Open()
	if err != nil {
		return err
	}
	defer c.Close()
	usleep, err := c.Extension().Func("usleep", ffi.MustSignature("func(uint32) int32"), extension.WithBindOptions(ffi.WithPool(pool)))
	if err != nil {
		return err
	}
	us := uint32(sleep / time.Microsecond)

	start := time.Now()
	for range 4 {
		if _, err := usleep.Call(us); err != nil {
			return err
		}
	}
	serial := time.Since(start) * n / 4

	// The results arrive as messages on a port of this actor, too.
	results := ctx.NewPort()
	start = time.Now()
	futs := make([]*ffi.Future[any], n)
	for i := range futs {
		futs[i] = usleep.Async(bg(), us)
		futs[i].Then(func(v any, err error) {
			if err == nil {
				_ = results.Send(v)
			}
		})
	}
	for i, f := range futs {
		wctx, cancel := withTimeout()
		v, err := f.Wait(wctx)
		cancel()
		if err != nil {
			return fmt.Errorf("future %d: %w", i, err)
		}
		if v != int32(0) {
			return fmt.Errorf("future %d: usleep returned %v, want 0", i, v)
		}
	}
	wall := time.Since(start)
	for i := range n {
		wctx, cancel := withTimeout()
		_, err := results.Receive(wctx)
		cancel()
		if err != nil {
			return fmt.Errorf("result message %d: %w", i, err)
		}
	}
	st := pool.Stats()
	r.line("%d calls of usleep(%s) in flight on a pool of %d threads (%d started)", n, sleep, st.Size, st.Threads)
	r.line("wall %s, against %s serially (measured on 4 calls): %.1fx", round(wall), round(serial), serial.Seconds()/wall.Seconds())
	r.line("every future resolved once with 0, and %d results arrived as messages", n)
	if st.Completed != n || st.Threads < 2 {
		return fmt.Errorf("pool stats %+v: want %d completed on 2 or more threads", st, n)
	}
	if wall >= serial {
		return fmt.Errorf("%d offloaded calls took %s, no faster than %s serially", n, wall, serial)
	}
	return nil
}
