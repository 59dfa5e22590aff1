package actor

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
)

// execOf returns the Exec of the actor behind r.
func execOf(r *Ref) *execctx.Exec { return r.c.exec }

func TestHooks_RunOnThread(t *testing.T) {
	run(t, func(ctx *Context) error {
		// A pinned body actor blocked in Receive serves the call on its
		// own thread.
		b, _ := ctx.Spawn(func(cx *Context) (any, error) {
			_, err := cx.Receive()
			return nil, err
		})
		got := make(chan int, 1)
		for b.ThreadID() == 0 {
			time.Sleep(time.Millisecond)
		}
		err := execOf(b).Hooks().RunOnThread(timeout(t), func() {
			if !execOf(b).OnOwnGoroutine() || !execOf(b).Held() {
				t.Errorf("RunOnThread body: not on the actor's goroutine holding its token")
			}
			got <- gettid()
		})
		if err != nil || <-got != b.ThreadID() {
			t.Errorf("RunOnThread() = %v; want nil, on thread %d", err, b.ThreadID())
		}
		// A panic comes back as a *PanicError.
		err = execOf(b).Hooks().RunOnThread(timeout(t), func() { panic("in call") })
		var pe *PanicError
		if !errors.As(err, &pe) {
			t.Errorf("RunOnThread(panic) = %v; want *PanicError", err)
		}

		// The main actor serves calls while it waits in Value; an actor
		// calling into the main actor while main waits on it is not a
		// deadlock.
		mainExec := execctx.Current()
		c, _ := ctx.Spawn(func(cx *Context) (any, error) {
			var tid int
			err := mainExec.Hooks().RunOnThread(cx.Context(), func() { tid = gettid() })
			return tid, err
		})
		v, err := c.Value(timeout(t))
		if err != nil || v != ctx.ThreadID() {
			t.Errorf("call into the waiting main actor = %v, %v; want main's thread %d", v, err, ctx.ThreadID())
		}

		// A handler actor serves calls between messages.
		h, _ := ctx.SpawnHandler(func() Handler { return HandlerFunc(func(*HandlerContext, any) {}) })
		_ = h.Send(1)
		var htid int
		if err := execOf(h).Hooks().RunOnThread(timeout(t), func() { htid = gettid() }); err != nil || htid != h.ThreadID() {
			t.Errorf("handler RunOnThread = %v on %d; want nil on %d", err, htid, h.ThreadID())
		}

		// A busy actor: the deadline bounds the wait.
		busy, _ := ctx.Spawn(func(cx *Context) (any, error) {
			<-cx.Done()
			return nil, nil
		})
		for busy.ThreadID() == 0 {
			time.Sleep(time.Millisecond)
		}
		dctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if err := execOf(busy).Hooks().RunOnThread(dctx, func() {}); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("RunOnThread on a busy actor = %v; want DeadlineExceeded", err)
		}
		// A finished actor refuses.
		_ = b.Send("end")
		_ = b.Join(timeout(t))
		if err := execOf(b).Hooks().RunOnThread(timeout(t), func() {}); !errors.Is(err, ErrClosed) {
			t.Errorf("RunOnThread on a finished actor = %v; want ErrClosed", err)
		}
		return nil
	})
}

func TestHooks_Fail(t *testing.T) {
	var log testlib.Log[Failure]
	run(t, func(ctx *Context) error {
		boom := errors.New("callback panicked")
		b, _ := ctx.Spawn(func(cx *Context) (any, error) {
			_, err := cx.Receive()
			return nil, err
		})
		for b.ThreadID() == 0 {
			time.Sleep(time.Millisecond)
		}
		go execOf(b).Hooks().Fail(boom)
		if err := b.Join(timeout(t)); !errors.Is(err, boom) {
			t.Errorf("body actor after Fail = %v; want the failure from Receive", err)
		}
		h, _ := ctx.SpawnHandler(func() Handler {
			n := 0
			return HandlerFunc(func(hc *HandlerContext, msg any) {
				if _, ok := msg.(int); ok {
					n++
					_ = hc.Respond(n)
				}
			})
		}, WithName("h"))
		_, _ = h.Request(timeout(t), 1)
		execOf(h).Hooks().Fail(boom)
		if v, err := h.Request(timeout(t), 1); err != nil || v != 1 {
			t.Errorf("handler after Fail: Request = %v, %v; want 1 from a fresh incarnation", v, err)
		}
		return nil
	}, WithFailureHandler(log.Add))
	ev := log.All()
	if len(ev) != 1 || ev[0].Actor != "h" || ev[0].Message != nil || !ev[0].Restarted {
		t.Errorf("failure events = %+v; want one restart of h with no message", ev)
	}
}

