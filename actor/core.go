package actor

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/nativecrash"
	"github.com/goractor/goractor/internal/osthread"
	"github.com/goractor/goractor/safety"
)

type kind uint8

const (
	kindBody kind = iota + 1
	kindHandler
)

// core is one actor: its thread, inbox, pending cross-thread calls and
// termination state. Fields without a comment are set before the actor's
// goroutine starts and never change.
type core struct {
	sys    *System
	id     uint64
	name   string
	kind   kind
	pinned bool
	main   bool
	exec   *execctx.Exec
	ref    *Ref
	sh     *shard // this actor's counters

	// ev wakes the actor's goroutine: messages, calls, stop requests and
	// everything it waits for signal it. Only that goroutine waits on it.
	ev osthread.Event

	tid    atomic.Int64    // OS thread id of a pinned actor, 0 before it starts
	unbind func()          // set and used by the actor's goroutine only
	crash  nativecrash.Reg // names the actor's thread in native crash reports

	ctx    context.Context // done when the actor is asked to stop
	cancel context.CancelFunc
	// stopBy is when the stop that was requested will stop waiting for the
	// actor (unix nanoseconds; 0: no stop with a deadline requested). Written
	// before cancel, read by Context.Deadline.
	stopBy atomic.Int64

	// Mailbox bound (0: unbounded) and what a full mailbox does.
	capacity     int64
	overflow     Overflow
	blockTimeout time.Duration
	queued       atomic.Int64 // messages accepted and not yet taken out

	spaceMu      sync.Mutex     // protects spaceWaiters
	spaceWaiters []*spaceWaiter // senders blocked on the full mailbox, in arrival order
	nSpace       atomic.Int32   // len(spaceWaiters), read without the lock

	in     inbox         // body actors
	remote RemoteBackend // remote Refs (NewRemoteRef)
	mb     *mailbox      // handler actors
	pid    *proto.PID
	// pidReady is closed by the spawner once pid is written (or the spawn
	// failed). The actor's own goroutine can run before SpawnNamed returns
	// (a handler that stops itself in Started), so everything it does with
	// pid waits for this first.
	pidReady chan struct{}

	callMu sync.Mutex // protects calls
	calls  []*call
	nCalls atomic.Int32 // len(calls), read without the lock

	failMu   sync.Mutex  // protects failErrs
	failErrs []error     // raised through Hooks.Fail, not yet surfaced, oldest first
	hasFail  atomic.Bool // len(failErrs) > 0, read without the lock

	waitingOn atomic.Pointer[core] // the actor this one is blocked on, if any

	// Callback lifetime (lifetime.go).
	lingering atomic.Bool // work done, kept alive by ref'ed callbacks
	forced    atomic.Bool // a Stop deadline passed: end without waiting

	portMu sync.Mutex // protects ports
	ports  []*Port

	// Termination. result and err are written once before done is closed
	// and read only after.
	done   chan struct{}
	exited chan struct{} // closed when the goroutine has exited
	result any
	err    error
	taken  atomic.Bool

	watchMu  sync.Mutex // protects watchers
	watchers map[*osthread.Event]struct{}

	// Supervision of handler actors.
	maxRestarts int
	within      time.Duration
	lastFailure atomic.Pointer[error] // set on failure, cleared on Started
	stopped     atomic.Bool           // the handler saw Stopped
}

