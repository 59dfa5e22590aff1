package actor

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/osthread"
)

func init() {
	// Keep the main goroutine on the process's main thread, so that Run,
	// called from main(), can give the main actor the main thread (native
	// libraries such as GUI toolkits insist on it). This is the recipe of the
	// Go wiki's LockOSThread page and of golang.design/x/mainthread.
	runtime.LockOSThread()
}

// System is a running set of actors: the one Run starts. All methods are safe
// for concurrent use.
type System struct {
	log       *zap.Logger
	slog      *slog.Logger // writes into log's core (zapslog)
	proto     *proto.ActorSystem
	strategy  *strategy
	onFailure func(Failure)
	spin      time.Duration
	procs     int // runConfig.procs
	shutdown  time.Duration

	mu       sync.Mutex // protects actors, stopping
	actors   map[*core]struct{}
	stopping bool

	nextID atomic.Uint64
	byPID  sync.Map // protoactor PID id -> *core, for supervision
	stats  counters
	meter  metric.MeterProvider // WithMeterProvider; nil: no metrics
}

// counters are the system's tallies. Message counts are sharded by the
// receiving actor: senders write the sender side of a shard, the receiver
// its own line, so a pair of actors exchanging messages never write the
// same cache line (a shared counter cost two cache-line transfers per hop).
type counters struct {
	shards   [16]shard
	spawned  atomic.Uint64
	restarts atomic.Uint64
	failures atomic.Uint64
}

type shard struct {
	sent        atomic.Uint64 // sender side
	rejected    atomic.Uint64
	rejectFull  atomic.Uint64 // of rejected: a full mailbox (the rest: the send gate)
	dropped     atomic.Uint64
	deadLetters atomic.Uint64
	_           [24]byte
	received    atomic.Uint64 // receiver side
	_           [56]byte
}

// gate counts msg as sent and passes it through the send gate, moving it
// when move is set; a refusal is counted as rejected.
func (sh *shard) gate(msg any, move bool) (v any, err error) {
	sh.sent.Add(1)
	if move {
		v, err = passMove(msg)
	} else {
		v, err = pass(msg)
	}
	if err != nil {
		sh.rejected.Add(1)
	}
	return v, err
}

// of returns the shard of the actor with id.
func (cs *counters) of(id uint64) *shard { return &cs.shards[id&15] }

// Stats is a snapshot of a system's counters. Once every actor has stopped,
// Sent == Received + Rejected + Dropped + DeadLetters.
type Stats struct {
	Sent        uint64 // messages offered to Send, Request, Port.Send and friends
	Received    uint64 // messages handed to a body (Receive, Select) or a handler
	Rejected    uint64 // refused by the send gate (isolation) or a full mailbox
	Dropped     uint64 // discarded by an OverflowDrop mailbox
	DeadLetters uint64 // sent to a closed actor or port, or left queued when it closed
	Spawned     uint64 // actors started, the main actor included
	Running     int    // actors not yet finished
	Failures    uint64 // failures of handler actors (panics, Fail)
	Restarts    uint64 // restarts by supervision
}

// Stats returns a snapshot of the system's counters.
func (s *System) Stats() Stats {
	s.mu.Lock()
	running := len(s.actors)
	s.mu.Unlock()
	var st Stats
	for i := range s.stats.shards {
		sh := &s.stats.shards[i]
		st.Sent += sh.sent.Load()
		st.Received += sh.received.Load()
		st.Rejected += sh.rejected.Load()
		st.Dropped += sh.dropped.Load()
		st.DeadLetters += sh.deadLetters.Load()
	}
	return Stats{
		Sent:        st.Sent,
		Received:    st.Received,
		Rejected:    st.Rejected,
		Dropped:     st.Dropped,
		DeadLetters: st.DeadLetters,
		Spawned:     s.stats.spawned.Load(),
		Running:     running,
		Failures:    s.stats.failures.Load(),
		Restarts:    s.stats.restarts.Load(),
	}
}

// Logger returns the system's logger (never nil).
func (s *System) Logger() *zap.Logger { return s.log }

// Slog returns the system's logger as a *slog.Logger (never nil), for code
// and libraries that take the standard library's logger. It writes into the
// core of the zap logger that WithLogger set, through zapslog, so records
// logged either way reach the same place, in one stream; with WithSlog it is
// the logger given there.
func (s *System) Slog() *slog.Logger { return s.slog }

func newSystem(opts []Option) *System {
	cfg := runConfig{shutdown: 10 * time.Second, spin: defaultSpin}
	for _, o := range opts {
		o.applyRun(&cfg)
	}
	if runtime.GOMAXPROCS(0) < 2 || runtime.NumCPU() < 2 {
		cfg.spin = 0 // nobody else can run while we spin
	}
	if cfg.log == nil {
		cfg.log = zap.NewNop()
	}
	if cfg.slog == nil {
		cfg.slog = slog.New(zapslog.NewHandler(cfg.log.Core()))
	}
	s := &System{
		log:       cfg.log,
		slog:      cfg.slog,
		onFailure: cfg.onFailure,
		spin:      cfg.spin,
		procs:     cfg.procs,
		shutdown:  cfg.shutdown,
		actors:    make(map[*core]struct{}),
		meter:     cfg.meter,
	}
	s.strategy = &strategy{sys: s}
	core := cfg.log.Core()
	s.proto = proto.NewActorSystemWithConfig(proto.Configure(
		// protoactor logs through slog; route it into zap. Its default
		// handler (tint) writes ANSI colour to stderr and must never be used.
		proto.WithLoggerFactory(func(as *proto.ActorSystem) *slog.Logger {
			return slog.New(zapslog.NewHandler(core, zapslog.WithName("protoactor"))).With("system", as.ID)
		}),
		// The dead-letter throttle starts a goroutine per period; keep the
		// period short so it does not outlive the system by much.
		proto.WithDeadLetterThrottleInterval(50*time.Millisecond),
	))
	return s
}

