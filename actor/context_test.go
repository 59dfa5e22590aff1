package actor

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The actor's Context is a context.Context: every blocking call takes it
// directly, without ctx.Context().
var _ context.Context = (*Context)(nil)

type ctxKey struct{}

// TestContext_IsAContext: Done closes when the actor is asked to stop, Err
// then reports context.Canceled and ErrStopping, there is no deadline, Value
// passes through, and blocking calls take the actor's context directly.
func TestContext_IsAContext(t *testing.T) {
	run(t, func(ctx *Context) error {
		started := make(chan struct{})
		seen := make(chan error, 1)
		a, err := ctx.Spawn(func(cx *Context) (any, error) {
			if err := cx.Err(); err != nil {
				seen <- err
				return nil, nil
			}
			if _, ok := cx.Deadline(); ok {
				t.Errorf("actor context has a deadline")
			}
			if cx.Value(ctxKey{}) != nil {
				t.Errorf("Value(unknown key) = %v; want nil", cx.Value(ctxKey{}))
			}
			child := context.WithValue(cx, ctxKey{}, "v")
			if child.Value(ctxKey{}) != "v" {
				t.Errorf("a child of the actor context lost its value")
			}
			close(started)
			<-cx.Done()
			// A context derived from the actor's is cancelled with it.
			d, cancel := context.WithCancel(cx)
			defer cancel()
			<-d.Done()
			if err := cx.Context().Err(); !errors.Is(err, ErrStopping) {
				t.Errorf("Context().Err() after Stop = %v; want ErrStopping", err)
			}
			seen <- cx.Err()
			return "stopped", nil
		})
		if err != nil {
			return err
		}
		<-started
		if err := a.Stop(timeout(t)); err != nil {
			return err
		}
		err = <-seen
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrStopping) {
			t.Errorf("Err() after Stop = %v; want context.Canceled and ErrStopping", err)
		}
		if err := ctx.Err(); err != nil {
			t.Errorf("main's Err() = %v while it runs", err)
		}
		if err := ctx.Context().Err(); err != nil {
			t.Errorf("main's Context().Err() = %v while it runs", err)
		}

		// Blocking calls take the actor context itself.
		b, err := ctx.Spawn(func(cx *Context) (any, error) { return 7, nil })
		if err != nil {
			return err
		}
		if v, err := b.Value(ctx); err != nil || v != 7 {
			t.Errorf("Value(ctx) = %v, %v; want 7, nil", v, err)
		}
		p := ctx.NewPort()
		defer func() { _ = p.Close() }()
		if err := p.Send(1); err != nil {
			return err
		}
		if v, err := p.Receive(ctx); err != nil || v != 1 {
			t.Errorf("Receive(ctx) = %v, %v; want 1, nil", v, err)
		}
		// A deadline for one wait comes from a derived context.
		w, cancel := context.WithTimeout(ctx, time.Millisecond)
		defer cancel()
		if _, err := p.Receive(w); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Receive(timeout child of ctx) = %v; want DeadlineExceeded", err)
		}
		return nil
	})
}

// TestContext_DeadlineOfTheStop: an actor has no deadline while it runs; once
// it is asked to stop with a deadline (Ref.Stop or System.Stop with a context
// that has one), its Context and Context() report that deadline, the time the
// body has left to finish.
func TestContext_DeadlineOfTheStop(t *testing.T) {
	run(t, func(ctx *Context) error {
		type seen struct {
			before, after, plain bool
			at                   time.Time
		}
		spawn := func() (*Ref, chan seen, chan struct{}, error) {
			got := make(chan seen, 1)
			started := make(chan struct{})
			r, err := ctx.Spawn(func(cx *Context) (any, error) {
				var s seen
				_, s.before = cx.Deadline()
				close(started)
				<-cx.Done()
				s.at, s.after = cx.Deadline()
				_, s.plain = cx.Context().Deadline()
				got <- s
				return nil, nil
			})
			return r, got, started, err
		}
		check := func(how string, got chan seen, want time.Time) {
			s := <-got
			if s.before {
				t.Errorf("%s: the actor had a deadline before it was asked to stop", how)
			}
			if !s.after || !s.plain || !s.at.Equal(want) {
				t.Errorf("%s: Deadline after the stop = %v, %v (Context(): %v); want %v, true", how, s.at, s.after, s.plain, want)
			}
		}

		r, got, started, err := spawn()
		if err != nil {
			return err
		}
		<-started
		sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		want, _ := sctx.Deadline()
		if err := r.Stop(sctx); err != nil {
			return err
		}
		check("Ref.Stop", got, want)

		// Without a deadline, Stop gives the actor none.
		r, got, started, err = spawn()
		if err != nil {
			return err
		}
		<-started
		if err := r.Stop(context.Background()); err != nil {
			return err
		}
		if s := <-got; s.after || s.plain {
			t.Errorf("Stop without a deadline: the actor has deadline %v", s.at)
		}

		// System.Stop (what the end of Run does with WithShutdownTimeout).
		_, got, started, err = spawn()
		if err != nil {
			return err
		}
		<-started
		if err := ctx.System().Stop(sctx); err != nil {
			return err
		}
		check("System.Stop", got, want)
		return nil
	})
}
