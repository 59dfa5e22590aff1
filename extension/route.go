package extension

import (
	"sync"
	"sync/atomic"

	"github.com/goractor/goractor/internal/execctx"
)

// The gate in two phases. The first phase (first) looks only at the
// function's mode, fixed at bind time, and at the caller's Exec: it builds no
// closure and touches no shared state except, for Serialize, the lock word.
// When it finds that the call runs on the caller's goroutine (the main actor
// calling a main-only function, any caller under the Serialize lock), ffi's
// typed path (Bind's listed shapes), which asks it through
// ffi.Admitter (gate.Admit), calls C right there, on the caller's own stack
// frame: no heap frame, no closure. Every other route (a refusal, a hand-off
// to the main actor or to the dedicated thread, a traced or metered call)
// takes the second phase, gate.do (ffi.Gate's Call), with the frame copied
// for the thread that runs it.

// gateMode is what a function's declaration leaves to decide per call.
type gateMode uint8

const (
	modeMainOnly   gateMode = iota // not parallel-safe, AnyThread: the main actor calls directly, OnMain forwards, others are refused
	modeSerialize                  // not parallel-safe, Policy Serialize: everyone under the extension's lock
	modeParallel                   // parallel-safe, AnyThread: gated only for metrics or trace
	modeMainThread                 // Affinity MainThread
	modeDedicated                  // Affinity DedicatedThread
)

// firstRoute is what the first phase decided.
type firstRoute uint8

const (
	firstHandoff firstRoute = iota // the second phase decides: refusal, another thread
	firstDirect                    // run on the caller's goroutine, no lock
	firstSerial                    // run on the caller's goroutine under the Serialize lock
)

// first is the gate's first phase for caller (nil outside every actor).
func (g *gate) first(caller *execctx.Exec) firstRoute {
	switch g.mode {
	case modeMainOnly:
		if caller.IsMain() {
			return firstDirect
		}
	case modeSerialize:
		return firstSerial
	case modeParallel:
		return firstDirect
	case modeMainThread:
		if caller.IsMain() && !caller.GuestHere() {
			return firstDirect
		}
	}
	// modeDedicated: a call made on the dedicated thread itself runs inline,
	// but finding out takes a gettid; do decides.
	return firstHandoff
}

// caller returns the calling goroutine's Exec (nil outside every actor). The
// main actor's own goroutine is found without the goroutine table, with one
// read of the goroutine pointer (execctx.OwnMain).
func caller() *execctx.Exec {
	if c := execctx.OwnMain(); c != nil {
		return c
	}
	return execctx.Current()
}

// admit is the first phase for the calling goroutine, as ffi asks it
// (Admit): admitted when the call runs on that goroutine now, locked when
// admit took the Serialize lock for it (release it with g.x.serial.unlock).
// A re-entry from a callback of the caller's own serialized call is admitted
// without the lock. The common routes (the main actor calling a main-only
// function, a Serialize call) read the mode and the goroutine pointer (one
// getg) before the lock.
func (g *gate) admit() (admitted, locked bool) {
	switch g.mode {
	case modeMainOnly:
		if execctx.OwnMain() != nil {
			return true, false
		}
		// Also the main actor: a callback of its on a thread C created.
		return execctx.Current().IsMain(), false
	case modeSerialize:
		return true, g.x.serial.lock(caller())
	case modeMainThread:
		return g.first(caller()) == firstDirect, false
	case modeParallel:
		return true, false
	}
	// modeDedicated: do decides (see first).
	return false, false
}

// serialLock is the per-extension lock of the Serialize policy. Its word is
// the holder's Exec, so taking it also records who holds it (what the
// re-entry check reads): one locked instruction (a CAS) to take it and, with
// membarrier on amd64, none to release it (execctx.ReleaseOwner: a plain
// store, then a load of waiters). Contended, waiters sleep on cond.
//
// The release's plain store may pass its load of waiters (a store buffer):
// the releaser could read no waiter while a waiter, counted meanwhile, still
// sees the lock held and sleeps, never signalled. lockSlow closes that window
// with execctx.FenceReleases between counting itself and its first
// CompareAndSwap (Dekker's protocol, the releaser's barrier supplied by the
// waiter's membarrier, as execctx's token does): a releaser whose load came
// before the fence had its store drained by it, so the swap sees the
// release; a releaser whose load came after it sees the waiter and signals.
// Later retries need no fence: a swap that fails read the word of a holder
// that took the lock after the waiter's count (a locked instruction, ordered
// before that swap), so that holder's release reads the count.
type serialLock struct {
	owner   atomic.Pointer[execctx.Exec] // the holder; outsider for a caller outside actors; nil when free
	waiters atomic.Int32                 // goroutines in lockSlow
	mu      sync.Mutex                   // guards the sleep in lockSlow
	cond    sync.Cond                    // L is mu (set by init)
}

// outsider holds the lock for callers outside every actor: they cannot
// re-enter, so one identity serves them all.
var outsider = execctx.New("", false, execctx.Hooks{})

func (s *serialLock) init() { s.cond.L = &s.mu }

// lock takes the lock for caller (nil outside every actor) and returns true,
// or returns false without taking it when caller holds it already: a call
// re-entered from a callback of the call that holds the lock, inside the same
// actor (on its goroutine, or on a thread C created while the actor is in
// that call), where waiting would deadlock.
func (s *serialLock) lock(caller *execctx.Exec) bool {
	if caller == nil {
		caller = outsider
	} else if s.owner.Load() == caller && caller.Inside() {
		return false
	}
	if !s.owner.CompareAndSwap(nil, caller) {
		s.lockSlow(caller)
	}
	return true
}

func (s *serialLock) lockSlow(caller *execctx.Exec) {
	s.mu.Lock()
	s.waiters.Add(1)
	// The fence (see serialLock) makes the swap below see every release
	// that could have missed the count. Then: either a swap sees the lock
	// free, or the holder it read sees the waiter when it releases and
	// signals once this goroutine waits (it needs mu for that).
	execctx.FenceReleases()
	for !s.owner.CompareAndSwap(nil, caller) {
		s.cond.Wait()
	}
	s.waiters.Add(-1)
	s.mu.Unlock()
}

func (s *serialLock) unlock() {
	execctx.ReleaseOwner(&s.owner, nil)
	if s.waiters.Load() > 0 {
		s.mu.Lock()
		s.cond.Signal()
		s.mu.Unlock()
	}
}