func TestPortsAndSelect(t *testing.T) {
	run(t, func(ctx *Context) error {
		p1, p2 := ctx.NewPort(), ctx.NewPort()
		worker, _ := ctx.Spawn(func(cx *Context) (any, error) {
			ports := cx.Args()
			if err := ports[1].(*Port).Send("two"); err != nil {
				return nil, err
			}
			// Only the creator may receive.
			if _, err := ports[0].(*Port).Receive(cx.Context()); !errors.Is(err, ErrNotOwner) {
				return nil, errors.New("non-owner receive allowed")
			}
			return "done", nil
		}, WithArgs(p1, p2))
		sel, err := Select(timeout(t), CasePort(p1), CasePort(p2))
		if err != nil || sel.Index != 1 || sel.Value != "two" || sel.Port != p2 {
			t.Errorf("Select = %+v, %v; want case 1 with two", sel, err)
		}
		sel, err = Select(timeout(t), CasePort(p1), CaseValue(worker))
		if err != nil || sel.Index != 1 || sel.Value != "done" || sel.Ref != worker {
			t.Errorf("Select = %+v, %v; want the worker's value", sel, err)
		}
		_ = ctx.Self().Send("inbox")
		sel, err = ctx.Select(timeout(t), CasePort(p1), CaseInbox())
		if err != nil || sel.Index != 1 || sel.Value != "inbox" {
			t.Errorf("Select(inbox) = %+v, %v; want case 1 with inbox", sel, err)
		}
		misuse := make(chan error, 1)
		go func() {
			_, err := Select(timeout(t), CaseInbox())
			misuse <- err
		}()
		if err := <-misuse; err == nil {
			t.Errorf("Select(CaseInbox) outside an actor = nil error; want misuse error")
		}
		dctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if _, err := Select(dctx, CasePort(p1)); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Select on an idle port = %v; want DeadlineExceeded", err)
		}
		if err := p1.Close(); err != nil {
			t.Fatal(err)
		}
		if err := p1.Send(1); !errors.Is(err, ErrClosed) {
			t.Errorf("Send to a closed port = %v; want ErrClosed", err)
		}
		if _, err := p1.Receive(timeout(t)); !errors.Is(err, ErrClosed) {
			t.Errorf("Receive on a closed port = %v; want ErrClosed", err)
		}
		// A finished actor's ports are closed.
		var theirs *Port
		r, _ := ctx.Spawn(func(cx *Context) (any, error) { return cx.NewPort(), nil })
		v, _ := r.Value(timeout(t))
		theirs = v.(*Port)
		if err := theirs.Send(1); !errors.Is(err, ErrClosed) {
			t.Errorf("Send to a finished actor's port = %v; want ErrClosed", err)
		}
		// Ports and refs cross by reference; a rejected send to a port
		// delivers nothing.
		if err := p2.Send(func() {}); err == nil {
			t.Errorf("Port.Send(func) = nil; want an isolation error")
		}
		return nil
	})
}

// A busy body actor that always has messages still serves calls between
// them.
func TestHooks_RunOnThreadBetweenMessages(t *testing.T) {
	run(t, func(ctx *Context) error {
		b, _ := ctx.Spawn(func(cx *Context) (any, error) {
			for {
				m, err := cx.Receive()
				if err != nil || m == "end" {
					return nil, nil
				}
				_ = cx.Self().Send(m) // never idle
			}
		})
		_ = b.Send(1)
		ran := false
		if err := execOf(b).Hooks().RunOnThread(timeout(t), func() { ran = true }); err != nil || !ran {
			t.Errorf("RunOnThread on a busy actor = %v (ran %v); want it served between messages", err, ran)
		}
		_ = b.Send("end")
		return b.Join(timeout(t))
	})
}
