package actor

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goractor/goractor/internal/osthread"
)

// inbox is a body actor's queue: many producers, one consumer. Producers
// append to q under mu; the consumer swaps q out whole and serves Receive
// from that batch without locking, so a burst costs one lock per batch on the
// consumer side.
type inbox struct {
	mu     sync.Mutex // protects q, closed
	q      []any
	closed bool

	isShut atomic.Bool // closed, readable without the lock

	// Owned by the consumer goroutine.
	batch []any
	pos   int
}

// push appends v; it reports false when the inbox is closed.
func (in *inbox) push(v any) bool {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return false
	}
	in.q = append(in.q, v)
	in.mu.Unlock()
	return true
}

// pop returns the next message, if any. Consumer only.
func (in *inbox) pop() (any, bool) {
	if in.pos < len(in.batch) {
		v := in.batch[in.pos]
		in.batch[in.pos] = nil
		in.pos++
		return v, true
	}
	in.mu.Lock()
	if len(in.q) == 0 {
		in.mu.Unlock()
		return nil, false
	}
	old := in.batch[:0]
	in.batch, in.q = in.q, old
	in.mu.Unlock()
	in.pos = 1
	v := in.batch[0]
	in.batch[0] = nil
	return v, true
}

func (in *inbox) isClosed() bool { return in.isShut.Load() }

// close closes the inbox and returns how many queued messages it discarded
// (the consumer's current batch is left to drain).
func (in *inbox) close() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.closed = true
	in.isShut.Store(true)
	n := len(in.q)
	clear(in.q)
	in.q = in.q[:0]
	return n
}

// drain discards the consumer's batch. Consumer only, after close.
func (in *inbox) drain() int {
	n := len(in.batch) - in.pos
	clear(in.batch)
	in.batch, in.pos = nil, 0
	return n
}

// Overflow says what a send does when the receiver's bounded mailbox is full.
type Overflow int

const (
	// OverflowFail makes Send return an error wrapping ErrMailboxFull at once.
	OverflowFail Overflow = iota + 1
	// OverflowBlock makes Send wait for room, up to the mailbox's block
	// timeout (see WithMailbox), then fail with ErrMailboxFull. The sender
	// parks; it never spins. Blocked senders get room in the order they
	// blocked, before any sender that comes later.
	OverflowBlock
	// OverflowDrop makes Send discard the message, count it in
	// Stats.Dropped, log it at debug level, and return nil.
	OverflowDrop
)

// String returns the policy's name.
func (o Overflow) String() string {
	switch o {
	case OverflowFail:
		return "fail"
	case OverflowBlock:
		return "block"
	case OverflowDrop:
		return "drop"
	}
	return "overflow(?)"
}

// spaceWaiter is a sender blocked on a full bounded mailbox. A slot that
// frees up is handed to the first waiter (granted) instead of being left to
// whoever takes it first: senders that keep sending would otherwise take
// every free slot before a woken waiter gets to run, and starve it past its
// deadline (a fan-in of 1000 senders under load did).
type spaceWaiter struct {
	ev      *osthread.Event
	granted atomic.Bool // a slot is reserved for this sender
}

// reserve takes one slot of a bounded mailbox. wait says whether to wait
// for room (until ctx is done). It returns errDropped for OverflowDrop.
func (c *core) reserve(ctx context.Context, wait bool) error {
	if c.capacity == 0 {
		return nil
	}
	if !wait {
		if c.tryReserve() {
			return nil
		}
		if c.overflow == OverflowDrop {
			return errDropped
		}
		return &fullError{actor: c.name}
	}
	if c.nSpace.Load() == 0 && c.tryReserve() {
		return nil // nobody is waiting: no one to overtake
	}
	self := current()
	if self == c || c.exec.OnOwnGoroutine() {
		// Waiting for our own mailbox to drain would never end.
		return &fullError{actor: c.name, reason: errSelfSend}
	}
	if c.isDone() {
		return nil // the send will report ErrClosed
	}
	w := &spaceWaiter{}
	err := await(ctx, self, c, func() bool { return w.granted.Load() || c.isDone() }, func(ev *osthread.Event) func() {
		w.ev = ev
		c.spaceMu.Lock()
		c.spaceWaiters = append(c.spaceWaiters, w)
		c.grantLocked() // a slot that is free already goes to the first waiter
		c.spaceMu.Unlock()
		return func() {
			c.spaceMu.Lock()
			if i := slices.Index(c.spaceWaiters, w); i >= 0 {
				c.spaceWaiters = slices.Delete(c.spaceWaiters, i, i+1)
				c.nSpace.Store(int32(len(c.spaceWaiters)))
			}
			c.spaceMu.Unlock()
		}
	})
	if err != nil && !w.granted.Load() { // a slot granted as the deadline passed is still taken
		return &fullError{actor: c.name, reason: err}
	}
	return nil
}

func (c *core) tryReserve() bool {
	for {
		n := c.queued.Load()
		if n >= c.capacity {
			return false
		}
		if c.queued.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// release gives a slot back after a message left the mailbox: to the first
// blocked sender, if there is one.
func (c *core) release() {
	if c.capacity == 0 {
		return
	}
	c.queued.Add(-1)
	if c.nSpace.Load() > 0 {
		c.spaceMu.Lock()
		c.grantLocked()
		c.spaceMu.Unlock()
	}
}

// grantLocked reserves free slots for the waiters at the head of the queue
// and wakes them. It publishes the waiter count before each attempt, so
// that a release either sees a waiter or frees its slot before the attempt
// (no slot is left free with a sender waiting for it).
func (c *core) grantLocked() {
	for {
		c.nSpace.Store(int32(len(c.spaceWaiters)))
		if len(c.spaceWaiters) == 0 || !c.tryReserve() {
			return
		}
		w := c.spaceWaiters[0]
		c.spaceWaiters[0] = nil
		c.spaceWaiters = c.spaceWaiters[1:]
		w.granted.Store(true)
		w.ev.Signal()
	}
}

// wakeSpaceWaiters wakes every blocked sender: the actor has finished, and
// each send reports ErrClosed.
func (c *core) wakeSpaceWaiters() {
	c.spaceMu.Lock()
	for _, w := range c.spaceWaiters {
		w.ev.Signal()
	}
	c.spaceMu.Unlock()
}

func (c *core) sendTimeout() time.Duration {
	if c.blockTimeout > 0 {
		return c.blockTimeout
	}
	return time.Second
}
