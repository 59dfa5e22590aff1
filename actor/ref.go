package actor

import (
	"context"
	"fmt"
	"strconv"

	proto "github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"

	"github.com/goractor/goractor/internal/protoref"
	"github.com/goractor/goractor/safety"
)

// Ref refers to an actor. It is shareable by reference: pass it in messages,
// arguments and results freely. All methods are safe for concurrent use.
type Ref struct {
	c *core
}

// Name returns the actor's name.
func (r *Ref) Name() string { return r.c.name }

// String returns `actor "name"`.
func (r *Ref) String() string { return "actor " + strconv.Quote(r.c.name) }

// Done returns a channel closed when the actor has finished.
func (r *Ref) Done() <-chan struct{} { return r.c.done }

// ThreadID returns the kernel id of the OS thread a pinned actor owns (0
// before it has started, for unpinned actors, and off Linux).
func (r *Ref) ThreadID() int { return int(r.c.tid.Load()) }

// The module's own escape hatch to the protoactor-go substrate (package node,
// the bench command): the actor system underneath and the actor's PID.
func init() {
	protoref.Of = func(ref any) (*proto.ActorSystem, *proto.PID) {
		r := ref.(*Ref)
		return r.c.sys.proto, r.c.pid
	}
}

// Send delivers msg to the actor's inbox through the isolation gate: a
// shareable value is passed by reference; plain data is deep-copied
// (aliasing and cycles kept), so the receiver never sees the sender's later
// changes; anything else is refused with a *shareable.IsolationError and
// nothing is enqueued. Sending to an actor that has finished returns an
// error wrapping ErrClosed. When the actor's bounded mailbox is full, Send
// follows its Overflow policy (see WithMailbox).
func (r *Ref) Send(msg any) error {
	return r.c.send(nil, msg, nil, false, r.c.overflow == OverflowBlock)
}

// SendContext is Send that waits for room in a full bounded mailbox until
// ctx is done; the error then wraps both ErrMailboxFull and ctx's error. An
// actor sending to its own full mailbox gets ErrMailboxFull at once rather
// than waiting forever.
func (r *Ref) SendContext(ctx context.Context, msg any) error {
	return r.c.send(ctx, msg, nil, false, true)
}

// TrySend is Send that never waits: a full mailbox gives ErrMailboxFull
// whatever the Overflow policy.
func (r *Ref) TrySend(msg any) error {
	return r.c.send(nil, msg, nil, false, false)
}

// SendMove hands the value p points to over to the actor without copying
// it, and zeroes *p so the sender cannot use it again (Ruby's move: true). p
// must be a non-nil pointer (anything else is refused with an error); a
// value that cannot be moved is refused with a *shareable.IsolationError and
// *p is left alone.
func (r *Ref) SendMove(p any) error {
	return r.c.send(nil, p, nil, true, r.c.overflow == OverflowBlock)
}

// send is the one path every message to an actor's inbox takes.
func (c *core) send(ctx context.Context, msg any, env *envelope, move, wait bool) error {
	if c.kind == kindRemote {
		return c.sendRemote(ctx, msg, move)
	}
	s, sh := c.sys, c.sh
	v, err := sh.gate(msg, move)
	if err != nil {
		return err
	}
	if c.isDone() {
		sh.deadLetters.Add(1)
		return errClosedActor(c.name)
	}
	if c.capacity > 0 {
		if wait && ctx == nil {
			var cancel context.CancelFunc
			ctx, cancel = timeoutCtx(c.sendTimeout())
			defer cancel()
		}
		if err := c.reserve(ctx, wait); err != nil {
			if err == errDropped {
				sh.dropped.Add(1)
				s.log.Debug("actor: message dropped, mailbox full", zap.String("actor", c.name), zap.String("type", fmt.Sprintf("%T", v)))
				return nil
			}
			sh.rejected.Add(1)
			sh.rejectFull.Add(1)
			return err
		}
	}
	var ok bool
	if c.kind == kindBody {
		ok = c.in.push(v)
		if ok {
			c.ev.Signal()
		}
	} else {
		if env != nil {
			env.msg = v
			ok = c.mb.post(env, true)
		} else {
			ok = c.mb.post(v, true)
		}
	}
	if !ok {
		c.release()
		sh.deadLetters.Add(1)
		return errClosedActor(c.name)
	}
	return nil
}

// Value waits for the actor to finish and returns its result, as it came
// through the isolation gate. A body that returned an error or panicked
// gives a *RemoteError (Actor, Cause); a panic's cause is a *PanicError. A
// handler actor's value is nil, or a *RemoteError when supervision stopped
// it after a failure.
//
// Only one caller gets the value, as in Ruby, where it is moved to the
// caller: the first Value call to return after the actor finished takes it,
// and every later call returns an error wrapping ErrValueTaken. An actor
// waiting for its own value gets an error wrapping safety.ErrWouldDeadlock.
// While it waits, an actor keeps serving calls other threads run on it.
func (r *Ref) Value(ctx context.Context) (any, error) {
	c := r.c
	if err := c.waitDone(ctx); err != nil {
		return nil, err
	}
	if !c.taken.CompareAndSwap(false, true) {
		return nil, fmt.Errorf("actor: value of %q: %w", c.name, ErrValueTaken)
	}
	res := c.result
	c.result = nil
	return res, c.err
}

// Join waits for the actor to finish, without taking its value, and returns
// its failure (a *RemoteError) or nil. Any number of callers may Join.
func (r *Ref) Join(ctx context.Context) error {
	if err := r.c.waitDone(ctx); err != nil {
		return err
	}
	return r.c.err
}

func (c *core) waitDone(ctx context.Context) error {
	if c.isDone() {
		return nil
	}
	if c.exec.OnOwnGoroutine() {
		return &safety.UnsafeError{Op: "wait", Actor: c.name, Err: fmt.Errorf("actor %q waits for itself: %w", c.name, safety.ErrWouldDeadlock)}
	}
	return await(ctx, current(), c, c.isDone, c.watch)
}

// Stop asks the actor to stop and waits until its thread has been released
// or ctx is done. A body actor sees its inbox close (Receive returns
// ErrClosed) and its Context's Done channel close; it stops when its body
// returns. A handler actor gets Stopping and Stopped; messages still queued
// become dead letters. An actor that owns ref'ed callbacks stays alive until
// they are unref'ed or closed; if ctx is done first, Stop returns ctx's
// error and the actor closes its callbacks and ends.
func (r *Ref) Stop(ctx context.Context) error {
	c := r.c
	if c.main {
		return fmt.Errorf("actor: the main actor stops when its function returns")
	}
	if c.kind == kindRemote {
		return c.remote.Stop(ctx)
	}
	by, _ := ctx.Deadline()
	c.requestStopBy(by)
	if c.exec.OnOwnGoroutine() {
		return nil
	}
	if err := c.awaitExit(ctx, current()); err != nil {
		// Deadline: an actor kept alive by ref'ed callbacks closes them
		// and ends now.
		c.forceEnd()
		return err
	}
	return nil
}
