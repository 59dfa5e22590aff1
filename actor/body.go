package actor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"go.uber.org/zap"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/osthread"
)

// Context is a body actor's view of itself: its inbox, arguments, ports and
// the means to spawn. It belongs to the actor: call its methods only from the
// actor's own body (the goroutine Spawn or Run started for it).
//
// *Context is also a context.Context, so every blocking call takes it
// directly (ref.Value(ctx), port.Receive(ctx), fut.Wait(ctx)):
//
//   - Done is closed when the actor is asked to stop (Ref.Stop, System.Stop,
//     the end of Run) or its body has returned;
//   - Err is nil until then, and afterwards an error for which both
//     errors.Is(err, context.Canceled) and errors.Is(err, ErrStopping) hold
//     (compare with errors.Is, not ==);
//   - Deadline reports none while the actor runs: an actor lives until it is
//     asked to stop, and a deadline for one wait is given with
//     context.WithTimeout(ctx, d). Once the system is asked to stop with a
//     deadline (System.Stop with a context that has one, or the end of Run
//     with WithShutdownTimeout), Deadline reports when the system stops
//     waiting for the actor: the time the body has to finish its work;
//   - Value passes through to the contexts the actor was started under, which
//     hold no values today, so it reports what context.WithValue(ctx, ...)
//     children add and nil otherwise.
//
// These four methods, like those of any context.Context, may be called from
// any goroutine; the others belong to the body.
type Context struct {
	c    *core
	args []any
}

// Name returns the actor's name.
func (cx *Context) Name() string { return cx.c.name }

// Self returns the actor's own Ref.
func (cx *Context) Self() *Ref { return cx.c.ref }

// IsMain reports whether this is the main actor (the one Run started).
func (cx *Context) IsMain() bool { return cx.c.main }

// Args returns the arguments passed with WithArgs, as they came through the
// isolation gate (shared or copied).
func (cx *Context) Args() []any { return cx.args }

// System returns the actor's system.
func (cx *Context) System() *System { return cx.c.sys }

// Logger returns the system's logger with the actor's name attached.
func (cx *Context) Logger() *zap.Logger { return cx.c.sys.log.With(zap.String("actor", cx.c.name)) }

// Slog is Logger as a *slog.Logger: the same records, with the same "actor"
// field, through zapslog (see System.Slog).
func (cx *Context) Slog() *slog.Logger { return cx.c.sys.slog.With("actor", cx.c.name) }

// Done is closed when the actor is asked to stop (system shutdown or
// Ref.Stop). A body that loops without calling Receive should watch it.
func (cx *Context) Done() <-chan struct{} { return cx.c.ctx.Done() }

// Err is nil while the actor runs, and errStopRequested once Done is closed.
func (cx *Context) Err() error {
	if cx.c.ctx.Err() == nil {
		return nil
	}
	return errStopRequested
}

// Deadline reports when the system stops waiting for the actor once it was
// asked to stop with a deadline, and no deadline before: see the type's
// documentation.
func (cx *Context) Deadline() (deadline time.Time, ok bool) { return cx.c.deadline() }

// Value returns the value the actor's underlying context holds for key.
func (cx *Context) Value(key any) any { return cx.c.ctx.Value(key) }

// Context returns a plain context.Context with the same Done, Err, Deadline
// and Value as ctx, for handing to goroutines and libraries that must not
// reach the actor's inbox, ports or spawn through it.
func (cx *Context) Context() context.Context { return stopContext{cx.c.ctx, cx.c} }

// stopContext is an actor's context with Err reporting errStopRequested and
// Deadline the stop's deadline.
type stopContext struct {
	context.Context
	c *core
}

func (s stopContext) Deadline() (time.Time, bool) { return s.c.deadline() }

func (s stopContext) Err() error {
	if s.Context.Err() == nil {
		return nil
	}
	return errStopRequested
}

// errStopRequested is what an actor's context reports once the actor is asked
// to stop: a context.Canceled that also says why.
var errStopRequested error = stopRequested{}

type stopRequested struct{}

func (stopRequested) Error() string { return "actor: asked to stop: context canceled" }

// Is reports context.Canceled and ErrStopping.
func (stopRequested) Is(target error) bool {
	return target == context.Canceled || target == ErrStopping
}

// ThreadID returns the kernel id of the OS thread the actor owns (0 for an
// unpinned actor, or where thread ids are not available).
func (cx *Context) ThreadID() int { return int(cx.c.tid.Load()) }

