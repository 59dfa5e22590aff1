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
	"go.uber.org/zap"

	"github.com/goractor/goractor/internal/osthread"
)

// Handler is a message-handler actor, protoactor's Receive style: Receive is
// called once per message, on the actor's own thread, never concurrently.
// Besides user messages it gets the lifecycle messages Started (first, and
// after every restart), Restarting, Stopping and Stopped.
type Handler interface {
	Receive(hc *HandlerContext, msg any)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(hc *HandlerContext, msg any)

// Receive calls f.
func (f HandlerFunc) Receive(hc *HandlerContext, msg any) { f(hc, msg) }

// Lifecycle messages delivered to a Handler.
type (
	// Started is the first message of every incarnation (after a restart
	// too). It runs on the actor's own thread: do thread-specific setup
	// (native handles, thread-local state) here or in the producer, which
	// also runs on that thread.
	Started struct{}
	// Restarting is the last message of an incarnation that failed and is
	// about to be replaced by a fresh one from the producer.
	Restarting struct{}
	// Stopping is delivered when the actor is asked to stop. A panic here is
	// logged and does not prevent the stop.
	Stopping struct{}
	// Stopped is the very last message. A panic here is logged.
	Stopped struct{}
)

// Failure describes a failure of a handler actor: a panic in Receive (or in
// its producer), or an error raised on its behalf by another thread.
type Failure struct {
	Actor     string // the actor's name
	Message   any    // the message being handled, nil when none was
	Err       error  // a *PanicError, or the error raised on the actor's behalf
	Failures  int    // failures within the restart window, this one included
	Restarted bool   // true: restarted with fresh state; false: stopped
}

// HandlerContext is what a Handler sees while it handles one message. It is
// valid only during that Receive call, on the actor's thread.
type HandlerContext struct {
	c   *core
	env *envelope
}

// Self returns the actor's own Ref.
func (hc *HandlerContext) Self() *Ref { return hc.c.ref }

// Name returns the actor's name.
func (hc *HandlerContext) Name() string { return hc.c.name }

// ThreadID returns the kernel id of the actor's OS thread (0 if unpinned).
func (hc *HandlerContext) ThreadID() int { return int(hc.c.tid.Load()) }

// Logger returns the system's logger with the actor's name attached.
func (hc *HandlerContext) Logger() *zap.Logger {
	return hc.c.sys.log.With(zap.String("actor", hc.c.name))
}

// Sender returns the Ref of the actor that sent the current message with
// HandlerContext.Send or Ref.Request from an actor, or nil.
func (hc *HandlerContext) Sender() *Ref {
	if hc.env == nil || hc.env.sender == nil {
		return nil
	}
	return hc.env.sender.ref
}

// Send sends msg to another actor with this actor as its sender, so the
// receiving handler can answer through Sender. It is Ref.Send otherwise.
func (hc *HandlerContext) Send(to *Ref, msg any) error {
	if to.c.kind != kindHandler {
		return to.Send(msg)
	}
	env := envPool.Get().(*envelope)
	env.sender, env.pooled = hc.c, true
	err := to.c.send(nil, msg, env, false, to.c.overflow == OverflowBlock)
	if err != nil {
		// Not enqueued: nobody else holds it.
		env.recycle()
	}
	return err
}

// envPool recycles the envelopes of HandlerContext.Send: one per message on
// the handler-to-handler path otherwise.
var envPool = sync.Pool{New: func() any { return new(envelope) }}

// recycle returns a pooled envelope once nothing refers to it any more.
func (e *envelope) recycle() {
	if !e.pooled {
		return
	}
	*e = envelope{}
	envPool.Put(e)
}

// Respond answers the current message's Request. The reply crosses the
// isolation gate; if it cannot, Respond returns the *shareable.IsolationError
// and the requester gets it too. Respond without a pending request, or a
// second Respond, returns an error and does nothing.
func (hc *HandlerContext) Respond(v any) error {
	if hc.env == nil || hc.env.reply == nil {
		return errors.New("actor: respond without a pending request")
	}
	rv, err := pass(v)
	if !hc.env.reply.complete(rv, err) {
		return errors.New("actor: request already answered")
	}
	return err
}

// Stop asks the actor itself to stop after the current message.
func (hc *HandlerContext) Stop() { hc.c.sys.proto.Root.Stop(hc.c.pid) }

// envelope carries a message with its sender and reply slot.
type envelope struct {
	msg    any
	sender *core
	reply  *reply
	pooled bool // from envPool (HandlerContext.Send, no reply)
}

// reply is a request's one-shot answer.
type reply struct {
	ev   *osthread.Event  // the requester's event
	fn   func(any, error) // instead of ev: RequestFunc's callback
	v    any              // written before done is set
	err  error
	done atomic.Bool
	once atomic.Bool
}

func (r *reply) complete(v any, err error) bool {
	if !r.once.CompareAndSwap(false, true) {
		return false
	}
	if r.fn != nil {
		r.fn(v, err)
		return true
	}
	r.v, r.err = v, err
	r.done.Store(true)
	r.ev.Signal()
	return true
}

// failMsg is an error raised on a handler actor's behalf (Hooks.Fail).
type failMsg struct{ err error }

// SpawnHandler starts a message-handler actor on a new OS thread of its own
// (unless Unpinned). producer makes the Handler; it runs on the actor's
// thread, before Started, and again for every restart, so each incarnation
// starts from fresh state. A panic in Receive is a failure: the actor is
// restarted (the message is reported in the Failure, not redelivered) until
// the restart intensity (WithRestarts) is exceeded, then stopped.
func (cx *Context) SpawnHandler(producer func() Handler, opts ...SpawnOption) (*Ref, error) {
	return cx.c.sys.spawnHandler(producer, opts)
}

func (s *System) spawnHandler(producer func() Handler, opts []SpawnOption) (*Ref, error) {
	if producer == nil {
		panic("actor: SpawnHandler with nil producer")
	}
	cfg := newSpawnConfig(opts)
	if len(cfg.args) > 0 {
		return nil, errors.New("actor: WithArgs is for body actors; pass state through the producer")
	}
	c := s.newCore(cfg.name, kindHandler, !cfg.unpinned, false)
	c.configure(&cfg)
	c.pidReady = make(chan struct{})
	c.mb = &mailbox{c: c}
	c.mb.run = c.mb.process
	var disp proto.Dispatcher
	var td *threadDispatcher
	if c.pinned {
		td = &threadDispatcher{c: c}
		disp = td
	} else {
		disp = proto.NewDefaultDispatcher(300)
	}
	props := proto.PropsFromProducer(func() proto.Actor { return &shell{c: c, producer: producer} },
		proto.WithMailbox(func() proto.Mailbox { return c.mb }),
		proto.WithDispatcher(disp),
		proto.WithGuardian(s.strategy),
	)
	if c.pinned {
		c.startPinned(td.loop)
	}
	pid, err := s.proto.Root.SpawnNamed(props, fmt.Sprintf("%s#%d", c.name, c.id))
	if err != nil {
		// Unreachable: names carry a unique id. Release the thread anyway.
		close(c.pidReady)
		c.stopped.Store(true)
		c.ev.Signal()
		return nil, fmt.Errorf("actor: spawn %q: %w", c.name, err)
	}
	c.pid = pid
	// Known to the supervisor before the first activation may run: a
	// failure in Started must find its actor, not be taken for a stranger's
	// and stopped without a trace.
	s.byPID.Store(pid.Id, c)
	close(c.pidReady)
	// Registered only now that it has a PID, so that a concurrent Stop
	// can stop it.
	if err := s.add(c); err != nil {
		s.proto.Root.Stop(pid)
		return nil, err
	}
	return c.ref, nil
}

// Request sends msg to a handler actor and waits for its Respond, or for
// ctx. The message and the reply both cross the isolation gate. If the
// handler fails on the message, the error is a *RemoteError; if it returns
// without responding, or stops, the error wraps ErrNoReply or ErrClosed.
// While it waits, an actor keeps serving calls other threads run on it.
func (r *Ref) Request(ctx context.Context, msg any) (any, error) {
	c := r.c
	if c.kind == kindRemote {
		return c.requestRemote(ctx, msg)
	}
	if c.kind != kindHandler {
		return nil, fmt.Errorf("actor: request to %q: %w", c.name, ErrNotHandler)
	}
	if c.exec.OnOwnGoroutine() {
		return nil, fmt.Errorf("actor: %q requests from itself: %w", c.name, errSelfSend)
	}
	self := current()
	ev := waitEvent(self)
	defer releaseWaitEvent(self, ev)
	rep := &reply{ev: ev}
	if err := c.send(ctx, msg, &envelope{sender: self, reply: rep}, false, c.overflow == OverflowBlock); err != nil {
		return nil, err
	}
	if err := await(ctx, self, c, rep.done.Load, nil); err != nil {
		return nil, err
	}
	return rep.v, rep.err
}

// shell is the protoactor Actor behind every handler actor. protoactor runs
// Producers on the spawner's thread; the shell defers the user's producer to
// Started, which runs on the actor's own thread.
type shell struct {
	c        *core
	producer func() Handler
	h        Handler
	hc       HandlerContext
}

func (a *shell) Receive(pc proto.Context) {
	c := a.c
	a.hc.c = c
	switch m := pc.Message().(type) {
	case *proto.Started:
		a.h = a.producer()
		a.h.Receive(&a.hc, Started{})
		c.lastFailure.Store(nil)
	case *proto.Restarting:
		if a.h != nil {
			a.h.Receive(&a.hc, Restarting{})
		}
	case *proto.Stopping:
		a.lifecycle(Stopping{})
	case *proto.Stopped:
		a.lifecycle(Stopped{})
		c.stopped.Store(true)
	case *envelope:
		a.hc.env = m
		a.h.Receive(&a.hc, m.msg)
		a.hc.env = nil
		if m.reply != nil {
			m.reply.complete(nil, fmt.Errorf("actor: %q: %w", c.name, ErrNoReply))
		}
		// Handled without a panic (a panic reports the envelope to the
		// supervisor, which reads it later): nothing refers to it now.
		m.recycle()
	case proto.AutoReceiveMessage, proto.SystemMessage:
		// protoactor's own control messages; not for the user.
	default:
		if a.h != nil {
			a.h.Receive(&a.hc, m)
		}
	}
}

// lifecycle delivers Stopping/Stopped; a panic there is logged and does not
// resurrect the actor (protoactor-go#214).
func (a *shell) lifecycle(msg any) {
	if a.h == nil {
		return
	}
	if err := runRecover(func() { a.h.Receive(&a.hc, msg) }); err != nil {
		a.c.sys.log.Error("actor: panic in lifecycle hook", zap.String("actor", a.c.name), zap.String("hook", fmt.Sprintf("%T", msg)), zap.Error(err))
		a.c.sys.stats.failures.Add(1)
	}
}

// strategy supervises every handler actor of a system (one protoactor
// guardian for all); each actor's limits live in its core.
type strategy struct{ sys *System }

var _ proto.SupervisorStrategy = (*strategy)(nil)

func (st *strategy) HandleFailure(_ *proto.ActorSystem, sup proto.Supervisor, child *proto.PID, rs *proto.RestartStatistics, reason, message any) {
	s := st.sys
	v, ok := s.byPID.Load(child.Id)
	if !ok {
		sup.StopChildren(child)
		return
	}
	c := v.(*core)
	err, _ := reason.(error)
	if err == nil {
		err = newPanicError(reason, nil)
	}
	if env, ok := message.(*envelope); ok {
		message = env.msg
	}
	rs.Fail()
	n := rs.NumberOfFailures(c.within)
	restart := c.maxRestarts > 0 && n <= c.maxRestarts
	s.stats.failures.Add(1)
	c.lastFailure.Store(&err)
	f := Failure{Actor: c.name, Message: message, Err: err, Failures: n, Restarted: restart}
	s.log.Warn("actor: handler failed", zap.String("actor", c.name), zap.Error(err), zap.Int("failures", n), zap.Bool("restart", restart))
	if s.onFailure != nil {
		s.onFailure(f)
	}
	if restart {
		s.stats.restarts.Add(1)
		sup.RestartChildren(child)
	} else {
		rs.Reset()
		sup.StopChildren(child)
	}
}

// mailbox is the protoactor Mailbox of every handler actor. Unlike
// protoactor's default mailbox it never calls runtime.Gosched (an extra
// thread hand-off on a locked thread), counts messages for Stats, releases
// bounded-mailbox slots, serves RunOnThread calls between messages, and
// closes when the actor stops.
type mailbox struct {
	c       *core
	invoker proto.MessageInvoker
	disp    proto.Dispatcher
	run     func() // process, bound once

	status    atomic.Int32 // 0 idle, 1 scheduled or running
	suspended atomic.Bool
	nSys      atomic.Int32
	nUser     atomic.Int32

	sysMu sync.Mutex // protects sys
	sys   []any

	userMu sync.Mutex // protects user, closed
	user   []item
	closed bool

	finished atomic.Bool // an unpinned actor's end has been run

	// Owned by the goroutine running process.
	batch []item
	pos   int
}

// item is a queued user message; counted says it came through send (and
// so counts in Stats and holds a bounded-mailbox slot).
type item struct {
	msg     any
	counted bool
}

var _ proto.Mailbox = (*mailbox)(nil)

func (m *mailbox) PostUserMessage(msg any) {
	if !m.post(msg, false) {
		if env, ok := msg.(*envelope); ok && env.reply != nil {
			env.reply.complete(nil, errClosedActor(m.c.name))
		}
	}
}

func (m *mailbox) post(msg any, counted bool) bool {
	m.userMu.Lock()
	if m.closed {
		m.userMu.Unlock()
		return false
	}
	m.user = append(m.user, item{msg, counted})
	m.nUser.Add(1)
	m.userMu.Unlock()
	m.schedule()
	return true
}

func (m *mailbox) PostSystemMessage(msg any) {
	m.sysMu.Lock()
	m.sys = append(m.sys, msg)
	m.nSys.Add(1)
	m.sysMu.Unlock()
	m.schedule()
}

func (m *mailbox) RegisterHandlers(invoker proto.MessageInvoker, disp proto.Dispatcher) {
	m.invoker, m.disp = invoker, disp
}

func (m *mailbox) Start() {}

func (m *mailbox) UserMessageCount() int { return int(m.nUser.Load()) }

func (m *mailbox) schedule() {
	if m.status.CompareAndSwap(0, 1) {
		m.disp.Schedule(m.run)
	}
}

// process runs queued messages until none is left (or the mailbox is
// suspended), holding the actor's execution token.
func (m *mailbox) process() {
	c := m.c
	<-c.pidReady // the first activation can run before SpawnNamed returns
	if c.stopped.Load() {
		return
	}
	c.exec.Enter()
	returned := false
	defer func() {
		if returned {
			return
		}
		// The handler called runtime.Goexit: runBatch reported it as a
		// failure; give the token and the mailbox back for what follows
		// (the supervisor's decision, the next messages).
		c.exec.Leave()
		m.status.Store(0)
		if m.nSys.Load() > 0 || m.nUser.Load() > 0 {
			m.schedule()
		}
	}()
	m.drainAll()
	returned = true
	c.exec.Leave()
	if c.stopped.Load() && !c.pinned && m.finished.CompareAndSwap(false, true) {
		c.linger(nil)
		c.closeCallbacks()
		c.finishHandler()
		close(c.exited)
	}
}

// drainAll runs batches until the mailbox is empty, suspended or stopped.
func (m *mailbox) drainAll() {
	c := m.c
	for {
		m.runBatch()
		if c.stopped.Load() {
			return
		}
		m.status.Store(0)
		if m.nSys.Load() > 0 || (!m.suspended.Load() && m.nUser.Load() > 0) {
			if m.status.CompareAndSwap(0, 1) {
				continue
			}
		}
		return
	}
}

func (m *mailbox) popSys() (any, bool) {
	if m.nSys.Load() == 0 {
		return nil, false
	}
	m.sysMu.Lock()
	defer m.sysMu.Unlock()
	if len(m.sys) == 0 {
		return nil, false
	}
	v := m.sys[0]
	m.sys[0] = nil
	m.sys = m.sys[1:]
	m.nSys.Add(-1)
	return v, true
}

func (m *mailbox) popUser() (item, bool) {
	if m.pos < len(m.batch) {
		it := m.batch[m.pos]
		m.batch[m.pos] = item{}
		m.pos++
		m.nUser.Add(-1)
		return it, true
	}
	if m.nUser.Load() == 0 {
		return item{}, false
	}
	m.userMu.Lock()
	if len(m.user) == 0 {
		m.userMu.Unlock()
		return item{}, false
	}
	old := m.batch[:0]
	m.batch, m.user = m.user, old
	m.userMu.Unlock()
	m.pos = 1
	it := m.batch[0]
	m.batch[0] = item{}
	m.nUser.Add(-1)
	return it, true
}

func (m *mailbox) runBatch() {
	c := m.c
	var cur any
	returned := false
	defer func() {
		var cause error
		if r := recover(); r != nil {
			cause = newPanicError(r, debug.Stack())
		} else if !returned {
			cause = goexitError() // runtime.Goexit: fail as a panic would
		} else {
			return
		}
		if env, ok := cur.(*envelope); ok && env.reply != nil {
			env.reply.complete(nil, &RemoteError{Actor: c.name, Cause: cause})
		}
		m.invoker.EscalateFailure(cause, cur)
	}()
	m.batch1(&cur)
	returned = true
}

// batch1 is runBatch's loop; *cur is the message being handled.
func (m *mailbox) batch1(cur *any) {
	c := m.c
	for !c.stopped.Load() {
		if c.pinned {
			c.serviceCalls(true)
		}
		if msg, ok := m.popSys(); ok {
			switch msg.(type) {
			case *proto.SuspendMailbox:
				m.suspended.Store(true)
			case *proto.ResumeMailbox:
				m.suspended.Store(false)
			default:
				m.invoker.InvokeSystemMessage(msg)
			}
			continue
		}
		if m.suspended.Load() {
			return
		}
		it, ok := m.popUser()
		if !ok {
			return
		}
		if it.counted {
			c.gotMessage()
		}
		if fm, ok := it.msg.(*failMsg); ok {
			m.invoker.EscalateFailure(fm.err, nil)
			continue
		}
		*cur = it.msg
		m.invoker.InvokeUserMessage(it.msg)
		*cur = nil
	}
}

// close closes the mailbox and returns how many counted messages it
// discarded. Pending requests get ErrClosed.
func (m *mailbox) close() int {
	m.userMu.Lock()
	m.closed = true
	rest := append(m.user, m.batch[min(m.pos, len(m.batch)):]...)
	m.user, m.batch, m.pos = nil, nil, 0
	m.userMu.Unlock()
	n := 0
	for _, it := range rest {
		if it.counted {
			n++
			m.c.release()
		}
		if env, ok := it.msg.(*envelope); ok && env.reply != nil {
			env.reply.complete(nil, errClosedActor(m.c.name))
		}
	}
	return n
}

// finishHandler ends a handler actor whose Stopped has run.
func (c *core) finishHandler() {
	c.sys.byPID.Delete(c.pid.Id)
	var err error
	if p := c.lastFailure.Load(); p != nil {
		err = &RemoteError{Actor: c.name, Cause: *p}
	}
	if f := c.lateFail(); f != nil {
		c.sys.stats.failures.Add(1)
		c.sys.log.Warn("actor: failure raised while lingering for callbacks", zap.String("actor", c.name), zap.Error(f))
		if err == nil {
			err = &RemoteError{Actor: c.name, Cause: f}
		}
	}
	c.finish(nil, err)
}

// threadDispatcher runs a handler actor's mailbox on the actor's own OS
// thread. protoactor's mailbox guarantees at most one pending Schedule.
type threadDispatcher struct {
	c   *core
	mu  sync.Mutex // protects fns
	fns []func()
}

var _ proto.Dispatcher = (*threadDispatcher)(nil)

// Schedule queues fn for the actor's thread and wakes it.
func (d *threadDispatcher) Schedule(fn func()) {
	d.mu.Lock()
	d.fns = append(d.fns, fn)
	d.mu.Unlock()
	d.c.ev.Signal()
}

// Throughput is protoactor's batch hint; this dispatcher drains until empty.
func (d *threadDispatcher) Throughput() int { return 300 }

func (d *threadDispatcher) take() func() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.fns) == 0 {
		return nil
	}
	fn := d.fns[0]
	d.fns[0] = nil
	if len(d.fns) == 1 {
		d.fns = d.fns[:0] // reuse the array: usually one fn is pending
	} else {
		d.fns = d.fns[1:]
	}
	return fn
}

// loop is the body of the actor's locked goroutine.
func (d *threadDispatcher) loop() {
	c := d.c
	for !c.stopped.Load() {
		c.serviceCalls(false)
		if fn := d.take(); fn != nil {
			fn()
			continue
		}
		c.ev.Wait()
	}
	<-c.pidReady
	if c.pid != nil {
		c.linger(nil)
		c.closeCallbacks()
		c.finishHandler()
	} else {
		// Spawn failed before protoactor knew the actor.
		c.finish(nil, nil)
	}
}

var _ = time.Second
