package actor

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/goractor/goractor/internal/osthread"
)

// Port is a channel into an actor, Ruby 4.0's Ractor::Port: only the actor
// that created it may receive from it or close it; anyone holding it may
// send to it, through the isolation gate. Its queue is unbounded, so Send
// never blocks. A port closes when its actor finishes; sending to a closed
// port returns an error wrapping ErrClosed. Port is shareable by reference
// and safe for concurrent use.
type Port struct {
	owner *core

	mu     sync.Mutex // protects q, closed
	q      []any
	closed bool

	waiter atomic.Pointer[osthread.Event] // the owner's event while it waits
}

// NewPort creates a port owned by this actor.
func (cx *Context) NewPort() *Port {
	p := &Port{owner: cx.c}
	c := cx.c
	c.portMu.Lock()
	c.ports = append(c.ports, p)
	c.portMu.Unlock()
	if c.isDone() {
		p.close()
	}
	return p
}

// Owner returns the Ref of the actor that created the port.
func (p *Port) Owner() *Ref { return p.owner.ref }

// String returns `port of actor "name"`.
func (p *Port) String() string { return fmt.Sprintf("port of actor %q", p.owner.name) }

// Send delivers msg to the port through the isolation gate (see Ref.Send).
func (p *Port) Send(msg any) error { return p.send(msg, false) }

// SendMove hands the value p points to over without copying and zeroes it
// (see Ref.SendMove).
func (p *Port) SendMove(ptr any) error { return p.send(ptr, true) }

func (p *Port) send(msg any, move bool) error {
	sh := p.owner.sh
	v, err := sh.gate(msg, move)
	if err != nil {
		return err
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		sh.deadLetters.Add(1)
		return errClosedPort(p.owner.name)
	}
	p.q = append(p.q, v)
	p.mu.Unlock()
	if ev := p.waiter.Load(); ev != nil {
		ev.Signal()
	}
	return nil
}

// Close closes the port; messages still queued become dead letters. Only
// the owner may close it (else the error wraps ErrNotOwner). Closing twice
// is a no-op.
func (p *Port) Close() error {
	if err := p.checkOwner(); err != nil {
		return err
	}
	p.close()
	return nil
}

// Closed reports whether the port is closed.
func (p *Port) Closed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

func (p *Port) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	n := len(p.q)
	p.q = nil
	p.mu.Unlock()
	p.owner.sh.deadLetters.Add(uint64(n))
	if ev := p.waiter.Load(); ev != nil {
		ev.Signal()
	}
}

// checkOwner verifies that the caller is the port's owner. Callers that are
// not pinned actors cannot be identified: an unpinned owner is trusted.
func (p *Port) checkOwner() error {
	cur := current()
	if cur == p.owner || (cur == nil && !p.owner.pinned) {
		return nil
	}
	return fmt.Errorf("actor: %s: %w", p, ErrNotOwner)
}

// tryRecv takes the next message; ok is false when none is queued. A closed,
// empty port gives an ErrClosed error.
func (p *Port) tryRecv() (v any, ok bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.q) > 0 {
		v = p.q[0]
		p.q[0] = nil
		p.q = p.q[1:]
		p.owner.sh.received.Add(1)
		return v, true, nil
	}
	if p.closed {
		return nil, true, errClosedPort(p.owner.name)
	}
	return nil, false, nil
}

// Receive waits for the next message on the port, or for ctx. Only the
// port's owner may receive (else ErrNotOwner); a closed port gives ErrClosed.
func (p *Port) Receive(ctx context.Context) (any, error) {
	if err := p.checkOwner(); err != nil {
		return nil, err
	}
	sel, err := selectCases(ctx, p.owner, []SelectCase{{port: p}})
	if err != nil {
		return nil, err
	}
	return sel.Value, sel.Err
}
