package osthread

import (
	"sync/atomic"
	"time"
)

// Event states.
const (
	evEmpty  = 0 // no permit, nobody parked
	evSet    = 1 // a permit is available
	evParked = 2 // the waiter is parked (or about to park)
)

// Event is a binary permit with one waiter, like a thread's park/unpark: Signal
// makes a permit available (signals do not accumulate), Wait consumes it,
// blocking until there is one. The zero value is a futex-mode Event with no
// permit; see [NewChanEvent] for goroutines that are not locked to a thread.
type Event struct {
	state atomic.Uint32
	ch    chan struct{} // nil: futex mode (Linux); set: channel mode
	spin  time.Duration // how long Wait may spin before it parks

	// lastWait is how long the previous Wait blocked (owner only). Wait
	// spins only when that was shorter than spin: when the partner answers
	// quickly; on a loaded machine waits are long and spinning stops.
	lastWait int64
	probe    uint32 // waits counted for re-probing (owner only)
	// After a spin that found no permit, the next skip waits park at once;
	// backoff (doubling up to maxBackoff, reset by a spin that succeeds) is
	// the next skip. On cores shared with other work a failed spin took the
	// CPU the partner needed, so spinning backs off fast (owner only).
	skip, backoff uint32
	// shortAfter and maxBackoff are the adaptive policy (SetReplyPolicy).
	shortAfter, maxBackoff uint32
}

// The default adaptive policy: a wait is short when it took less than the
// spin budget, and the back-off grows to 64 waits.
const (
	defaultShortAfter = 1
	defaultMaxBackoff = 64
)

// SetReplyPolicy tunes e for a request/reply partner that answers within
// the spin budget most of the time but misses it now and then (a
// dedicated thread running short native calls for its callers): a wait
// counts as short up to four budgets, since a wait that ended in a park
// includes the wake-up (longer than the budget on a VM) and one miss should
// not turn spinning off while the partner is still quick, and the back-off
// stops at 16 waits. With the default policy such a pair spent most waits
// parked, at twice the cost a call (docs/performance.md, "Threads"). Call it
// before first use.
func (e *Event) SetReplyPolicy() { e.shortAfter, e.maxBackoff = 4, 16 }

// NewChanEvent returns an Event that parks its waiter on a channel, so the
// waiting goroutine does not hold an OS thread.
func NewChanEvent() *Event {
	e := &Event{}
	e.InitChan()
	return e
}

// InitChan switches a fresh Event to channel mode. Call it before first use.
func (e *Event) InitChan() { e.ch = make(chan struct{}, 1) }

// SetSpin sets how long Wait spins on the permit before it parks (0: never
// spins). Call it before first use.
func (e *Event) SetSpin(d time.Duration) { e.spin = d }

// Signal makes a permit available and wakes the waiter if it is parked. It
// never blocks. A wake-up system call is made only when the waiter is parked.
func (e *Event) Signal() {
	// A permit already set will be consumed by a waiter that then sees
	// whatever the caller published before Signal: skip the write, which
	// would bounce the cache line between sender and receiver.
	if e.state.Load() == evSet {
		return
	}
	if e.state.Swap(evSet) == evParked {
		e.wake()
	}
}

// Ready reports whether a permit is available (a diagnostic; it may be stale).
func (e *Event) Ready() bool { return e.state.Load() == evSet }

// Wait consumes a permit, spinning briefly and then parking until Signal
// makes one available. Only the Event's owner may call Wait.
func (e *Event) Wait() {
	if e.state.CompareAndSwap(evSet, evEmpty) {
		return
	}
	if e.spin <= 0 {
		e.block()
		return
	}
	start := nanotime()
	// Spin after a short wait; after a long one, only every 32nd time, to
	// find out whether the partner is fast again (a parked wake-up itself
	// can take longer than the spin budget, so the measured wait alone
	// would turn spinning off for good).
	e.probe++
	shortAfter, maxBackoff := e.shortAfter, e.maxBackoff
	if shortAfter == 0 {
		shortAfter, maxBackoff = defaultShortAfter, defaultMaxBackoff
	}
	if e.skip > 0 {
		e.skip--
	} else if e.lastWait < int64(shortAfter)*int64(e.spin) || e.probe&31 == 0 {
		if e.spinFor(start) {
			e.backoff = 0
			e.lastWait = nanotime() - start
			return
		}
		e.backoff = min(max(1, 2*e.backoff), maxBackoff)
		e.skip = e.backoff
	}
	e.block()
	e.lastWait = nanotime() - start
}

func (e *Event) block() {
	for {
		switch e.state.Load() {
		case evSet:
			if e.state.CompareAndSwap(evSet, evEmpty) {
				return
			}
		case evEmpty:
			e.state.CompareAndSwap(evEmpty, evParked)
		case evParked:
			e.park()
		}
	}
}

// spinFor polls the permit for up to e.spin; it reports whether it consumed
// one.
func (e *Event) spinFor(start int64) bool {
	deadline := start + int64(e.spin)
	for i := 1; ; i++ {
		if e.state.Load() == evSet && e.state.CompareAndSwap(evSet, evEmpty) {
			return true
		}
		if i&63 == 0 && nanotime() > deadline {
			return false
		}
		pause()
	}
}

func (e *Event) park() {
	if e.ch != nil {
		<-e.ch
		return
	}
	futexWait(&e.state, evParked)
}

func (e *Event) wake() {
	if e.ch != nil {
		select {
		case e.ch <- struct{}{}:
		default:
		}
		return
	}
	futexWake(&e.state)
}