func (s *System) newCore(name string, k kind, pinned, main bool) *core {
	id := s.nextID.Add(1)
	if name == "" {
		name = fmt.Sprintf("actor-%d", id)
	}
	c := &core{
		sys:    s,
		id:     id,
		name:   name,
		kind:   k,
		pinned: pinned,
		main:   main,
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	c.sh = s.stats.of(id)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.ref = &Ref{c: c}
	if pinned {
		c.ev.SetSpin(s.spin)
	} else {
		c.ev.InitChan()
	}
	c.exec = execctx.New(name, main, execctx.Hooks{RunOnThread: c.runOnThread, Fail: c.fail})
	return c
}

// startPinned runs fn on a new goroutine locked for life to its own OS
// thread (osthread.Go), bound to the actor's Exec: the runtime terminates
// the thread when the goroutine exits, so no thread-local native state
// outlives the actor.
//
// A handler that calls runtime.Goexit (t.Fatal) ends the goroutine, and its
// thread, in the middle of fn; its mailbox has reported the failure by then,
// and fn carries on on a new locked thread, as a panic would have let it.
func (c *core) startPinned(fn func()) {
	osthread.Go(func() {
		c.enterThread()
		returned := false
		defer func() {
			c.leaveThread()
			if !returned && c.kind == kindHandler {
				c.startPinned(fn)
				return
			}
			close(c.exited)
		}()
		fn()
		returned = true
	})
}

func (c *core) enterThread() func() {
	c.tid.Store(int64(osthread.Gettid()))
	c.crash = nativecrash.Actor(int(c.tid.Load()), c.name)
	coreOf.Store(c.exec, c)
	unbind := execctx.Bind(c.exec)
	c.unbind = unbind
	return unbind
}

func (c *core) leaveThread() {
	if c.unbind != nil {
		c.unbind()
	}
	c.crash.Drop()
	coreOf.Delete(c.exec)
}

// requestStopBy asks the actor to stop: body actors see their inbox close and
// their context cancelled; handler actors get a Stop system message. by is the
// deadline the stop waits until (zero: none), which the actor's Context
// reports as its Deadline.
func (c *core) requestStopBy(by time.Time) {
	if !by.IsZero() {
		c.stopBy.CompareAndSwap(0, by.UnixNano())
	}
	c.cancel()
	switch c.kind {
	case kindBody:
		// What was queued will never be received: count it now, closeInbox
		// finds the inbox already emptied.
		c.sh.deadLetters.Add(uint64(c.in.close()))
		c.closePorts()
		c.ev.Signal()
	case kindHandler:
		c.sys.proto.Root.Stop(c.pid)
	}
}

// closeInbox closes the actor's inbox (or mailbox) to senders, who get
// ErrClosed from now on, and counts what was still queued as dead letters.
func (c *core) closeInbox() {
	switch c.kind {
	case kindBody:
		c.sh.deadLetters.Add(uint64(c.in.close() + c.in.drain()))
	case kindHandler:
		c.sh.deadLetters.Add(uint64(c.mb.close()))
	}
}

// finish records the result and wakes everything that waits for the actor.
// It runs on the actor's goroutine.
func (c *core) finish(result any, err error) {
	c.result, c.err = result, err
	c.cancel()
	// Messages still queued will never be received.
	c.closeInbox()
	c.closePorts()
	c.failCalls()
	c.wakeSpaceWaiters()
	close(c.done)
	c.watchMu.Lock()
	for ev := range c.watchers {
		ev.Signal()
	}
	c.watchMu.Unlock()
	c.sys.remove(c)
}

func (c *core) isDone() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// watch registers ev to be signalled when the actor finishes.
func (c *core) watch(ev *osthread.Event) func() {
	c.watchMu.Lock()
	if c.watchers == nil {
		c.watchers = make(map[*osthread.Event]struct{})
	}
	c.watchers[ev] = struct{}{}
	c.watchMu.Unlock()
	if c.isDone() {
		ev.Signal()
	}
	return func() {
		c.watchMu.Lock()
		delete(c.watchers, ev)
		c.watchMu.Unlock()
	}
}

// awaitExit waits until the actor's goroutine has exited.
func (c *core) awaitExit(ctx context.Context, self *core) error {
	return await(ctx, self, c, func() bool {
		select {
		case <-c.exited:
			return true
		default:
			return false
		}
	}, func(ev *osthread.Event) func() {
		unwatch := c.watch(ev)
		// done closes just before exited: poll the short gap.
		stop := make(chan struct{})
		go func() {
			select {
			case <-c.exited:
				ev.Signal()
			case <-stop:
			}
		}()
		return func() { close(stop); unwatch() }
	})
}

// await blocks until ready() reports true or ctx is done. self is the
// calling actor (nil for a plain goroutine): it waits on its own event,
// gives its execution token up while waiting, and keeps running the calls
// that other threads queue for it (execctx.Hooks.RunOnThread). target is the
// actor waited for, if any, for deadlock detection. watch registers the
// event to signal when ready may have become true and returns the
// unregistration.
func await(ctx context.Context, self, target *core, ready func() bool, watch func(*osthread.Event) func()) error {
	if ready() {
		return nil
	}
	ev := waitEvent(self)
	defer releaseWaitEvent(self, ev)
	if watch != nil {
		defer watch(ev)()
	}
	if ctx.Done() != nil {
		defer context.AfterFunc(ctx, ev.Signal)()
	}
	if self != nil {
		if target != nil {
			self.waitingOn.Store(target)
			defer self.waitingOn.Store(nil)
		}
		self.exec.Leave()
		defer self.exec.Enter()
	}
	for {
		if ready() {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if self != nil {
			self.serviceCalls(false)
			if ready() {
				return nil
			}
		}
		ev.Wait()
	}
}

// call is a closure queued by RunOnThread.
type call struct {
	ctx  context.Context
	f    func()
	ev   *osthread.Event // the caller's event
	err  error           // written before done is set
	done atomic.Bool
}

func (cl *call) finish(err error) {
	cl.err = err
	cl.done.Store(true)
	cl.ev.Signal()
}

// runOnThread implements execctx.Hooks.RunOnThread: f runs on the actor's
// own thread, between messages or while the actor waits, holding the
// execution token. Called on the actor's own goroutine, f runs inline. A
// panic in f is returned as a *PanicError.
//
// The actor's thread is not an osthread.Thread: it runs the actor's own
// loop (its body or its mailbox) and the queued calls in its gaps, wherever
// the actor waits (await, serviceCalls), so the queue is the actor's; the
// park and hand-off (osthread.Event, osthread.ReplyEvent) are osthread's.
func (c *core) runOnThread(ctx context.Context, f func()) error {
	if c.exec.OnOwnGoroutine() {
		f()
		return nil
	}
	if c.isDone() {
		return errClosedActor(c.name)
	}
	if c.exec.GuestHere() {
		// A callback inside c on a foreign thread holds c's token, which c's
		// thread needs to run f.
		return fmt.Errorf("actor: call to run on %q from a callback running inside it on another thread: %w", c.name, safety.ErrWouldDeadlock)
	}
	if !c.pinned {
		// No thread to run on: run under the actor's token, which makes f
		// exclusive with the actor's own work.
		if err := c.exec.Acquire(ctx); err != nil {
			return err
		}
		defer c.exec.Release()
		return runRecover(f)
	}
	// A target that waits on the caller (Value, Join, Request, Select,
	// Receive) serves calls while it waits, so a cycle of actors waiting
	// on each other cannot hang here. What remains is an actor calling
	// itself from another goroutine it waits for, which ctx bounds.
	self := current()
	if self != nil && !self.exec.OnOwnGoroutine() {
		if err := guestCall(self, c); err != nil {
			return err
		}
		self = nil // a guest waits as a plain goroutine: self's event is not its
	}
	ev := waitEvent(self)
	defer releaseWaitEvent(self, ev)
	cl := &call{ctx: ctx, f: f, ev: ev}
	c.callMu.Lock()
	c.calls = append(c.calls, cl)
	c.nCalls.Store(int32(len(c.calls)))
	c.callMu.Unlock()
	if c.isDone() {
		c.failCalls()
	}
	c.ev.Signal()
	if err := await(ctx, self, c, cl.done.Load, nil); err != nil {
		return err
	}
	return cl.err
}

// guestCall refuses a call that a callback running inside self on a thread
// C created (execctx.BindGuest) forwards to c when c cannot run it: self is
// waiting for c (c is most likely running self's own call, the one that made
// the callback), or c's thread is inside a native call (most likely the one
// waiting for this callback).
func guestCall(self, c *core) error {
	switch {
	case self.waitingOn.Load() == c:
		return fmt.Errorf("actor: call to run on %q from a callback of actor %q on a foreign thread while %q waits for %q: %w", c.name, self.name, self.name, c.name, safety.ErrWouldDeadlock)
	case c.exec.InNative():
		return fmt.Errorf("actor: call to run on %q from a callback of actor %q on a foreign thread while %q is inside a native call: %w", c.name, self.name, c.name, safety.ErrWouldDeadlock)
	}
	return nil
}

// serviceCalls runs the queued calls on the actor's goroutine. holding says
// whether the caller already holds the execution token.
func (c *core) serviceCalls(holding bool) {
	if c.nCalls.Load() == 0 {
		return
	}
	for _, cl := range c.takeCalls() {
		if err := cl.ctx.Err(); err != nil {
			cl.finish(err)
			continue
		}
		if !holding {
			c.exec.Enter()
		}
		err := runRecover(cl.f)
		if !holding {
			c.exec.Leave()
		}
		cl.finish(err)
	}
}

func (c *core) failCalls() {
	for _, cl := range c.takeCalls() {
		cl.finish(errClosedActor(c.name))
	}
}

// takeCalls empties the call queue and returns what it held.
func (c *core) takeCalls() []*call {
	c.callMu.Lock()
	defer c.callMu.Unlock()
	calls := c.calls
	c.calls = nil
	c.nCalls.Store(0)
	return calls
}

func runRecover(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = newPanicError(r, debug.Stack())
		}
	}()
	f()
	return nil
}

