package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/selfexec"
	"github.com/goractor/goractor/node"
)

// roleEnv selects the host role in a re-executed child (see Serve).
const roleEnv = "GORACTOR_HOST"

// Option configures Start.
type Option func(*config)

type config struct {
	name        string
	node        *node.Node
	workers     int
	maxRestarts int
	within      time.Duration
	startWait   time.Duration
	stderr      io.Writer
	callTimeout time.Duration
	spare       bool
}

// WithName names the host (in errors, logs and its supervisor actor's
// name, "host:NAME"). The default is "host".
func WithName(name string) Option { return func(c *config) { c.name = name } }

// WithNode makes the host reach its child through n, a node the caller
// started (node.Start) and closes. Without it, hosts of one actor system
// share a node they start on 127.0.0.1, which lives as long as the system.
func WithNode(n *node.Node) Option { return func(c *config) { c.node = n } }

// WithWorkers sets how many calls a host runs at once (default 4): each is
// a handler actor, with its own OS thread, in the child.
func WithWorkers(n int) Option { return func(c *config) { c.workers = n } }

// WithRestarts sets the host's restart intensity, as actor.WithRestarts
// does for a handler actor: the host is restarted after each crash unless
// this is crash number max+1 within the window, which leaves it down (calls
// fail with ErrGaveUp). max 0 never restarts it. The default is 10 within
// 10s, the handler actors' default.
func WithRestarts(max int, within time.Duration) Option {
	return func(c *config) { c.maxRestarts, c.within = max, within }
}

// WithStartTimeout bounds how long starting a host process may take
// (default 30s).
func WithStartTimeout(d time.Duration) Option { return func(c *config) { c.startWait = d } }

// WithStderr copies the host's stderr to w (default: kept only for the
// tail a CrashError carries).
func WithStderr(w io.Writer) Option { return func(c *config) { c.stderr = w } }

// WithSpare keeps a spare host process started and connected, with the
// extensions open, and promotes it when the host dies: the first call after
// a crash waits for the crash report and one round trip instead of a
// process start. It costs a second process.
func WithSpare() Option { return func(c *config) { c.spare = true } }

// WithCallTimeout bounds every call made through the host's extensions
// (default: none, as for a local call; a crash always ends the wait).
func WithCallTimeout(d time.Duration) Option { return func(c *config) { c.callTimeout = d } }

// Host is a child process of this program's own binary, connected as a
// node over 127.0.0.1, that runs native calls and actors for its parent.
// A supervisor actor restarts it when it dies.
type Host struct {
	cfg config
	n   *node.Node
	sys *actor.System
	sup *actor.Ref
	rr  atomic.Uint64

	mu       sync.Mutex
	cur      *gen          // the live process; nil while restarting
	changed  chan struct{} // closed and replaced when cur or final changes
	final    error         // set once the host is closed or gave up
	restarts int
	last     *CrashError
	closing  atomic.Bool
	exts     []*Extension // opened in every new process

	spareMu       sync.Mutex
	spare         *gen          // a started process waiting to be promoted (WithSpare)
	spareStarting chan struct{} // non-nil while one starts; closed when it is done
	spareWG       sync.WaitGroup
}

// gen is one host process.
type gen struct {
	h       *Host
	child   *selfexec.Child
	addr    string
	workers []*actor.Ref
	tail    *stderrTail

	ctx     context.Context // cancelled, with the crash as cause, when the process dies
	cancel  context.CancelCauseFunc
	dieOnce sync.Once

	mu      sync.Mutex
	opened  map[string]*opening
	flights map[uint64]flight
	seq     uint64
	lastFl  []flight // the calls in flight when it died
	// killedWhy says why the parent killed the process, if it did.
	killedWhy string
}

type flight struct{ symbol, actor string }

type opening struct {
	done chan struct{}
	err  error
}

