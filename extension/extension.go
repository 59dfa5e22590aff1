package extension

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/gatehook"
)

// Extension is a loaded extension: its declaration, its library, and the
// state its gate needs (the Serialize lock, the dedicated thread). All methods
// are safe for concurrent use.
type Extension struct {
	decl  Declaration // private copy, immutable
	trace func(CallInfo)
	// mainWait bounds how long an OnMain call waits to be taken.
	mainWait time.Duration
	logger   *zap.Logger
	serial   serialLock
	thread   *dedicatedThread // nil unless Affinity is DedicatedThread
	signals  *SignalError     // what the load's signal audit found; nil when clean
	lib      *ffi.Library
	policy   SignalPolicy
	metrics  *extMetrics // WithMeterProvider; nil: none

	mu    sync.Mutex              // protects extra
	extra map[string]*ffi.Library // libraries opened for functions that name their own

	closeOnce sync.Once
	closeErr  error
}

func newExtension(d Declaration, cfg *loadConfig) *Extension {
	x := &Extension{decl: d.clone(), trace: cfg.trace, logger: cfg.logger, policy: cfg.signals, mainWait: cfg.mainWait}
	if x.mainWait <= 0 {
		x.mainWait = DefaultOnMainWait
	}
	if x.logger == nil {
		x.logger = zap.NewNop()
	}
	x.metrics = newExtMetrics(cfg.meter, x.decl.Name, x.logger)
	x.serial.init()
	if d.Affinity == DedicatedThread {
		x.thread = newDedicatedThread(x.decl.Name)
	}
	return x
}

// Declaration returns a copy of the declaration the extension was loaded
// with.
func (x *Extension) Declaration() Declaration { return x.decl.clone() }

// Name returns the extension's registered name.
func (x *Extension) Name() string { return x.decl.Name }

// Signals returns what the signal-handler audit found when the library was
// opened, or nil when it found nothing. When the load used SignalsRepair the
// error's Repaired field is true.
func (x *Extension) Signals() *SignalError { return x.signals }

// ThreadID returns the kernel thread id of the dedicated thread of a
// DedicatedThread extension, or 0 when it has not started (or the extension
// has no dedicated thread).
func (x *Extension) ThreadID() int {
	if x.thread == nil {
		return 0
	}
	return x.thread.threadID()
}

// loadConfig collects LoadOptions.
type loadConfig struct {
	trace    func(CallInfo)
	logger   *zap.Logger
	signals  SignalPolicy
	registry *Registry
	meter    metric.MeterProvider
	mainWait time.Duration
}

// DefaultOnMainWait is how long a call forwarded to the main actor (OnMain)
// waits for the main actor to take it; see WithOnMainWait.
const DefaultOnMainWait = 5 * time.Second

// WithOnMainWait sets how long a call forwarded to the main actor (the
// OnMain policy) waits for the main actor to take it, when the caller's
// context has no earlier deadline. The main actor takes forwarded calls while
// it waits in Receive, Value, Join, Select, Request or a port's Receive, and
// between handler messages; blocked anywhere else (a plain channel, a mutex,
// a long computation) it never does. After d the call is refused with an
// *safety.UnsafeError wrapping safety.ErrWouldDeadlock and never runs. Once
// taken, a call runs to completion. A d of zero or less means
// DefaultOnMainWait.
func WithOnMainWait(d time.Duration) LoadOption {
	return loadOptionFunc(func(c *loadConfig) { c.mainWait = d })
}

// LoadOption configures Load.
type LoadOption interface{ apply(*loadConfig) }

type loadOptionFunc func(*loadConfig)

func (f loadOptionFunc) apply(c *loadConfig) { f(c) }

// WithTrace installs f to be called after every gated call of the extension
// (and every refusal), with the route the call took and the thread it ran on.
// f runs on the thread that ran the call and must be safe for concurrent use.
// Parallel-safe functions without thread affinity are not gated and are not
// traced. The conformance suite uses it to check thread affinity. Repeated
// use replaces the previous function.
func WithTrace(f func(CallInfo)) LoadOption {
	return loadOptionFunc(func(c *loadConfig) { c.trace = f })
}

// WithLogger sets the logger for load-time warnings (signal handlers without
// SA_ONSTACK). A nil logger, and the default, discard them.
func WithLogger(l *zap.Logger) LoadOption {
	return loadOptionFunc(func(c *loadConfig) { c.logger = l })
}