// Receive waits for the next message in the actor's inbox. It returns an
// error wrapping ErrClosed once the actor has been asked to stop, and
// returns an error raised on the actor's behalf by another thread (for
// example a panic in a native callback, execctx.Hooks.Fail) in place of a
// message, once per error: every error raised is returned, oldest first
// (for example one per callback call that did not run).
func (cx *Context) Receive() (any, error) {
	c := cx.c
	if c.nCalls.Load() > 0 {
		c.serviceCalls(true) // between messages, even when busy
	}
	if !c.hasFail.Load() {
		if v, ok := c.in.pop(); ok {
			c.gotMessage()
			return v, nil
		}
	}
	return cx.receiveSlow(context.Background())
}

// ReceiveContext is Receive that also gives up when ctx is done, returning
// ctx's error.
func (cx *Context) ReceiveContext(ctx context.Context) (any, error) {
	c := cx.c
	if c.nCalls.Load() > 0 {
		c.serviceCalls(true)
	}
	if !c.hasFail.Load() {
		if v, ok := c.in.pop(); ok {
			c.gotMessage()
			return v, nil
		}
	}
	return cx.receiveSlow(ctx)
}

func (c *core) gotMessage() {
	c.sh.received.Add(1)
	c.release()
}

func (cx *Context) receiveSlow(ctx context.Context) (any, error) {
	c := cx.c
	var stop func() bool
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	c.exec.Leave()
	defer c.exec.Enter()
	for {
		if c.hasFail.Load() {
			if err := c.takeFail(); err != nil {
				return nil, err
			}
		}
		if v, ok := c.in.pop(); ok {
			c.gotMessage()
			return v, nil
		}
		if c.in.isClosed() {
			return nil, errClosedActor(c.name)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if stop == nil && ctx.Done() != nil {
			stop = context.AfterFunc(ctx, c.ev.Signal)
		}
		c.serviceCalls(false)
		c.ev.Wait()
	}
}

// Spawn starts a body actor, like Ruby's Ractor.new: body runs on a new OS
// thread that the actor owns for its whole life (unless Unpinned), with a
// Context of its own. Arguments given with WithArgs cross through the
// isolation gate; if one cannot, Spawn returns its *shareable.IsolationError
// (wrapped) and starts nothing. body's result crosses the gate when it
// returns and is delivered by Ref.Value. Spawn fails with ErrStopping once
// the system is shutting down.
func (cx *Context) Spawn(body func(ctx *Context) (any, error), opts ...SpawnOption) (*Ref, error) {
	return cx.c.sys.spawnBody(body, opts)
}

func (s *System) spawnBody(body func(*Context) (any, error), opts []SpawnOption) (*Ref, error) {
	if body == nil {
		panic("actor: Spawn with nil body")
	}
	cfg := newSpawnConfig(opts)
	args := make([]any, len(cfg.args))
	for i, a := range cfg.args {
		v, err := pass(a)
		if err != nil {
			return nil, fmt.Errorf("actor: spawn %q: argument %d: %w", cfg.name, i, err)
		}
		args[i] = v
	}
	c := s.newCore(cfg.name, kindBody, !cfg.unpinned, false)
	c.configure(&cfg)
	if err := s.add(c); err != nil {
		return nil, err
	}
	cx := &Context{c: c, args: args}
	run := func() {
		c.exec.Enter()
		var res any
		var err error
		returned := false
		// Deferred, so that it also runs when body calls runtime.Goexit
		// (t.Fatal, t.FailNow): the actor then fails with ErrGoexit instead
		// of never resolving.
		defer func() {
			if !returned {
				res, err = nil, &RemoteError{Actor: c.name, Cause: goexitError()}
			}
			c.exec.Leave()
			c.linger(nil)
			if f := c.lateFail(); f != nil && err == nil {
				res, err = nil, &RemoteError{Actor: c.name, Cause: f}
			}
			c.closeCallbacks()
			c.finish(res, err)
		}()
		res, err = runBody(c, body, cx)
		returned = true
	}
	if c.pinned {
		c.startPinned(run)
	} else {
		go func() {
			defer close(c.exited)
			run()
		}()
	}
	return c.ref, nil
}

// runBody runs body, turning a panic into a *PanicError, and sends the
// result through the gate. A failure is wrapped in a *RemoteError.
func runBody(c *core, body func(*Context) (any, error), cx *Context) (res any, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, &RemoteError{Actor: c.name, Cause: newPanicError(r, debug.Stack())}
		}
	}()
	res, err = body(cx)
	if err == nil {
		err = c.takeAllFail()
	}
	if err != nil {
		return nil, &RemoteError{Actor: c.name, Cause: err}
	}
	if res != nil {
		if res, err = pass(res); err != nil {
			return nil, &RemoteError{Actor: c.name, Cause: err}
		}
	}
	return res, nil
}