// Start starts a host process and the supervisor actor that restarts it,
// in cx's actor system; Run's shutdown stops it like any actor. Calls reach
// it through Open/Load and Bind, actors through Spawn. A host that cannot
// be started is an error.
func Start(cx *actor.Context, opts ...Option) (*Host, error) {
	cfg := config{name: "host", workers: 4, maxRestarts: 10, within: 10 * time.Second, startWait: 30 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.workers < 1 {
		return nil, fmt.Errorf("host: %d workers: need at least 1", cfg.workers)
	}
	h := &Host{cfg: cfg, sys: cx.System(), changed: make(chan struct{})}
	h.n = cfg.node
	if h.n == nil {
		n, err := acquireNode(cx)
		if err != nil {
			return nil, err
		}
		h.n = n
	}
	g, err := h.startGen(context.Background())
	if err != nil {
		return nil, err
	}
	h.cur = g
	sup, err := cx.Spawn(h.supervise, actor.WithName("host:"+cfg.name))
	if err != nil {
		_ = g.child.Stop(5 * time.Second)
		return nil, fmt.Errorf("host: supervisor: %w", err)
	}
	h.sup = sup
	h.startSpare()
	return h, nil
}

// Name returns the host's name.
func (h *Host) Name() string { return h.cfg.name }

// Supervisor returns the Ref of the actor that supervises the host.
func (h *Host) Supervisor() *actor.Ref { return h.sup }

// Pid returns the process id of the current host process, 0 while it is
// being restarted or after Close.
func (h *Host) Pid() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur == nil {
		return 0
	}
	return h.cur.child.Pid()
}

// Addr returns the node address of the current host process ("" while it
// is being restarted or after Close).
func (h *Host) Addr() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur == nil {
		return ""
	}
	return h.cur.addr
}

// Restarts returns how many times the host has been restarted.
func (h *Host) Restarts() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.restarts
}

// LastCrash returns the most recent crash, or nil.
func (h *Host) LastCrash() *CrashError {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// Close stops the host: its supervisor stops, the process is asked to exit
// (its stdin closes) and killed after 5 s. Calls in flight and queued fail
// with ErrClosed. Close is idempotent; Run's shutdown does the same.
func (h *Host) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return h.sup.Stop(ctx)
}

// Spawn starts an actor of a registered kind (node.RegisterKind,
// node.RegisterHandlerKind) in the host process and returns its Ref, as
// node.Spawn does. When the host dies the actor dies with it: its Value and
// Join, and requests in flight, fail with an error wrapping
// actor.ErrNodeDown; Spawn again after the restart.
func (h *Host) Spawn(ctx context.Context, kind string, opts ...node.SpawnOption) (*actor.Ref, error) {
	g, err := h.current(ctx)
	if err != nil {
		return nil, err
	}
	return h.n.Spawn(ctx, g.addr, kind, opts...)
}

// startGen starts a host process, connects to it and spawns its workers.
func (h *Host) startGen(ctx context.Context) (*gen, error) {
	tail, w := newStderrTail(h.cfg.stderr)
	godebug := "tracebacklabels=1"
	if old := os.Getenv("GODEBUG"); old != "" {
		godebug = old + "," + godebug
	}
	c, err := selfexec.StartWith(selfexec.Options{
		Env:     []string{roleEnv + "=1", "GODEBUG=" + godebug},
		Stderr:  w,
		Timeout: h.cfg.startWait,
	})
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("host: %q: start: %w", h.cfg.name, err)
	}
	g := &gen{h: h, child: c, addr: c.Addr, tail: tail, opened: map[string]*opening{}, flights: map[uint64]flight{}}
	g.ctx, g.cancel = context.WithCancelCause(context.Background())
	tail.setOnReport(func() { g.die(nil) })
	go g.watch(w)
	sctx, cancel := context.WithTimeout(ctx, h.cfg.startWait)
	defer cancel()
	g.workers = make([]*actor.Ref, h.cfg.workers)
	errs := make([]error, h.cfg.workers)
	var wg sync.WaitGroup
	for i := range g.workers {
		wg.Go(func() {
			g.workers[i], errs[i] = h.n.Spawn(sctx, g.addr, workerKind, node.WithName(fmt.Sprintf("host-%s-w%d", h.cfg.name, i)))
		})
	}
	wg.Wait()
	err = errors.Join(errs...)
	h.mu.Lock()
	exts := h.exts
	h.mu.Unlock()
	for _, x := range exts {
		if err == nil {
			err = x.open(sctx, g)
		}
	}
	if err != nil {
		c.Kill()
		<-g.ctx.Done()
		return nil, fmt.Errorf("host: %q: start: %w", h.cfg.name, err)
	}
	return g, nil
}

// watch waits for the process to exit and fails what waits on it.
func (g *gen) watch(w io.Closer) {
	<-g.child.Done()
	_ = w.Close()
	g.die(g.child.State())
}