// fail implements execctx.Hooks.Fail. It never blocks: it may run on a
// foreign thread (a callback's panic), possibly while the actor's own thread
// waits for that thread inside a native call. It takes only short internal
// locks and signals the actor.
func (c *core) fail(err error) {
	if err == nil || c.isDone() {
		return
	}
	kind := c.kind
	if c.lingering.Load() {
		// The work is done and the mailbox closed: keep the error for the
		// actor's result.
		kind = kindBody
	}
	switch kind {
	case kindBody:
		// Every error is kept: each one is a call that did not run (or
		// ran and failed), and Receive returns them one at a time.
		c.failMu.Lock()
		c.failErrs = append(c.failErrs, err)
		c.hasFail.Store(true)
		c.failMu.Unlock()
		c.ev.Signal()
	case kindHandler:
		c.mb.PostUserMessage(&failMsg{err: err})
	}
}

// takeFail returns the oldest error raised through Hooks.Fail and not yet
// surfaced, or nil.
func (c *core) takeFail() error {
	c.failMu.Lock()
	defer c.failMu.Unlock()
	if len(c.failErrs) == 0 {
		return nil
	}
	err := c.failErrs[0]
	c.failErrs[0] = nil
	c.failErrs = c.failErrs[1:]
	if len(c.failErrs) == 0 {
		c.failErrs = nil
		c.hasFail.Store(false)
	}
	return err
}

// takeAllFail returns every error raised through Hooks.Fail and not yet
// surfaced, joined (errors.Join), or nil: the actor's result carries them
// all when its body has returned.
func (c *core) takeAllFail() error {
	c.failMu.Lock()
	errs := c.failErrs
	c.failErrs = nil
	c.hasFail.Store(false)
	c.failMu.Unlock()
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

func (c *core) closePorts() {
	c.portMu.Lock()
	ports := c.ports
	c.ports = nil
	c.portMu.Unlock()
	for _, p := range ports {
		p.close()
	}
}

// deadline is the deadline of the stop requested for the actor, if any.
func (c *core) deadline() (time.Time, bool) {
	if by := c.stopBy.Load(); by != 0 {
		return time.Unix(0, by), true
	}
	return time.Time{}, false
}
