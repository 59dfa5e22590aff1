package actor

import (
	"context"
	"errors"
	"fmt"
	"sync"

	proto "github.com/asynkron/protoactor-go/actor"
)

// ErrNodeDown reports that the node an actor runs on went away (its process
// died, its connection broke, or it stopped answering): every pending
// request, Value and Join on its actors fails with an error wrapping it.
var ErrNodeDown = errors.New("actor: node down")

// kindRemote is a Ref backed by an actor that runs elsewhere (another node).
const kindRemote = kindHandler + 1

// RemoteBackend carries the operations of a Ref whose actor runs elsewhere.
// It is implemented by package node; programs do not implement it. Each
// method applies its own send gate (the node boundary) and reports refusals as
// *shareable.IsolationError.
type RemoteBackend interface {
	// Send delivers msg; move says it came through SendMove.
	Send(ctx context.Context, msg any, move bool) error
	// Request sends msg and waits for the reply or ctx.
	Request(ctx context.Context, msg any) (any, error)
	// Stop asks the actor to stop; the Ref's finish reports when it has.
	Stop(ctx context.Context) error
}

// NewRemoteRef returns a Ref of this system for an actor b reaches
// elsewhere. Send, TrySend, SendContext, SendMove, Request and Stop go
// through b; Value, Join, Done and Select wait for finish, which the caller
// calls once when the actor has ended (or can no longer be reached) with its
// result and failure. pid, which may be nil, is what Proto returns. A Ref
// backed this way is not one of the system's actors: the system's shutdown
// does not stop it, and it has no thread (ThreadID is 0).
func (s *System) NewRemoteRef(name string, pid *proto.PID, b RemoteBackend) (ref *Ref, finish func(result any, err error)) {
	if b == nil {
		panic("actor: NewRemoteRef with a nil backend")
	}
	c := s.newCore(name, kindRemote, false, false)
	c.remote = b
	c.pid = pid
	var once sync.Once
	return c.ref, func(result any, err error) {
		once.Do(func() {
			c.result, c.err = result, err
			c.cancel()
			close(c.exited)
			close(c.done)
			c.watchMu.Lock()
			for ev := range c.watchers {
				ev.Signal()
			}
			c.watchMu.Unlock()
		})
	}
}

// sendRemote is core.send for a remote Ref. The message is counted on the
// node that delivers it; here only what never leaves: refusals by the node
// send gate and messages to a node that is down.
func (c *core) sendRemote(ctx context.Context, msg any, move bool) error {
	if ctx == nil {
		ctx = context.Background()
	}
	err := c.remote.Send(ctx, msg, move)
	if err != nil {
		c.sh.sent.Add(1)
		if errors.Is(err, ErrNodeDown) || errors.Is(err, ErrClosed) {
			c.sh.deadLetters.Add(1)
		} else {
			c.sh.rejected.Add(1)
		}
	}
	return err
}

// requestRemote is Ref.Request for a remote Ref.
func (c *core) requestRemote(ctx context.Context, msg any) (any, error) {
	if ctx == nil {
		return nil, fmt.Errorf("actor: request to %q with a nil context", c.name)
	}
	return c.remote.Request(ctx, msg)
}

// RequestFunc sends msg to a handler actor as Request does, but returns as
// soon as the request is queued: done is called once with the reply (or the
// error) on whichever thread completes the request, so it must not block.
// It lets a node forward requests that arrived from other nodes, in their
// order of arrival, without a waiting goroutine each. An error from
// RequestFunc itself means the request was not queued and done is not
// called.
func (r *Ref) RequestFunc(msg any, done func(any, error)) error {
	c := r.c
	if done == nil {
		panic("actor: RequestFunc with a nil done")
	}
	switch c.kind {
	case kindRemote:
		go func() { done(c.remote.Request(context.Background(), msg)) }()
		return nil
	case kindHandler:
	default:
		return fmt.Errorf("actor: request to %q: %w", c.name, ErrNotHandler)
	}
	rep := &reply{fn: done}
	return c.send(nil, msg, &envelope{reply: rep}, false, c.overflow == OverflowBlock)
}