// Run starts an actor system, runs main as its main actor, and when main
// returns stops every other actor and waits for their threads to be released
// before it returns.
//
// Called from the program's main goroutine, the main actor runs on the
// process's main OS thread (package actor locks it in its init, as
// golang.design/x/mainthread does), where native libraries that insist on
// the main thread can be called. Called from anywhere else (a test), main
// runs on a dedicated locked thread, and is still the main actor.
//
// Run returns main's error; a panic in main is returned as a *RemoteError
// wrapping a *PanicError. If actors are still running when the shutdown
// timeout (WithShutdownTimeout) passes, the error also holds a
// *ShutdownError naming them.
//
// A main that calls runtime.Goexit (t.Fatal) fails like a panic, with a
// *RemoteError wrapping ErrGoexit, which Run returns. On the program's main
// goroutine Go never lets Run return after a Goexit: Run shuts the system
// down as usual (Done, Join and Value of the main actor resolve with that
// error), prints it to stderr and the logger, and ends the process with
// status 2.
func Run(main func(ctx *Context) error, opts ...Option) error {
	if main == nil {
		panic("actor: Run with nil main")
	}
	s := newSystem(opts)
	defer enterProcs(s.procs)()
	defer s.observe()()
	c := s.newCore("main", kindBody, true, true)
	_ = s.add(c)
	cx := &Context{c: c}
	var mainErr, stopErr error
	var shutdown func(restore func())
	body := func() {
		// Publish the main actor to the layers below (extension's OnMain
		// policy finds it through execctx.Main).
		restore := execctx.SetMain(c.exec)
		c.exec.Enter()
		returned := false
		defer func() {
			if !returned { // main called runtime.Goexit
				mainErr = &RemoteError{Actor: c.name, Cause: goexitError()}
			}
			shutdown(restore)
		}()
		_, mainErr = runBody(c, func(cx *Context) (any, error) { return nil, main(cx) }, cx)
		var re *RemoteError
		if errors.As(mainErr, &re) && re.Actor == c.name {
			if _, ok := re.Cause.(*PanicError); !ok {
				mainErr = re.Cause // main's own error, returned as is
			}
		}
		returned = true
	}
	shutdown = func(restore func()) {
		ctx, cancel := context.WithTimeout(context.Background(), s.shutdown)
		// Stop waits for the other actors, their ref'ed callbacks included;
		// while it waits, main's token is free and it serves calls.
		stopErr = s.Stop(ctx)
		c.exec.Leave()
		if c.linger(ctx) {
			stopErr = addLingering(stopErr, c.name)
		}
		cancel()
		if f := c.lateFail(); f != nil && mainErr == nil {
			mainErr = f
		}
		c.closeCallbacks()
		c.finish(nil, mainErr)
		s.proto.Shutdown()
		restore()
	}
	if osthread.OnMainThread() {
		// We are the main goroutine (init locked it to this thread).
		runtime.LockOSThread()
		c.enterThread()
		returned := false
		defer func() {
			if !returned {
				if r := recover(); r != nil {
					panic(r) // not a Goexit (recover returns nil in one): crash as before
				}
				// main called runtime.Goexit: body's deferred shutdown has
				// run, but Go never lets this goroutine return to the
				// program's main (see goexitOnMainGoroutine).
				goexitOnMainGoroutine(s, mainErr, stopErr)
			}
		}()
		body()
		returned = true
		c.leaveThread()
		close(c.exited)
		runtime.UnlockOSThread()
	} else {
		c.startPinned(body)
		<-c.exited
	}
	if stopErr != nil {
		return errors.Join(mainErr, stopErr)
	}
	return mainErr
}

// timeoutCtx returns a context for a blocking send under OverflowBlock.
func timeoutCtx(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// exitProcess ends the process; tests of the Goexit path replace it.
var exitProcess = os.Exit

// goexitOnMainGoroutine ends a program whose main actor called
// runtime.Goexit while Run ran on the process's main goroutine. Go runs the
// deferred calls and then ends that goroutine without returning to main, and
// nothing can stop it (a recovered panic resumes the Goexit), so Run cannot
// return its error. By now the shutdown has run: every actor stopped, the
// main actor's Done, Join and Value resolved with the *RemoteError wrapping
// ErrGoexit. What is left is to say so and end the process with status 2, as
// Go's own "main called runtime.Goexit" failure does, instead of leaving it
// running without its main goroutine.
func goexitOnMainGoroutine(s *System, mainErr, stopErr error) {
	err := errors.Join(mainErr, stopErr)
	s.log.Error("actor: the main actor called runtime.Goexit on the program's main goroutine; Run cannot return, exiting with status 2", zap.Error(err))
	_ = s.log.Sync()
	fmt.Fprintf(os.Stderr, "actor: Run: %v\nactor: the main actor called runtime.Goexit on the program's main goroutine, which never returns to main: exiting with status 2\n", err)
	exitProcess(2)
}
