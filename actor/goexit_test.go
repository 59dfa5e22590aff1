package actor

import (
	"errors"
	"runtime"
	"testing"
)

// Issue 11, item 3: runtime.Goexit (what t.Fatal and t.FailNow call) inside
// an actor is a failure like a panic. A body that called it never resolved
// (Value, Join hung; Send still returned nil); a handler that called it left
// every later Request hanging.
func TestGoexit_Body(t *testing.T) {
	pinnedAndNot(t, func(t *testing.T, opts ...SpawnOption) {
		run(t, func(ctx *Context) error {
			r, err := ctx.Spawn(func(*Context) (any, error) {
				runtime.Goexit()
				return 1, nil
			}, opts...)
			if err != nil {
				return err
			}
			_, err = r.Value(timeout(t))
			var re *RemoteError
			if !errors.Is(err, ErrGoexit) || !errors.As(err, &re) {
				t.Errorf("Value = %v; want a *RemoteError wrapping ErrGoexit", err)
			}
			if err := r.Join(timeout(t)); !errors.Is(err, ErrGoexit) {
				t.Errorf("Join = %v; want ErrGoexit", err)
			}
			if err := r.Send(1); !errors.Is(err, ErrClosed) {
				t.Errorf("Send after Goexit = %v; want ErrClosed", err)
			}
			return nil
		})
	})
}

func TestGoexit_Main(t *testing.T) {
	err := Run(func(*Context) error {
		runtime.Goexit()
		return nil
	})
	if !errors.Is(err, ErrGoexit) {
		t.Errorf("Run = %v; want ErrGoexit", err)
	}
}

func TestGoexit_Handler(t *testing.T) {
	pinnedAndNot(t, func(t *testing.T, opts ...SpawnOption) {
		run(t, func(ctx *Context) error {
			h, err := ctx.SpawnHandler(func() Handler {
				return HandlerFunc(func(hc *HandlerContext, msg any) {
					if msg == "exit" {
						runtime.Goexit()
					}
					if n, ok := msg.(int); ok {
						_ = hc.Respond(n * 2)
					}
				})
			}, opts...)
			if err != nil {
				return err
			}
			if _, err := h.Request(timeout(t), "exit"); !errors.Is(err, ErrGoexit) {
				t.Errorf("Request whose handler called Goexit = %v; want ErrGoexit", err)
			}
			for i := range 3 {
				v, err := h.Request(timeout(t), i)
				if err != nil || v != 2*i {
					t.Errorf("Request %d after the Goexit = %v, %v; want %d, nil", i, v, err, 2*i)
				}
			}
			return nil
		})
	})
}

// pinnedAndNot runs test for a pinned actor and for an Unpinned one.
func pinnedAndNot(t *testing.T, test func(t *testing.T, opts ...SpawnOption)) {
	t.Run("pinned", func(t *testing.T) { test(t) })
	t.Run("unpinned", func(t *testing.T) { test(t, Unpinned()) })
}