// die fails what waits on g, once: when the process has exited (st), or as
// soon as its crash report has named the signal, symbol and actor (st nil:
// the Go runtime is still printing the goroutines, and exits next).
func (g *gen) die(st *os.ProcessState) {
	g.dieOnce.Do(func() {
		g.fail(st)
		if st == nil {
			// Make sure a process that reported its crash does end. Not on
			// this goroutine: it reads the stderr the process is writing.
			go func() {
				t := time.NewTimer(crashWait)
				defer t.Stop()
				select {
				case <-g.child.Done():
				case <-t.C:
					g.child.Kill() // ours, by its PID
				}
			}()
		}
	})
}

func (g *gen) fail(st *os.ProcessState) {
	crash := crashOf(g.h.cfg.name, g.child.Pid(), st, g.tail)
	g.mu.Lock()
	if g.killedWhy != "" && crash.Report == "" {
		crash.Report = g.killedWhy
	}
	for _, f := range g.flights {
		g.lastFl = append(g.lastFl, f)
	}
	g.mu.Unlock()
	h := g.h
	h.mu.Lock()
	if h.cur == g {
		h.cur = nil
	}
	h.mu.Unlock()
	var cause error = crash
	if h.closing.Load() {
		cause = fmt.Errorf("host: %q: %w", h.cfg.name, ErrClosed)
	}
	g.cancel(cause)
	// Its actors' Refs end and nothing pings its address any more.
	h.n.Down(g.addr, "host process died")
}

// crashFor returns the error of a call that was in flight when g died,
// filling in the symbol and actor from the calls in flight when the crash
// report did not name them and every call in flight agrees.
func (g *gen) crashFor() error {
	cause := context.Cause(g.ctx)
	c, ok := cause.(*CrashError)
	if !ok {
		return cause
	}
	e := *c
	g.mu.Lock()
	fl := g.lastFl
	g.mu.Unlock()
	if len(fl) > 0 {
		sym, act := fl[0].symbol, fl[0].actor
		for _, f := range fl[1:] {
			if f.symbol != sym {
				sym = ""
			}
			if f.actor != act {
				act = ""
			}
		}
		if e.Symbol == "" {
			e.Symbol = sym
		}
		if e.Actor == "" && e.Symbol == sym {
			e.Actor = act
		}
	}
	return &e
}

func (g *gen) track(f flight) uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seq++
	g.flights[g.seq] = f
	return g.seq
}

func (g *gen) untrack(id uint64) {
	g.mu.Lock()
	delete(g.flights, id)
	g.mu.Unlock()
}

// supervise is the host's supervisor actor: it restarts the process when it
// dies, within the restart intensity, and stops it when the actor stops.
func (h *Host) supervise(acx *actor.Context) (any, error) {
	rs := proto.NewRestartStatistics()
	for {
		h.mu.Lock()
		g := h.cur
		h.mu.Unlock()
		if g == nil {
			return nil, nil // unreachable: cur is set before the loop and after each restart
		}
		select {
		case <-acx.Done():
			h.shutdown(g)
			return nil, nil
		case <-g.ctx.Done():
		}
		cause := context.Cause(g.ctx)
		crash, _ := cause.(*CrashError)
		h.mu.Lock()
		h.last = crash
		h.mu.Unlock()
		acx.Logger().Warn("host: crashed", zapErr(cause))
		for {
			rs.Fail()
			if n := rs.NumberOfFailures(h.cfg.within); h.cfg.maxRestarts <= 0 || n > h.cfg.maxRestarts {
				err := fmt.Errorf("host: %q: %w (%d crashes within %v): last: %w", h.cfg.name, ErrGaveUp, n, h.cfg.within, cause)
				h.finish(err)
				h.closing.Store(true)
				h.stopSpare()
				return nil, err
			}
			ng := h.takeSpare()
			var err error
			if ng == nil {
				ng, err = h.startGen(acx.Context())
			}
			if err == nil {
				h.mu.Lock()
				h.cur = ng
				h.restarts++
				close(h.changed)
				h.changed = make(chan struct{})
				h.mu.Unlock()
				h.startSpare()
				break
			}
			if acx.Err() != nil {
				h.finish(fmt.Errorf("host: %q: %w", h.cfg.name, ErrClosed))
				return nil, nil
			}
			acx.Logger().Warn("host: restart failed", zapErr(err))
		}
	}
}

// shutdown stops the live process g and the spare, and fails everything
// still waiting.
func (h *Host) shutdown(g *gen) {
	h.closing.Store(true)
	h.finish(fmt.Errorf("host: %q: %w", h.cfg.name, ErrClosed))
	h.stopGen(g)
	h.stopSpare()
}

