package actor

import (
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"
)

// Option configures Run.
type Option interface{ applyRun(*runConfig) }

type runConfig struct {
	log       *zap.Logger
	slog      *slog.Logger // set by WithSlog: the user's own, returned by System.Slog
	onFailure func(Failure)
	spin      time.Duration
	shutdown  time.Duration
	procs     int                  // GOMAXPROCS while Run runs; 0: the default policy (procs.go), < 0: leave it
	meter     metric.MeterProvider // nil: no metrics (metrics.go)
}

type runOptionFunc func(*runConfig)

func (f runOptionFunc) applyRun(c *runConfig) { f(c) }

// WithLogger sets the system's logger. protoactor-go's own log output (slog)
// is bridged into it through zapslog under the name "protoactor". A nil
// logger, the default, discards everything (zap.NewNop). The last use wins.
func WithLogger(l *zap.Logger) Option {
	return runOptionFunc(func(c *runConfig) { c.log, c.slog = l, nil })
}

// WithSlog sets the system's logger to a *slog.Logger, for programs that log
// through the standard library: goractor's own records and protoactor-go's
// reach l's handler (zap fields become slog attributes, a zap logger name the
// attribute "logger"), System.Slog returns l, and System.Logger and
// Context.Logger return a *zap.Logger that writes to l's handler too. A nil
// logger discards everything, as WithLogger(nil) does. WithLogger and WithSlog
// set the same thing: the last use wins.
func WithSlog(l *slog.Logger) Option {
	return runOptionFunc(func(c *runConfig) {
		if l == nil {
			c.log, c.slog = nil, nil
			return
		}
		c.log, c.slog = zap.New(newSlogCore(l.Handler())), l
	})
}

// WithProcs sets GOMAXPROCS to n while Run runs and restores it when Run
// returns; n <= 0 leaves GOMAXPROCS alone. Without it, Run gives the Go
// scheduler one P more than the runtime's default (see procs.go for why:
// pinned actors park and call C in system calls that hold their P until the
// runtime takes it back), unless the GOMAXPROCS environment variable is set
// or the program changed GOMAXPROCS before Run. The last use wins.
func WithProcs(n int) Option {
	return runOptionFunc(func(c *runConfig) {
		c.procs = n
		if n == 0 {
			c.procs = -1
		}
	})
}

// WithShutdownTimeout bounds how long the end of Run waits for actors to
// stop (default 10s). Actors still running then are reported in a
// *ShutdownError. The last use wins.
func WithShutdownTimeout(d time.Duration) Option {
	return runOptionFunc(func(c *runConfig) { c.shutdown = d })
}

// WithFailureHandler registers f to be called for every failure of a handler
// actor (see Failure), on the failing actor's thread, before it is restarted
// or stopped. f must not block. The last use wins.
func WithFailureHandler(f func(Failure)) Option {
	return runOptionFunc(func(c *runConfig) { c.onFailure = f })
}

// WithSpin sets how long an idle pinned actor may poll for work before it
// parks its thread in the kernel (default 10µs; 0 parks at once; forced to
// 0 with GOMAXPROCS 1 or a single CPU). The spin is adaptive: an actor
// spins only when its previous wait was shorter than d, so actors that are
// idle for longer never spin, and a spin that found nothing makes the next
// waits (1, 2, 4 … 64 of them) park at once. Spinning saves a futex wake-up
// per message when a partner answers quickly, which makes a pinned round
// trip several times faster (docs/actors.md, docs/performance.md). The last
// use wins.
func WithSpin(d time.Duration) Option {
	return runOptionFunc(func(c *runConfig) { c.spin = d })
}

// SpawnOption configures Spawn and SpawnHandler.
type SpawnOption interface{ applySpawn(*spawnConfig) }

type spawnConfig struct {
	name         string
	args         []any
	unpinned     bool
	capacity     int
	overflow     Overflow
	blockTimeout time.Duration
	maxRestarts  int
	within       time.Duration
}

type spawnOptionFunc func(*spawnConfig)

func (f spawnOptionFunc) applySpawn(c *spawnConfig) { f(c) }

// WithName names the actor (errors, logs, ShutdownError). Names need not be
// unique; the default is "actor-N". The last use wins.
func WithName(name string) SpawnOption {
	return spawnOptionFunc(func(c *spawnConfig) { c.name = name })
}

// WithArgs passes arguments to a body actor, readable with Context.Args. Each
// goes through the isolation gate when Spawn is called, like a message.
// Repeated use appends.
func WithArgs(args ...any) SpawnOption {
	return spawnOptionFunc(func(c *spawnConfig) { c.args = append(c.args, args...) })
}

// Unpinned opts the actor out of its own OS thread: a body actor runs on a
// plain goroutine, a handler actor on protoactor-go's default goroutine
// dispatcher. Use it only for pure-Go actors that never call native code:
// the native-call gate treats an unpinned actor's calls as coming from
// outside any actor.
func Unpinned() SpawnOption {
	return spawnOptionFunc(func(c *spawnConfig) { c.unpinned = true })
}

// WithMailbox bounds the actor's mailbox to capacity messages (capacity <= 0:
// unbounded, the default) and sets what Send does when it is full.
// SendContext always waits for room until its context is done, TrySend never
// waits. The last use wins.
func WithMailbox(capacity int, policy Overflow) SpawnOption {
	return spawnOptionFunc(func(c *spawnConfig) { c.capacity, c.overflow = capacity, policy })
}

// WithBlockTimeout sets how long Send waits for room under OverflowBlock
// (default 1s). The last use wins.
func WithBlockTimeout(d time.Duration) SpawnOption {
	return spawnOptionFunc(func(c *spawnConfig) { c.blockTimeout = d })
}

// WithRestarts sets a handler actor's restart intensity: it is restarted
// after each failure, with fresh state from its producer, unless this is
// failure number max+1 within the window, which stops it (Erlang's MaxR and
// MaxT). max 0 stops it at its first failure. The default is 10 within 10s.
// The last use wins.
func WithRestarts(max int, within time.Duration) SpawnOption {
	return spawnOptionFunc(func(c *spawnConfig) { c.maxRestarts, c.within = max, within })
}

func newSpawnConfig(opts []SpawnOption) spawnConfig {
	cfg := spawnConfig{overflow: OverflowFail, maxRestarts: 10, within: 10 * time.Second}
	for _, o := range opts {
		o.applySpawn(&cfg)
	}
	if cfg.overflow == 0 {
		cfg.overflow = OverflowFail
	}
	return cfg
}

func (c *core) configure(cfg *spawnConfig) {
	if cfg.capacity > 0 {
		c.capacity = int64(cfg.capacity)
	}
	c.overflow = cfg.overflow
	c.blockTimeout = cfg.blockTimeout
	c.maxRestarts = cfg.maxRestarts
	c.within = cfg.within
}
