package extension

import (
	"sync"

	"go.uber.org/zap"
)

// Extension is a loaded extension: its declaration, its library, and the
// state its gate needs (the Serialize lock, the dedicated thread). All methods
// are safe for concurrent use.
type Extension struct {
	decl    Declaration // private copy, immutable
	trace   func(CallInfo)
	logger  *zap.Logger
	serial  serialLock
	thread  *dedicatedThread // nil unless Affinity is DedicatedThread
	signals *SignalError     // what the load's signal audit found; nil when clean

	closeOnce sync.Once
}

func newExtension(d Declaration, cfg *loadConfig) *Extension {
	x := &Extension{decl: d.clone(), trace: cfg.trace, logger: cfg.logger}
	if x.logger == nil {
		x.logger = zap.NewNop()
	}
	if d.Affinity == DedicatedThread {
		x.thread = newDedicatedThread()
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

// Close stops the extension's dedicated thread, if it has one, after the call
// in progress. Later calls that need it fail with an error wrapping ErrClosed.
// It does not unload the library (see the ffi package for that). Close is
// idempotent.
func (x *Extension) Close() error {
	x.closeOnce.Do(func() {
		if x.thread != nil {
			x.thread.close()
		}
	})
	return nil
}
