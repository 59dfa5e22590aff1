package extension

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/osthread"
	"github.com/goractor/goractor/safety"
)

// Route says how the gate ran (or refused) one call.
type Route int

const (
	// RouteDirect: the call ran on the caller's thread without a lock.
	RouteDirect Route = iota + 1
	// RouteRefused: the call was refused; native code was not entered.
	RouteRefused
	// RouteOnMain: the call was forwarded to the main actor's thread.
	RouteOnMain
	// RouteSerialized: the call ran on the caller's thread under the
	// extension's lock.
	RouteSerialized
	// RouteDedicated: the call ran on the extension's dedicated thread.
	RouteDedicated
)

// String returns "direct", "refused", "on-main", "serialized" or "dedicated".
func (r Route) String() string {
	switch r {
	case RouteDirect:
		return "direct"
	case RouteRefused:
		return "refused"
	case RouteOnMain:
		return "on-main"
	case RouteSerialized:
		return "serialized"
	case RouteDedicated:
		return "dedicated"
	}
	return "Route(?)"
}

// CallInfo describes one gated call, for a trace function installed with
// WithTrace.
type CallInfo struct {
	Extension string // the extension's name
	Function  string // the native symbol
	Actor     string // the calling actor's name; "" outside every actor
	Main      bool   // the caller is the main actor
	Route     Route  // how the call was run, or RouteRefused
	Thread    int    // kernel thread id the native code ran on; 0 when refused or not Linux
	Err       error  // the refusal, when Route is RouteRefused or forwarding failed
}

// Refusals of a call made by a callback on a thread C created, inside an
// actor whose call is what that thread's C code is part of.
var (
	errMainBusy      = fmt.Errorf("the main thread is inside the native call this callback runs for: %w", safety.ErrWouldDeadlock)
	errDedicatedBusy = fmt.Errorf("the extension's dedicated thread is inside the native call this callback runs for: %w", safety.ErrWouldDeadlock)
)

// ErrClosed is wrapped by the error a call returns after the extension was
// closed, when the call needed the extension's dedicated thread.
var ErrClosed = errors.New("extension: closed")

// mainExec returns the main actor's Exec, or nil when no main actor runs.
// Package actor records it through execctx.SetMain when Run starts.
func mainExec() *execctx.Exec { return execctx.Main() }

// gate decides, for one bound function, whether and where a call may run. It
// is immutable once built: the function's safety is fixed when it is bound.
type gate struct {
	x      *Extension
	fn     string
	safety Safety   // effective, never Undeclared
	mode   gateMode // what the declaration and safety leave to decide per call
	// recorded: the extension has a trace or metrics, so every call goes
	// through do (Call), which records it; Admit admits none.
	recorded bool
}

func newGate(x *Extension, fn string, s Safety) *gate {
	g := &gate{x: x, fn: fn, safety: s, recorded: x.trace != nil || x.metrics != nil}
	switch d := &x.decl; {
	case d.Affinity == DedicatedThread:
		g.mode = modeDedicated
	case d.Affinity == MainThread:
		g.mode = modeMainThread
	case s.IsParallelSafe():
		g.mode = modeParallel
	case d.Policy == Serialize:
		g.mode = modeSerialize
	default:
		g.mode = modeMainOnly
	}
	return g
}

// needsGate reports whether calls of a function with safety s in extension x
// must go through a gate at all. Parallel-safe functions without thread
// affinity are not gated and cost nothing.
func needsGate(d *Declaration, s Safety) bool {
	return d.Affinity != AnyThread || !s.IsParallelSafe()
}

// do runs call as the declaration demands for a caller with Exec caller (nil
// outside every actor). It returns a *safety.UnsafeError when it refuses, and
// never enters call in that case.
func (g *gate) do(ctx context.Context, caller *execctx.Exec, call func()) error {
	switch g.first(caller) {
	case firstDirect:
		return g.direct(caller, call)
	case firstSerial:
		return g.serialized(caller, call)
	}
	switch g.mode {
	case modeDedicated:
		return g.dedicated(caller, call)
	case modeMainThread:
		if caller.IsMain() {
			// A callback inside the main actor on a thread C created: the
			// main thread is in the native call that waits for it.
			return g.refuse(caller, errMainBusy)
		}
		if g.x.decl.Policy == OnMain {
			return g.onMain(ctx, caller, call)
		}
		return g.refuse(caller, safety.ErrWrongThread)
	}
	if g.x.decl.Policy == OnMain {
		return g.onMain(ctx, caller, call)
	}
	return g.refuse(caller, safety.ErrNotParallelSafe)
}

