package actor

import (
	"context"
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
	// parks; it never spins.
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

// reserve takes one slot of a bounded mailbox. wait says whether to wait
// for room (until ctx is done). It returns errDropped for OverflowDrop.
func (c *core) reserve(ctx context.Context, wait bool) error {
	if c.capacity == 0 {
		return nil
	}
	if c.tryReserve() {
		return nil
	}
	if !wait {
		if c.overflow == OverflowDrop {
			return errDropped
		}
		return &fullError{actor: c.name}
	}
	self := current()
	if self == c || c.exec.OnOwnGoroutine() {
		// Waiting for our own mailbox to drain would never end.
		return &fullError{actor: c.name, reason: errSelfSend}
	}
	if c.isDone() {
		return nil // the send will report ErrClosed
	}
	err := await(ctx, self, c, func() bool { return c.tryReserve() || c.isDone() }, func(ev *osthread.Event) func() {
		c.spaceMu.Lock()
		c.spaceWaiters = append(c.spaceWaiters, ev)
		c.nSpace.Store(int32(len(c.spaceWaiters)))
		c.spaceMu.Unlock()
		return func() {
			c.spaceMu.Lock()
			for i, w := range c.spaceWaiters {
				if w == ev {
					c.spaceWaiters = append(c.spaceWaiters[:i], c.spaceWaiters[i+1:]...)
					break
				}
			}
			c.nSpace.Store(int32(len(c.spaceWaiters)))
			c.spaceMu.Unlock()
			// We may have been woken for a slot we did not take: pass
			// the wake-up on so no other waiter is stranded.
			if c.queued.Load() < c.capacity && c.nSpace.Load() > 0 {
				c.wakeSpaceWaiters(false)
			}
		}
	})
	if err != nil {
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

// release gives a slot back after a message left the mailbox.
func (c *core) release() {
	if c.capacity == 0 {
		return
	}
	c.queued.Add(-1)
	if c.nSpace.Load() > 0 {
		c.wakeSpaceWaiters(false)
	}
}

// wakeSpaceWaiters signals one blocked sender (all of them when all is set).
func (c *core) wakeSpaceWaiters(all bool) {
	c.spaceMu.Lock()
	for _, ev := range c.spaceWaiters {
		ev.Signal()
		if !all {
			break
		}
	}
	c.spaceMu.Unlock()
}

func (c *core) sendTimeout() time.Duration {
	if c.blockTimeout > 0 {
		return c.blockTimeout
	}
	return time.Second
}