// WithSignalPolicy chooses what the load does when the library installs a
// signal handler without SA_ONSTACK. The default is SignalsReport.
func WithSignalPolicy(p SignalPolicy) LoadOption {
	return loadOptionFunc(func(c *loadConfig) { c.signals = p })
}

// WithRegistry makes Load look the extension up in r instead of the default
// registry.
func WithRegistry(r *Registry) LoadOption {
	return loadOptionFunc(func(c *loadConfig) { c.registry = r })
}

// Load looks the extension called name up in the default registry (or the
// one given with WithRegistry), opens the first of its libraries that loads,
// auditing the signal handlers the library installs, and returns it. Every
// Load should be balanced by Close.
//
// A name nobody registered gives an error wrapping ErrNotRegistered; a library
// that does not load, an *ffi.LoadError; a refused signal audit
// (SignalsRefuse), a *SignalError.
func Load(name string, opts ...LoadOption) (*Extension, error) {
	var cfg loadConfig
	for _, o := range opts {
		o.apply(&cfg)
	}
	r := cfg.registry
	if r == nil {
		r = defaultRegistry()
	}
	d, err := r.Lookup(name)
	if err != nil {
		return nil, err
	}
	return open(d, &cfg)
}

// Open is Load for a declaration that is not registered (tools that read a
// Manifest use it). The declaration is validated like Register does.
func Open(d Declaration, opts ...LoadOption) (*Extension, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var cfg loadConfig
	for _, o := range opts {
		o.apply(&cfg)
	}
	return open(d, &cfg)
}

func open(d Declaration, cfg *loadConfig) (*Extension, error) {
	x := newExtension(d, cfg)
	lib, se, err := x.openLibrary(x.decl.Libraries)
	if err != nil {
		x.Close()
		return nil, err
	}
	x.lib, x.signals = lib, se
	return x, nil
}

func (x *Extension) openLibrary(names []string) (*ffi.Library, *SignalError, error) {
	var lib *ffi.Library
	se, err := auditedOpen(strings.Join(names, ", "), x.policy, x.logger, func() error {
		var err error
		lib, err = ffi.Open(names...)
		return err
	}, func() {
		if lib != nil {
			_ = lib.Close()
		}
	})
	if se != nil && lib != nil {
		se.Library = lib.Name()
	}
	if err != nil {
		return nil, se, err
	}
	return lib, se, nil
}

// Library returns the extension's library.
func (x *Extension) Library() *ffi.Library { return x.lib }

// SafetyOf returns the safety a function named symbol gets when it is bound
// through x without WithSafety: its override in the declaration or the
// extension's own (Undeclared resolves to NotParallelSafe).
func (x *Extension) SafetyOf(symbol string) Safety { return x.decl.SafetyOf(symbol) }

// FuncOption configures a function bound through an Extension.
type FuncOption interface{ applyFunc(*funcConfig) }

type funcConfig struct {
	safety  Safety
	libs    []string
	ffiOpts []ffi.BindOption
}

type funcOptionFunc func(*funcConfig)

func (f funcOptionFunc) applyFunc(c *funcConfig) { f(c) }

// WithSafety overrides the declared safety for this one binding. Undeclared
// is ignored (the declaration applies).
func WithSafety(s Safety) FuncOption {
	return funcOptionFunc(func(c *funcConfig) { c.safety = s })
}

// FromLibrary binds the function from the first of names that loads instead
// of the extension's library (opened once per extension, with the same
// signal audit, and closed by Close). The function still follows the
// extension's declaration.
func FromLibrary(names ...string) FuncOption {
	return funcOptionFunc(func(c *funcConfig) { c.libs = slices.Clone(names) })
}

// WithBindOptions passes options through to ffi (for example ffi.WithErrno).
// A gate given here is replaced by the extension's. Repeated use is additive.
func WithBindOptions(opts ...ffi.BindOption) FuncOption {
	return funcOptionFunc(func(c *funcConfig) { c.ffiOpts = append(c.ffiOpts, opts...) })
}

