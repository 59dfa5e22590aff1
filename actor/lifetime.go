package actor

import (
	"context"

	"go.uber.org/zap"

	"github.com/goractor/goractor/internal/callback"
)

// Callback lifetimes, like Deno's: a ref'ed callback (internal/callback;
// thread-safe callbacks are ref'ed by default) keeps its owning actor alive
// after the actor's own work is done, because native code may still call
// it. The actor then lingers: its inbox and ports are closed, its execution
// token is free so callbacks from foreign threads can run, and its thread
// keeps serving RunOnThread calls. It ends when the last ref'ed callback is
// unref'ed or closed (callback.Idle), or when a Stop deadline forces it.
// Either way it closes every callback it owns (callback.CloseOwned) before
// its thread ends, so later C calls through them get their exceptional
// value instead of entering a finished actor.

// linger runs on the actor's goroutine after its work is done, without the
// execution token. ctx, when not nil, forces the end when it is done (the
// main actor's shutdown deadline). It returns whether the end was forced
// while ref'ed callbacks were still alive.
func (c *core) linger(ctx context.Context) (forced bool) {
	if callback.Refs(c.exec) == 0 {
		return false
	}
	c.lingering.Store(true)
	// Nothing else reaches the actor now: senders get ErrClosed.
	c.closeInbox()
	c.closePorts()
	c.sys.log.Debug("actor: lingering for ref'ed callbacks", zap.String("actor", c.name), zap.Int("refs", callback.Refs(c.exec)))
	var done <-chan struct{}
	if ctx != nil {
		done = ctx.Done()
	}
	for {
		c.serviceCalls(false)
		if c.forced.Load() {
			break
		}
		idle := callback.Idle(c.exec)
		select {
		case <-idle:
			return false
		case <-done:
			c.forced.Store(true)
			continue
		default:
		}
		// Wake the thread when the callbacks go idle or the deadline
		// passes; messages no longer arrive, RunOnThread calls and
		// forceEnd signal the event themselves.
		stop := make(chan struct{})
		go func() {
			select {
			case <-idle:
				c.ev.Signal()
			case <-done:
				c.ev.Signal()
			case <-stop:
			}
		}()
		c.ev.Wait()
		close(stop)
	}
	refs := callback.Refs(c.exec)
	if refs > 0 {
		c.sys.log.Warn("actor: ended with ref'ed callbacks still alive (deadline); closing them", zap.String("actor", c.name), zap.Int("refs", refs))
	}
	return refs > 0
}

// forceEnd makes a lingering actor end now (a Stop deadline passed). It is
// harmless on an actor that is not lingering: the flag is only read by
// linger.
func (c *core) forceEnd() {
	c.forced.Store(true)
	c.ev.Signal()
}

// closeCallbacks closes every callback the actor owns and waits until no
// callback handler runs inside it any more (one holds the token while it
// runs), so nothing runs on the actor's behalf once it has finished. It runs
// on the actor's goroutine, without the token.
func (c *core) closeCallbacks() {
	if callback.Live(c.exec) == 0 {
		return
	}
	if n := callback.CloseOwned(c.exec); n > 0 {
		c.sys.log.Debug("actor: closed callbacks of a finished actor", zap.String("actor", c.name), zap.Int("closed", n))
	}
	c.exec.Enter()
	c.exec.Leave()
}

// lateFail returns an error raised through Hooks.Fail while the actor
// lingered (a callback's panic), or nil.
func (c *core) lateFail() error {
	if !c.hasFail.Load() {
		return nil
	}
	return c.takeAllFail()
}