func (g *gate) info(caller *execctx.Exec, r Route, tid int, err error) CallInfo {
	return CallInfo{Extension: g.x.decl.Name, Function: g.fn, Actor: caller.Name(), Main: caller.IsMain(), Route: r, Thread: tid, Err: err}
}

// traced wraps call so that it records the thread it ran on, when a trace
// function is installed.
func (g *gate) run(caller *execctx.Exec, r Route, call func()) {
	tr, m := g.x.trace, g.x.metrics
	if tr == nil && m == nil {
		call()
		return
	}
	tid := osthread.Gettid()
	start := time.Now()
	call()
	if m != nil {
		m.called(g.fn, r, time.Since(start))
	}
	if tr != nil {
		tr(g.info(caller, r, tid, nil))
	}
}

func (g *gate) direct(caller *execctx.Exec, call func()) error {
	g.run(caller, RouteDirect, call)
	return nil
}

func (g *gate) refuse(caller *execctx.Exec, reason error) error {
	err := &safety.UnsafeError{Op: "call", Extension: g.x.decl.Name, Function: g.fn, Actor: caller.Name(), Err: reason}
	if m := g.x.metrics; m != nil {
		m.refused(g.fn, reason)
	}
	if tr := g.x.trace; tr != nil {
		tr(g.info(caller, RouteRefused, 0, err))
	}
	return err
}

func (g *gate) serialized(caller *execctx.Exec, call func()) error {
	if g.x.serial.lock(caller) {
		defer g.x.serial.unlock()
	}
	g.run(caller, RouteSerialized, call)
	return nil
}

// lendWhileWaiting gives the caller's execution token up while it waits for
// another thread to run its call, so that a callback the call triggers can
// enter the caller (the caller would otherwise hold its token while waiting
// for a thread that waits for the token). It returns the function that takes
// the token back.
func lendWhileWaiting(caller *execctx.Exec) (reclaim func()) {
	if caller == nil || !caller.NeedsLend() || !caller.OnOwnGoroutine() || !caller.Held() {
		return func() {}
	}
	caller.Lend()
	return caller.Reclaim
}

func (g *gate) onMain(ctx context.Context, caller *execctx.Exec, call func()) error {
	m := mainExec()
	if m == nil {
		return g.refuse(caller, safety.ErrNoMainActor)
	}
	if m == caller {
		return g.direct(caller, call)
	}
	rot := m.Hooks().RunOnThread
	if rot == nil {
		return g.refuse(caller, safety.ErrNoMainActor)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	// The wait for the main actor to take the call is bounded: a main actor
	// blocked outside Receive, Value... never takes it. Once taken, the call
	// runs to completion and the wait lasts as long (it uses the caller's
	// memory). state moves from 0 to taken or to expired, once.
	const taken, expired = 1, 2
	var state atomic.Int32
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	timer := time.AfterFunc(g.x.mainWait, func() {
		if state.CompareAndSwap(0, expired) {
			cancel()
		}
	})
	defer timer.Stop()
	var p any
	panicked := false
	// No lendWhileWaiting here: RunOnThread gives the caller's token up while
	// it waits (execctx.Hooks), and a second release would find it free.
	err := rot(wctx, func() {
		if !state.CompareAndSwap(0, taken) {
			return // the caller has stopped waiting
		}
		defer func() {
			if r := recover(); r != nil {
				p, panicked = r, true
			}
		}()
		g.run(caller, RouteOnMain, call)
	})
	if state.Load() == expired && ctx.Err() == nil {
		return g.refuse(caller, fmt.Errorf("the main actor did not take the call within %v: it is blocked outside Receive, Value, Join, Select or Request: %w", g.x.mainWait, safety.ErrWouldDeadlock))
	}
	if panicked {
		panic(p) // re-raised on the caller's goroutine, never on the main actor's
	}
	if err != nil {
		return g.refuse(caller, err)
	}
	return nil
}

func (g *gate) dedicated(caller *execctx.Exec, call func()) error {
	t := g.x.thread
	if t.onThread() {
		g.run(caller, RouteDedicated, call)
		return nil
	}
	if caller.GuestHere() && t.busyFor() == caller {
		// A callback inside the caller on a thread C created, while the
		// dedicated thread runs the caller's call that made it.
		return g.refuse(caller, errDedicatedBusy)
	}
	reclaim := lendWhileWaiting(caller)
	p, panicked, err := t.do(caller, func() { g.run(caller, RouteDedicated, call) })
	reclaim()
	if panicked {
		panic(p)
	}
	if err != nil {
		return g.refuse(caller, err)
	}
	return nil
}
