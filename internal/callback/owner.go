package callback

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/goractor/goractor/internal/execctx"
)

// ownerState is what this package keeps per owning Exec (nil: unowned).
type ownerState struct {
	// What a call reads and writes, together at the start.
	depth int32 // handlers running inside the owner (nested); touched only by the token's holder
	// npending is len(pending), read without the lock by the token's holder.
	npending atomic.Int32
	// counts are the owner's share of the call counters, written only by
	// the holder of the owner's execution token (bump), summed by ReadStats.
	counts ownerCounts

	e *execctx.Exec

	mu   sync.Mutex
	refs int
	idle chan struct{} // closed while refs == 0
	live map[*Callback]struct{}
	gone bool // removed from owners; a creator that finds it must retry
	held int  // callbacks attached and not yet released (calls may be in flight)

	// pending are closed callbacks whose release waits for the owner's
	// token (st.mu; npending above); draining is set while a drainer
	// goroutine runs.
	pending  []*Callback
	draining bool

	folded atomic.Bool // counts moved into stats' retired totals (statsMu)
}

// ownerCounts are the counters of the calls that reached their owner's
// execution token: inline and foreign-thread calls, whether the handler
// returned (Inline, Foreign) or not (fired only; the panic or Goexit is
// counted in the global atomic counter). One writer at a time, the token's
// holder, so no locked instruction on the call path.
type ownerCounts struct {
	fired, inline, foreign int64
}

var owners sync.Map // *execctx.Exec -> *ownerState

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// attach registers c with its owner's state, creating it when needed.
func attach(c *Callback) {
	for {
		v, _ := owners.LoadOrStore(c.owner, &ownerState{e: c.owner, idle: closedChan, live: map[*Callback]struct{}{}})
		st := v.(*ownerState)
		st.mu.Lock()
		if st.gone {
			st.mu.Unlock()
			continue
		}
		st.live[c] = struct{}{}
		st.held++
		c.ost = st
		st.mu.Unlock()
		return
	}
}

// detach removes c (closed) from its owner's live callbacks. The state
// itself stays until c is released too (unhold): a call still in flight
// may write its counters.
func detach(c *Callback) {
	st := c.ost
	st.mu.Lock()
	st.setRef(c, false)
	delete(st.live, c)
	st.mu.Unlock()
}

// unhold is c's release from its owner's state: once no callback of the
// owner is attached or in flight, the state's counters move into the
// retired totals and the state is removed (a later New makes a fresh one).
func unhold(c *Callback) {
	st := c.ost
	st.mu.Lock()
	st.held--
	if st.held == 0 && st.refs == 0 {
		st.gone = true
		owners.CompareAndDelete(st.e, st)
		retire(st)
	}
	st.mu.Unlock()
}

// setRef changes c's ref state; st.mu must be held.
func (st *ownerState) setRef(c *Callback, on bool) {
	if c.refd == on {
		return
	}
	c.refd = on
	if on {
		if st.refs == 0 {
			st.idle = make(chan struct{})
		}
		st.refs++
		return
	}
	st.refs--
	if st.refs == 0 {
		close(st.idle)
	}
}

// later queues c's release for the owner's token: for the outermost handler
// running under it (drain), or, with wait set, for a goroutine that waits
// for the token (started unless one runs).
func (st *ownerState) later(c *Callback, wait bool) {
	st.mu.Lock()
	st.pending = append(st.pending, c)
	st.npending.Store(int32(len(st.pending)))
	start := wait && !st.draining
	if start {
		st.draining = true
	}
	st.mu.Unlock()
	if start {
		go st.drainer()
	}
}

// drainer waits for the owner's token (without a deadline: the owner gives
// it up when it goes idle, lends it or stops) and releases what is pending.
func (st *ownerState) drainer() {
	_ = st.e.Acquire(context.Background())
	for {
		st.drain()
		st.mu.Lock()
		if len(st.pending) == 0 {
			st.draining = false
			st.mu.Unlock()
			break
		}
		st.mu.Unlock()
	}
	st.e.Release()
}

// drain releases the pending callbacks; the caller holds the owner's token
// and runs no handler of the owner (depth 0).
func (st *ownerState) drain() {
	st.mu.Lock()
	cbs := st.pending
	st.pending = nil
	st.npending.Store(0)
	st.mu.Unlock()
	for _, c := range cbs {
		c.release()
	}
}

func stateOf(e *execctx.Exec) *ownerState {
	v, ok := owners.Load(e)
	if !ok {
		return nil
	}
	return v.(*ownerState)
}

// Refs returns how many ref'ed callbacks e owns (e == nil: unowned callbacks).
// A ref'ed callback keeps its owner alive: package actor does not let an
// actor end on its own while Refs is above zero.
func Refs(e *execctx.Exec) int {
	st := stateOf(e)
	if st == nil {
		return 0
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.refs
}

// Idle returns a channel that is closed once e owns no ref'ed callback (it is
// already closed when that is true now). Package actor waits on it before it
// lets an actor whose work is done end by itself.
func Idle(e *execctx.Exec) <-chan struct{} {
	st := stateOf(e)
	if st == nil {
		return closedChan
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.idle
}

// Live returns how many callbacks e owns that are not closed.
func Live(e *execctx.Exec) int {
	st := stateOf(e)
	if st == nil {
		return 0
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.live)
}

// CloseOwned closes every callback e owns and returns how many it closed.
// Package actor calls it when an actor stops, on the actor's goroutine
// without the token (the caller must not hold it): from then on a C call
// through any of them returns its exceptional value and is counted, and
// never enters the stopped actor.
func CloseOwned(e *execctx.Exec) int {
	st := stateOf(e)
	if st == nil {
		return 0
	}
	st.mu.Lock()
	cbs := make([]*Callback, 0, len(st.live))
	for c := range st.live {
		cbs = append(cbs, c)
	}
	st.mu.Unlock()
	n := 0
	for _, c := range cbs {
		if c.close(true) == nil {
			n++
		}
	}
	return n
}