// add registers a new actor; it fails once the system is stopping.
func (s *System) add(c *core) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return ErrStopping
	}
	s.actors[c] = struct{}{}
	s.stats.spawned.Add(1)
	return nil
}

func (s *System) remove(c *core) {
	s.mu.Lock()
	delete(s.actors, c)
	s.mu.Unlock()
}

// Stop stops every actor except the caller (when the caller is an actor) and
// waits until they have finished and released their threads, or until ctx is
// done. Body actors see their inbox close (Receive returns ErrClosed) and
// their Context's Done channel close; handler actors get Stopping and Stopped.
// Actors that own ref'ed callbacks (see docs/callbacks.md) stay alive until
// those are unref'ed or closed, or until ctx is done: then they close them and
// end. Stop cannot interrupt Go code or a native call: actors still running at
// the deadline are listed in a *ShutdownError (errors.Is ErrShutdownTimeout).
// After Stop no actor can be spawned.
func (s *System) Stop(ctx context.Context) error {
	self := current()
	s.mu.Lock()
	s.stopping = true
	var all []*core
	for c := range s.actors {
		if c != self && !c.main {
			all = append(all, c)
		}
	}
	s.mu.Unlock()
	by, _ := ctx.Deadline()
	for _, c := range all {
		c.requestStopBy(by)
	}
	var late []*core
	for _, c := range all {
		if err := c.awaitExit(ctx, self); err != nil {
			late = append(late, c)
		}
	}
	if len(late) == 0 {
		return nil
	}
	// Deadline. Actors kept alive by ref'ed callbacks close them and end;
	// actors stuck in Go or native code cannot be interrupted.
	err := &ShutdownError{}
	for _, c := range late {
		err.Stuck = append(err.Stuck, c.name)
		if c.lingering.Load() {
			err.Lingering = append(err.Lingering, c.name)
		}
		c.forceEnd()
	}
	// Only lingering actors end on forceEnd: wait the short grace for them
	// alone. An actor stuck in Go or native code would only make Stop
	// overrun its deadline by the whole grace.
	grace, cancel := context.WithTimeout(context.Background(), forceGrace)
	for _, c := range late {
		if c.lingering.Load() {
			_ = c.awaitExit(grace, self)
		}
	}
	cancel()
	slices.Sort(err.Stuck)
	slices.Sort(err.Lingering)
	s.log.Error("actor: shutdown timed out", zap.Strings("stuck", err.Stuck), zap.Strings("lingering", err.Lingering))
	return err
}

// forceGrace bounds how long Stop waits, after its deadline, for lingering
// actors it forced to close their callbacks and end (and only for those).
const forceGrace = time.Second

// addLingering adds an actor forced to end with ref'ed callbacks alive to a
// shutdown error (creating one when err is nil).
func addLingering(err error, name string) error {
	var se *ShutdownError
	if !errors.As(err, &se) {
		se = &ShutdownError{}
		err = errors.Join(err, se)
	}
	se.Stuck = append(se.Stuck, name)
	se.Lingering = append(se.Lingering, name)
	slices.Sort(se.Stuck)
	slices.Sort(se.Lingering)
	return err
}

// coreOf maps an actor's Exec to its core, for the goroutines bound with
// execctx.Bind (pinned actors).
var coreOf sync.Map // *execctx.Exec -> *core

// current returns the calling actor, or nil when the caller is not the
// goroutine of a pinned actor.
func current() *core {
	e := execctx.Current()
	if e == nil {
		return nil
	}
	if c, ok := coreOf.Load(e); ok {
		return c.(*core)
	}
	return nil
}

// defaultSpin bounds how long an idle pinned actor polls before it parks
// its thread. The spin is adaptive (osthread.Event): an actor spins only
// when its previous wait was shorter than the budget (plus a probe every
// 32nd wait), and a spin that found nothing makes the next 1, 2, 4 … 64
// waits park at once. Ping-pong partners answering each other within the
// budget never park, so a pinned round trip costs a fraction of the C
// sem_post/sem_wait baseline; a receiver of a stream catches the next
// message without a futex wake-up; an actor idle for longer than the budget
// spins once per 32 waits at most, and on cores busy with other work failed
// spins back off. The budget is the shortest that covers a round trip
// through a parked partner; a longer one gained little more. The figures
// behind that choice: docs/performance.md, "Figures behind the constants".
const defaultSpin = 10 * time.Microsecond

// waitEvent returns the event a caller that is about to wait sleeps on: its
// own actor's (self), or, for a goroutine outside every actor, a
// channel-mode event from a pool that releaseWaitEvent gives back.
func waitEvent(self *core) *osthread.Event {
	if self != nil {
		return &self.ev
	}
	return osthread.ReplyEvent(false)
}

func releaseWaitEvent(self *core, ev *osthread.Event) {
	if self == nil {
		osthread.PutReplyEvent(ev)
	}
}
