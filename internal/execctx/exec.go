package execctx

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Hooks are what package actor plugs into an Exec so that lower layers (ffi,
// extension) can reach the actor without importing it. Every hook is optional.
type Hooks struct {
	// RunOnThread runs f on the actor's own OS thread, exclusive with the
	// actor's other work, and waits for it or for ctx. It returns
	// safety.ErrWouldDeadlock (wrapped) when the actor is waiting on the caller.
	// It owns "lend while waiting": a calling actor's token is given up for
	// the wait and taken back after it, so its callers must not lend it too.
	RunOnThread func(ctx context.Context, f func()) error

	// Fail reports an error raised on the actor's behalf outside its own
	// goroutine, for example a panic recovered in a callback from a foreign
	// thread. The actor delivers it to itself or to its supervisor.
	Fail func(err error)
}

// Exec is one actor's execution context. All methods are safe for concurrent
// use unless they say otherwise.
type Exec struct {
	name  string
	main  bool
	hooks Hooks

	g atomic.Uintptr // goroutine bound by Bind, 0 when unbound

	// lendOnCall is set while the actor owns callbacks that may arrive on
	// foreign threads; only then do native calls lend the token.
	lendOnCall atomic.Int32

	// guest is the goroutine running a callback inside the actor on a thread
	// the actor does not own (BindGuest), 0 when none. It is written only by
	// a holder of the token, so there is at most one.
	guest atomic.Uintptr

	// lendDepth counts the owner's nested Lends; only the owner goroutine
	// (and callbacks running inline on it) touch it.
	lendDepth int32
	// fastLent records that the outermost Lend was the plain store of
	// token.fast (see token); owner goroutine only, like lendDepth.
	fastLent bool

	tok token
}

// New returns an Exec for an actor called name. main marks the main actor.
// The token starts free; the actor's goroutine takes it with Enter.
func New(name string, main bool, hooks Hooks) *Exec {
	return &Exec{name: name, main: main, hooks: hooks}
}

// Name returns the actor's name, as used in errors.
func (e *Exec) Name() string {
	if e == nil {
		return ""
	}
	return e.name
}

// IsMain reports whether e is the main actor's Exec.
func (e *Exec) IsMain() bool { return e != nil && e.main }

// Hooks returns the hooks the actor installed.
func (e *Exec) Hooks() Hooks { return e.hooks }

// OnOwnGoroutine reports whether the caller is the goroutine bound to e.
func (e *Exec) OnOwnGoroutine() bool { return e != nil && e.OwnG(getg()) }

// Enter takes the token for the actor's own goroutine before it runs the
// actor's Go code, waiting while a foreign callback holds it.
func (e *Exec) Enter() { e.tok.lock(nil) }

// Leave gives the token up when the actor's goroutine stops running Go code
// (it goes idle, or it ends).
func (e *Exec) Leave() { e.tok.unlock() }

// NeedsLend reports whether native calls made by this actor must lend the
// token (some callback owned by it may arrive on a foreign thread). It is one
// atomic load.
func (e *Exec) NeedsLend() bool { return e.lendOnCall.Load() > 0 }

// RetainLend and ReleaseLend count the callbacks that make NeedsLend true.
// Package ffi calls them when a callback that may arrive on a foreign thread
// is created for this actor, and when it is closed.
func (e *Exec) RetainLend() {
	lendMu.Lock()
	if e.lendOnCall.Add(1) == 1 {
		lending.add(e)
	}
	lendMu.Unlock()
	lenders.Add(1)
}

// lendMu orders the 0 → 1 and 1 → 0 transitions of lendOnCall with the
// updates of lending.
var lendMu sync.Mutex

// ReleaseLend undoes one RetainLend.
func (e *Exec) ReleaseLend() {
	lendMu.Lock()
	n := e.lendOnCall.Add(-1)
	if n == 0 {
		lending.remove(e)
	}
	lendMu.Unlock()
	if n < 0 {
		panic("execctx: ReleaseLend without RetainLend")
	}
	lenders.Add(-1)
}

// lenders counts RetainLend calls not yet released, over all actors.
var lenders atomic.Int64

// AnyLenders reports whether any actor needs its native calls to lend the
// token. It is one atomic load: the native call path checks it first and
// skips the goroutine lookup entirely in the common case.
func AnyLenders() bool { return lenders.Load() > 0 }

// Lend gives the token up for the duration of a native call made by the
// actor's own goroutine. Pair it with Reclaim on the same goroutine.
//
// Where the kernel provides membarrier, the outermost Lend is one plain
// store (token.fast) and its Reclaim one plain store and two loads: no
// locked instruction. A taker that finds the token lent that way pays for
// the hand-over instead (token.steal). Elsewhere the token's lent bit lives
// in the same word as its held bit (see token), so lending is one atomic
// swap and reclaiming one compare-and-swap.
//
// Lending nests: a callback running inline in the owner's native call takes
// the lent token (TryAcquire keeps the lent bit) and may make a native call
// of its own, which lends and reclaims only the held bit.
func (e *Exec) Lend() {
	e.lendDepth++
	if e.lendDepth > 1 {
		if e.fastLent {
			// Code inline in the outer call gives up a token it did not
			// take (it skipped TryAcquire): make the outer lend an
			// ordinary one first.
			e.tok.stealOwn()
		}
		e.tok.unlock()
		return
	}
	if asymmetric {
		if e.tok.state.Load() != heldBit {
			panic("execctx: Lend without holding the token")
		}
		e.fastLent = true
		storeFast(&e.tok.fast, 1)
		// A taker queued before the store either saw it (after its fence,
		// see lockSlow) or is seen here and woken to see it.
		if e.tok.waiters.Load() > 0 {
			e.tok.wakeOne()
		}
		return
	}
	if e.tok.state.Swap(lentBit) != heldBit {
		panic("execctx: Lend without holding the token")
	}
	if e.tok.waiters.Load() > 0 {
		e.tok.wakeOne()
	}
}

// Reclaim takes the token back after a native call, waiting for a callback
// that is running on a foreign thread to finish.
func (e *Exec) Reclaim() {
	e.lendDepth--
	switch {
	case e.lendDepth < 0:
		panic("execctx: Reclaim without Lend")
	case e.lendDepth > 0:
		if !e.tok.tryLock() {
			_ = e.tok.lockSlow(nil, false)
		}
	case e.fastLent:
		e.fastLent = false
		storeFast(&e.tok.fast, 0)
		// No taker began a steal before our store reached it (else we see
		// stealing or its converted state): we still hold the token.
		if e.tok.stealing.Load() != 0 || e.tok.state.Load() != heldBit {
			e.tok.reclaimStolen()
		}
	case !e.tok.state.CompareAndSwap(lentBit, heldBit):
		_ = e.tok.lockSlow(nil, true)
	}
}

// Lent reports whether the owner goroutine is inside a native call that lent
// the token (between Lend and Reclaim). Call it only on the owner goroutine,
// for example from a callback running inline in that call.
func (e *Exec) Lent() bool { return e.tok.lent() }

// InNative reports, from any goroutine, whether the actor's own goroutine is
// inside a native call that lent the token (a snapshot).
func (e *Exec) InNative() bool { return e != nil && e.tok.lent() }

// GuestHere reports whether the calling goroutine runs a callback inside the
// actor from a thread the actor does not own (see BindGuest).
func (e *Exec) GuestHere() bool {
	return e != nil && e.guest.Load() == getg() && getg() != 0
}

// Inside reports whether the calling goroutine runs the actor's code: its
// own goroutine, or a guest callback holding its token.
func (e *Exec) Inside() bool { return e.OnOwnGoroutine() || e.GuestHere() }

// Acquire takes the token on behalf of code that is not the actor's goroutine
// (a callback from a foreign thread). It waits while the actor runs Go code,
// without spinning, until ctx is done.
func (e *Exec) Acquire(ctx context.Context) error {
	if e.tok.tryLock() {
		return nil
	}
	return e.tok.lockSlow(ctx, false)
}

// TryAcquire takes the token if it is free right now, or lent by a native
// call of the owner's.
func (e *Exec) TryAcquire() bool {
	if e.tok.tryLock() {
		return true
	}
	// Lent with a plain store: the owner's own thread (a callback inline
	// in its native call) takes it over without a fence.
	return e.tok.fast.Load() != 0 && e.tok.steal(e.OnOwnGoroutine())
}

// Release gives back a token taken with Acquire or TryAcquire.
func (e *Exec) Release() { e.tok.unlock() }

// Waiters reports how many callers are queued for the token (a diagnostic;
// it may be stale by the time it returns).
func (e *Exec) Waiters() int { return int(e.tok.waiters.Load()) }

// Held reports whether somebody holds the token (a diagnostic; it may be stale
// by the time it returns).
func (e *Exec) Held() bool { return e.tok.state.Load()&heldBit != 0 }

// token is a mutex with a deadline-aware slow path. The fast paths are one CAS
// to lock and, with membarrier, a plain store plus one load to unlock (see
// unlock; elsewhere a locked AND). Its state also records that
// the owner lent it (lentBit, set by Lend and cleared by Reclaim): others
// lock and unlock only the held bit, so a callback from a foreign thread
// takes and gives back a lent token without touching the lent bit, and the
// owner's Reclaim takes it back in one compare-and-swap, lent → held.
//
// The owner's fast lend (asymmetric). With membarrier the owner does not
// touch state around a native call: it keeps the held bit and stores fast =
// 1 before the call and fast = 0 after it, plain stores, then loads
// stealing and state. A taker that finds the held bit set and fast = 1
// steals the lend: it sets stealing (CAS), runs a fence (membarrier: a full
// barrier on every running thread), loads fast again and, still 1, turns
// the lend into an ordinary one (state held → held|lent: it holds the
// token, the owner has lent it) and clears fast and stealing. This is
// Dekker's protocol with the owner's barrier supplied by the taker's
// membarrier: either the owner's fast = 0 reached the taker before the
// fence (the taker sees 0 and backs off) or the owner's loads after it
// come after the fence and see stealing set or the converted state (the
// owner waits, then reclaims the ordinary way). One steal per native call
// at most: once converted, other takers use the lent bit as before.
type token struct {
	state   atomic.Int32 // heldBit | lentBit
	waiters atomic.Int32 // goroutines queued in q (or about to be)

	fast     atomic.Int32 // 1 while the owner is in a fast-lent native call
	stealing atomic.Int32 // 1 while a taker converts a fast lend

	mu sync.Mutex      // protects q
	q  []chan struct{} // FIFO of parked waiters, each woken at most once
}

const (
	heldBit = 1 << iota
	lentBit
)

// lent reports whether the owner is inside a native call that lent the token.
func (t *token) lent() bool { return t.fast.Load() != 0 || t.state.Load()&lentBit != 0 }

// steal turns the owner's fast lend into an ordinary lend held by the
// caller, and reports whether it did. own says the caller runs on the
// owner's goroutine (inline in its native call), whose program order
// already orders its store of fast: no fence.
func (t *token) steal(own bool) bool {
	if !t.stealing.CompareAndSwap(0, 1) {
		return false
	}
	if !own {
		fence()
	}
	ok := t.fast.Load() != 0 && t.state.CompareAndSwap(heldBit, heldBit|lentBit)
	if ok {
		t.fast.Store(0)
	}
	t.stealing.Store(0)
	return ok
}

// stealOwn is steal from the owner's goroutine that must succeed unless a
// foreign taker converted the lend first.
func (t *token) stealOwn() {
	for t.fast.Load() != 0 && !t.steal(true) {
		runtime.Gosched() // a foreign taker holds stealing for a few instructions and a syscall
	}
}

// reclaimStolen is the owner's Reclaim after a fast lend that a taker began
// to steal: wait for the taker to finish converting (it never blocks while
// stealing), then take the token back as after an ordinary lend (or keep it,
// when the steal failed).
func (t *token) reclaimStolen() {
	for t.stealing.Load() != 0 {
		runtime.Gosched()
	}
	if t.state.Load() == heldBit {
		return
	}
	if !t.state.CompareAndSwap(lentBit, heldBit) {
		_ = t.lockSlow(nil, true)
	}
}

func (t *token) lock(ctx context.Context) {
	if t.state.CompareAndSwap(0, heldBit) {
		return
	}
	_ = t.lockSlow(ctx, false)
}

// tryLock sets the held bit if it is clear, keeping the lent bit.
func (t *token) tryLock() bool {
	s := t.state.Load()
	return s&heldBit == 0 && t.state.CompareAndSwap(s, s|heldBit)
}

// try is tryLock, or for the owner's Reclaim (reclaim set) the swap of a
// free lent token to held, clearing the lent bit.
func (t *token) try(reclaim bool) bool {
	if reclaim {
		return t.state.CompareAndSwap(lentBit, heldBit)
	}
	return t.tryLock() || (t.fast.Load() != 0 && t.steal(false))
}

// lockSlow parks until the token is free (for reclaim: free and lent) or
// ctx is done (ctx may be nil: wait forever).
func (t *token) lockSlow(ctx context.Context, reclaim bool) error {
	var done <-chan struct{}
	if ctx != nil {
		done = ctx.Done()
	}
	for {
		t.mu.Lock()
		t.waiters.Add(1)
		if asymmetric && t.state.Load()&heldBit != 0 {
			// The holder may be storing without a barrier: fast (the
			// owner's Lend) or state (unlock). After this fence either we
			// see its store or its load of waiters sees our Add and wakes
			// us.
			fence()
		}
		// Re-check after announcing ourselves: an unlock that ran before the
		// Add saw no waiters, so its store must be visible here.
		if t.try(reclaim) {
			t.waiters.Add(-1)
			t.mu.Unlock()
			return nil
		}
		ch := make(chan struct{}, 1)
		t.q = append(t.q, ch)
		t.mu.Unlock()

		select {
		case <-ch:
			// Woken by an unlock (which already took us off q and decremented
			// waiters); try again, another locker may have barged in.
			if t.try(reclaim) {
				return nil
			}
		case <-done:
			t.mu.Lock()
			removed := false
			for i, c := range t.q {
				if c == ch {
					t.q = append(t.q[:i], t.q[i+1:]...)
					t.waiters.Add(-1)
					removed = true
					break
				}
			}
			t.mu.Unlock()
			if !removed {
				// An unlock popped us and sent a wake-up we will not use:
				// pass it on so no other waiter is stranded.
				<-ch
				t.wakeOne()
			}
			return ctx.Err()
		}
	}
}

// unlock clears the held bit and wakes a waiter if any is queued.
//
// With membarrier (asymmetric) it is a load and a plain store (storeState):
// no locked instruction. While the token is held nobody else writes state
// (every other writer is a CAS that expects the held bit clear, or steal's,
// which expects a fast lend, and the owner never unlocks during one), so
// nothing is overwritten. The store and the load of waiters that follows
// it may be reordered (a store buffer): a locker that queued meanwhile
// could see the token still held and park while the unlocker sees no
// waiter. lockSlow closes that window as it does for the fast lend: a
// locker that finds the held bit set runs a fence after announcing itself
// and before it checks again, so either it sees the store or the
// unlocker's load sees it queued.
func (t *token) unlock() {
	if !asymmetric {
		if t.state.And(^int32(heldBit))&heldBit == 0 {
			panic("execctx: token released while free")
		}
	} else if s := t.state.Load(); s&heldBit == 0 {
		panic("execctx: token released while free")
	} else {
		storeState(&t.state, s&^heldBit)
	}
	if t.waiters.Load() > 0 {
		t.wakeOne()
	}
}

func (t *token) wakeOne() {
	t.mu.Lock()
	if len(t.q) > 0 {
		ch := t.q[0]
		t.q = t.q[1:]
		t.waiters.Add(-1)
		ch <- struct{}{}
	}
	t.mu.Unlock()
}

var mainExec atomic.Pointer[Exec]

// SetMain records e as the running main actor's Exec (package actor calls it
// when Run starts the main actor) and returns a function that restores the
// previous one. Layers below actor (extension's OnMain policy) find the main
// actor through Main.
func SetMain(e *Exec) (restore func()) {
	prev := mainExec.Swap(e)
	return func() { mainExec.CompareAndSwap(e, prev) }
}

// Main returns the running main actor's Exec, or nil when no actor.Run is
// active.
func Main() *Exec { return mainExec.Load() }