// bindSetup resolves the library and the ffi options for symbol: the gate is
// attached only when the function's safety and the extension's affinity need
// it, so parallel-safe functions pay nothing.
func (x *Extension) bindSetup(symbol string, opts []FuncOption) (*ffi.Library, []ffi.BindOption, *gate, error) {
	var c funcConfig
	for _, o := range opts {
		o.applyFunc(&c)
	}
	s := x.decl.SafetyOf(symbol)
	if c.safety != Undeclared {
		if !c.safety.valid() {
			return nil, nil, nil, fmt.Errorf("extension: bind %q: invalid safety %v", symbol, c.safety)
		}
		s = c.safety
	}
	lib := x.lib
	if len(c.libs) > 0 {
		var err error
		if lib, err = x.extraLibrary(c.libs); err != nil {
			return nil, nil, nil, err
		}
	}
	fopts := append(slices.Clone(c.ffiOpts), ffi.WithGate(nil))
	var g *gate
	if needsGate(&x.decl, s) || x.metrics != nil {
		g = newGate(x, symbol, s)
		fopts[len(fopts)-1] = ffi.WithGate(g)
	}
	if slices.Contains(x.decl.Leaf, symbol) {
		fopts = append(fopts, ffi.WithLeaf())
	}
	return lib, fopts, g, nil
}

func (x *Extension) extraLibrary(names []string) (*ffi.Library, error) {
	key := strings.Join(names, "\x00")
	x.mu.Lock()
	defer x.mu.Unlock()
	if l, ok := x.extra[key]; ok {
		return l, nil
	}
	l, se, err := x.openLibrary(names)
	if err != nil {
		return nil, err
	}
	if se != nil && x.signals == nil {
		x.signals = se
	}
	if x.extra == nil {
		x.extra = map[string]*ffi.Library{}
	}
	x.extra[key] = l
	return l, nil
}

// Func binds symbol to sig through the extension's gate: the function takes
// its safety from the declaration now, at bind time. See ffi.Library.Func.
func (x *Extension) Func(symbol string, sig *ffi.Signature, opts ...FuncOption) (*ffi.Func, error) {
	lib, fopts, _, err := x.bindSetup(symbol, opts)
	if err != nil {
		return nil, err
	}
	return lib.Func(symbol, sig, fopts...)
}

// Bind sets *fptr to a Go function calling symbol through the extension's
// gate (see ffi.Library.Bind). A refused call returns its *safety.UnsafeError
// (inside an *ffi.CallError) through the function's error result, or panics
// with it when the func type has no error result.
func (x *Extension) Bind(fptr any, symbol string, opts ...FuncOption) error {
	lib, fopts, _, err := x.bindSetup(symbol, opts)
	if err != nil {
		return err
	}
	return lib.Bind(fptr, symbol, fopts...)
}

// BindOrClose binds every target (a pointer to a func variable) to the
// symbol it is keyed by, each inheriting the extension's declaration. On the
// first failure it closes the extension and returns the error, so a shipped
// extension's Open never hands out a half-bound library (the targets bound
// before the failure call a closed library). Compare ffi's Library.BindAll,
// which writes no target unless every binding succeeds and leaves the
// library open.
func (x *Extension) BindOrClose(targets map[string]any) error {
	for sym, fptr := range targets {
		if err := x.Bind(fptr, sym); err != nil {
			_ = x.Close()
			return err
		}
	}
	return nil
}

// MustBind is Bind that panics on error.
func (x *Extension) MustBind(fptr any, symbol string, opts ...FuncOption) {
	if err := x.Bind(fptr, symbol, opts...); err != nil {
		panic(err)
	}
}

// Call implements ffi.Gate for gate; ffi calls it before every call of a
// gated function its first phase (Admit) did not admit.
func (g *gate) Call(_ *ffi.Func, caller ffi.Caller, call func()) error {
	return g.do(context.Background(), gatehook.CallerExec(caller), call)
}

// Admit implements ffi.Admitter: the gate's first phase (route.go) for the
// calling goroutine. Functions of an extension with a trace or metrics (each
// call is recorded) are never admitted: their calls go through Call.
func (g *gate) Admit() (admitted, locked bool) {
	if g.recorded {
		return false, false
	}
	return g.admit()
}

// Release implements ffi.Admitter: it releases the Serialize lock Admit took.
func (g *gate) Release() { g.x.serial.unlock() }

var _ ffi.Admitter = (*gate)(nil)

// Close stops the extension's dedicated thread, if it has one, after the call
// in progress (later calls that need it fail with an error wrapping
// ErrClosed), and closes its libraries (ffi waits for calls in flight).
// Close is idempotent.
func (x *Extension) Close() error {
	x.closeOnce.Do(func() {
		if x.thread != nil {
			x.thread.close()
		}
		var errs []error
		if x.lib != nil {
			errs = append(errs, x.lib.Close())
		}
		x.mu.Lock()
		for _, l := range x.extra {
			errs = append(errs, l.Close())
		}
		x.extra = nil
		x.mu.Unlock()
		x.closeErr = errors.Join(errs...)
	})
	return x.closeErr
}
