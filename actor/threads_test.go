package actor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety"
)

func TestActor_ThreadAffinityAndExclusivity(t *testing.T) {
	actors := size(t, 64, 32, 16)
	msgs := size(t, 1000, 200, 100)
	run(t, func(ctx *Context) error {
		type report struct {
			tids map[int]int
			self int
		}
		refs := make([]*Ref, 0, 2*actors)
		for i := range actors {
			// Body actors.
			r, err := ctx.Spawn(func(cx *Context) (any, error) {
				tids := map[int]int{}
				for range msgs {
					if _, err := cx.Receive(); err != nil {
						return nil, err
					}
					runtime.Gosched()
					tids[gettid()]++
				}
				return fmt.Sprint(len(tids), " ", cx.ThreadID(), " ", firstKey(tids)), nil
			}, WithName(fmt.Sprint("body-", i)))
			if err != nil {
				return err
			}
			refs = append(refs, r)
		}
		handlers := make([]*Ref, actors)
		for i := range handlers {
			// Handler actors.
			tids := map[int]int{}
			h, err := ctx.SpawnHandler(func() Handler {
				return HandlerFunc(func(hc *HandlerContext, msg any) {
					switch msg.(type) {
					case int:
						runtime.Gosched()
						tids[gettid()]++
					case string:
						_ = hc.Respond(fmt.Sprint(len(tids), " ", hc.ThreadID(), " ", firstKey(tids)))
					}
				})
			}, WithName(fmt.Sprint("handler-", i)))
			if err != nil {
				return err
			}
			handlers[i] = h
		}
		for range msgs {
			for _, r := range refs {
				_ = r.Send(1)
			}
			for _, h := range handlers {
				_ = h.Send(1)
			}
		}
		seen := map[int]string{}
		check := func(name, rep string) {
			var n, tid, first int
			fmt.Sscan(rep, &n, &tid, &first)
			if n != 1 || tid != first || tid == 0 {
				t.Errorf("%s ran on %d threads (own %d, seen %d); want exactly its own", name, n, tid, first)
			}
			if other, dup := seen[tid]; dup {
				t.Errorf("%s and %s share thread %d", name, other, tid)
			}
			seen[tid] = name
		}
		for _, r := range refs {
			v, err := r.Value(timeout(t))
			if err != nil {
				return err
			}
			check(r.Name(), v.(string))
		}
		for _, h := range handlers {
			v, err := h.Request(timeout(t), "report")
			if err != nil {
				return err
			}
			check(h.Name(), v.(string))
		}
		if tid := ctx.ThreadID(); seen[tid] != "" {
			t.Errorf("main actor shares thread %d with %s", tid, seen[tid])
		}
		return nil
	})
}

func firstKey(m map[int]int) int {
	for k := range m {
		return k
	}
	return 0
}

func TestActor_ThreadStateNotInherited(t *testing.T) {
	nat := loadNative(t)
	later := size(t, 100, 50, 30)
	run(t, func(ctx *Context) error {
		a, _ := ctx.Spawn(func(cx *Context) (any, error) {
			nat.setTLS(4242)
			return int(nat.getTLS()), nil
		})
		if v, err := a.Value(timeout(t)); err != nil || v != 4242 {
			t.Fatalf("actor A read back %v, %v; want 4242", v, err)
		}
		leaked := 0
		for range later {
			r, _ := ctx.Spawn(func(cx *Context) (any, error) { return int(nat.getTLS()), nil })
			if v, _ := r.Value(timeout(t)); v == 4242 {
				leaked++
			}
		}
		if leaked != 0 {
			t.Errorf("%d of %d later actors saw actor A's thread-local value; want 0", leaked, later)
		}
		return nil
	})
}

func TestThreads_ReleasedAfterRun(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	base := testlib.Threads()
	n := size(t, 200, 100, 50)
	peak := 0
	run(t, func(ctx *Context) error {
		started := ctx.NewPort()
		for range n {
			if _, err := ctx.Spawn(func(cx *Context) (any, error) {
				_ = started.Send(true)
				_, _ = cx.Receive() // until shutdown closes the inbox
				return nil, nil
			}); err != nil {
				return err
			}
		}
		for range n {
			if _, err := ctx.SpawnHandler(func() Handler {
				return HandlerFunc(func(_ *HandlerContext, msg any) {
					if _, ok := msg.(Started); ok {
						_ = started.Send(true)
					}
				})
			}); err != nil {
				return err
			}
		}
		for range 2 * n {
			if _, err := started.Receive(timeout(t)); err != nil {
				return err
			}
		}
		peak = testlib.Threads()
		return nil
	})
	after := settleThreads(base + threadSlack)
	t.Logf("threads: base %d, peak %d, after %d", base, peak, after)
	// Idle threads of the runtime may be reused for actors: count at least
	// one thread per actor.
	if base > 0 && peak < 2*n {
		t.Errorf("peak threads = %d; want at least one per actor (%d)", peak, 2*n)
	}
	if base > 0 && after > base+threadSlack {
		t.Errorf("threads after Run = %d; want at most base %d + %d", after, base, threadSlack)
	}
}

func TestRun_MainActor(t *testing.T) {
	run(t, func(ctx *Context) error {
		e := execctx.Current()
		if e == nil || !e.IsMain() || !ctx.IsMain() || e.Name() != "main" {
			t.Errorf("main actor's Exec = %v; want a bound main Exec", e)
		}
		if !e.OnOwnGoroutine() {
			t.Errorf("OnOwnGoroutine() = false in the main actor")
		}
		r, _ := ctx.Spawn(func(cx *Context) (any, error) {
			e := execctx.Current()
			return e != nil && !e.IsMain() && e.Name() == cx.Name(), nil
		}, WithName("child"))
		if v, err := r.Value(timeout(t)); v != true || err != nil {
			t.Errorf("child's Exec check = %v, %v; want true", v, err)
		}
		if _, err := ctx.Self().Value(timeout(t)); !errors.Is(err, safety.ErrWouldDeadlock) {
			t.Errorf("main.Value() on itself = %v; want ErrWouldDeadlock", err)
		}
		return nil
	})
	sentinel := errors.New("main failed")
	if err := Run(func(*Context) error { return sentinel }); err != sentinel {
		t.Errorf("Run() = %v; want main's own error", err)
	}
	err := Run(func(*Context) error { panic("main panics") })
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "main panics" {
		t.Errorf("Run() with a panicking main = %v; want *PanicError", err)
	}
	if err := Run(func(ctx *Context) error {
		_, err := ctx.Spawn(func(*Context) (any, error) { return nil, nil })
		return err
	}); err != nil {
		t.Errorf("Run() = %v", err)
	}
	_ = context.Background
}