// stopSpare waits for a spare being started and stops the spare, if any.
func (h *Host) stopSpare() {
	h.spareWG.Wait()
	if s := h.takeSpare(); s != nil {
		h.stopGen(s)
	}
}

func (h *Host) stopGen(g *gen) {
	if err := g.child.Stop(5 * time.Second); err != nil {
		h.sys.Logger().Warn("host: stop", zapErr(err))
	}
	<-g.ctx.Done()
}

// startSpare starts a spare process in the background (WithSpare), unless
// one is ready or starting.
func (h *Host) startSpare() {
	h.spareMu.Lock()
	defer h.spareMu.Unlock()
	if !h.cfg.spare || h.spare != nil || h.spareStarting != nil || h.closing.Load() {
		return
	}
	done := make(chan struct{})
	h.spareStarting = done
	h.spareWG.Go(func() {
		g, err := h.startGen(context.Background())
		h.spareMu.Lock()
		h.spareStarting = nil
		if err == nil && !h.closing.Load() {
			h.spare, g = g, nil
		}
		h.spareMu.Unlock()
		close(done)
		if err != nil {
			h.sys.Logger().Warn("host: spare not started", zapErr(err))
		}
		if g != nil {
			_ = g.child.Stop(5 * time.Second)
		}
	})
}

// takeSpare returns the spare process if it is alive, and forgets it. A
// spare still starting is waited for: it is nearer than a new one.
func (h *Host) takeSpare() *gen {
	h.spareMu.Lock()
	if ch := h.spareStarting; ch != nil {
		h.spareMu.Unlock()
		<-ch
		h.spareMu.Lock()
	}
	g := h.spare
	h.spare = nil
	h.spareMu.Unlock()
	if g != nil && g.ctx.Err() != nil {
		return nil // it died waiting
	}
	return g
}

// finish sets the host's final error: queued calls fail with it.
func (h *Host) finish(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.final == nil {
		h.final = err
		close(h.changed)
		h.changed = make(chan struct{})
	}
}

// current returns the live host process, waiting while it is restarted: a
// call queued while the host is down is sent to the next process.
func (h *Host) current(ctx context.Context) (*gen, error) {
	for {
		h.mu.Lock()
		g, ch, fin := h.cur, h.changed, h.final
		h.mu.Unlock()
		if fin != nil {
			return nil, fin
		}
		if g != nil && g.ctx.Err() == nil {
			return g, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, fmt.Errorf("host: %q: waiting for a restart: %w", h.cfg.name, ctx.Err())
		}
	}
}

// crashWait bounds how long a call whose connection broke waits for the
// process to be reaped, so that it can report the crash.
const crashWait = 5 * time.Second

// request sends msg to a worker of the live process and waits for its
// answer. A call in flight when the process dies fails with its
// *CrashError; a call not yet sent waits for the restart.
func (h *Host) request(ctx context.Context, g *gen, f flight, msg any) (any, error) {
	w := g.workers[h.rr.Add(1)%uint64(len(g.workers))]
	id := g.track(f)
	defer g.untrack(id)
	// The request ends when the process dies: with g.ctx itself when ctx
	// never ends (no call timeout, the usual case: no context to make and
	// cancel per call), else with a context that ends with either.
	rctx := g.ctx
	if ctx.Done() != nil {
		cctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		stop := context.AfterFunc(g.ctx, func() { cancel(context.Cause(g.ctx)) })
		defer stop()
		rctx = cctx
	}
	v, err := w.Request(rctx, msg)
	if err == nil {
		return v, nil
	}
	if g.ctx.Err() == nil && (errors.Is(err, actor.ErrNodeDown) || errors.Is(err, actor.ErrClosed)) {
		// The connection broke before the process was reaped; or the node's
		// failure detector gave up on a host that stays alive, which leaves
		// its workers unreachable: end it (ours, by PID), so that it is
		// restarted.
		t := time.NewTimer(crashWait)
		defer t.Stop()
		select {
		case <-g.ctx.Done():
		case <-t.C:
			g.mu.Lock()
			g.killedWhy = "killed by its parent: " + err.Error()
			g.mu.Unlock()
			g.child.Kill()
			<-g.ctx.Done()
		}
	}
	if g.ctx.Err() != nil {
		return nil, g.crashFor()
	}
	return nil, err
}
