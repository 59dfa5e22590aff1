package actor

import (
	"context"
	"errors"
	"fmt"

	"github.com/goractor/goractor/internal/osthread"
)

// SelectCase is one thing Select waits for: a message on a port (CasePort),
// an actor's termination (CaseValue), or the calling actor's own inbox
// (CaseInbox, Context.Select only).
type SelectCase struct {
	port  *Port
	ref   *Ref
	inbox bool
}

// CasePort waits for a message on p, which the caller must own.
func CasePort(p *Port) SelectCase { return SelectCase{port: p} }

// CaseValue waits for r to finish and takes its value, as Ref.Value does
// (Ruby's Ractor.select on a ractor).
func CaseValue(r *Ref) SelectCase { return SelectCase{ref: r} }

// CaseInbox waits for a message in the calling body actor's inbox. It is
// valid in Context.Select, and in the package-level Select when called by a
// pinned body actor (an unpinned actor cannot be identified: use
// Context.Select).
func CaseInbox() SelectCase { return SelectCase{inbox: true} }

// Selected is the outcome of Select.
type Selected struct {
	Index int   // which case fired
	Port  *Port // the port, for CasePort
	Ref   *Ref  // the actor, for CaseValue
	Value any   // the message, or the actor's value
	// Err is the case's own error: the actor's failure (*RemoteError) or
	// ErrValueTaken for CaseValue, ErrClosed for a closed port or inbox.
	Err error
}

// Select waits until one of the cases is ready and returns it, like Ruby's
// Ractor.select. Cases are tried in order, so an earlier ready case wins.
// Select returns an error only for misuse (a port the caller does not own,
// CaseInbox outside a body actor, no cases) or when ctx is done. Called by
// an actor, it keeps serving calls other threads run on it while it waits.
func Select(ctx context.Context, cases ...SelectCase) (Selected, error) {
	return selectCases(ctx, current(), cases)
}

// Select is the package-level Select run by this actor; it also accepts
// CaseInbox.
func (cx *Context) Select(ctx context.Context, cases ...SelectCase) (Selected, error) {
	return selectCases(ctx, cx.c, cases)
}

var errNoCases = errors.New("actor: select with no cases")

func selectCases(ctx context.Context, self *core, cases []SelectCase) (Selected, error) {
	if len(cases) == 0 {
		return Selected{}, errNoCases
	}
	for i, sc := range cases {
		switch {
		case sc.port != nil:
			if err := sc.port.checkOwner(); err != nil {
				return Selected{}, err
			}
		case sc.inbox:
			if self == nil || self.kind != kindBody {
				return Selected{}, fmt.Errorf("actor: select case %d: CaseInbox outside a body actor", i)
			}
		case sc.ref == nil:
			return Selected{}, fmt.Errorf("actor: select case %d is empty", i)
		}
	}
	var res Selected
	try := func() bool {
		for i, sc := range cases {
			switch {
			case sc.port != nil:
				v, ok, err := sc.port.tryRecv()
				if ok {
					res = Selected{Index: i, Port: sc.port, Value: v, Err: err}
					return true
				}
			case sc.inbox:
				if v, ok := self.in.pop(); ok {
					self.gotMessage()
					res = Selected{Index: i, Value: v}
					return true
				}
				if self.in.isClosed() {
					res = Selected{Index: i, Err: errClosedActor(self.name)}
					return true
				}
			default:
				c := sc.ref.c
				if c.isDone() {
					res = Selected{Index: i, Ref: sc.ref}
					if !c.taken.CompareAndSwap(false, true) {
						res.Err = fmt.Errorf("actor: value of %q: %w", c.name, ErrValueTaken)
					} else {
						res.Value, res.Err = c.result, c.err
						c.result = nil
					}
					return true
				}
			}
		}
		return false
	}
	watch := func(ev *osthread.Event) func() {
		var undo []func()
		for _, sc := range cases {
			switch {
			case sc.port != nil:
				p := sc.port
				p.waiter.Store(ev)
				undo = append(undo, func() { p.waiter.CompareAndSwap(ev, nil) })
			case sc.ref != nil:
				undo = append(undo, sc.ref.c.watch(ev))
			}
		}
		return func() {
			for _, u := range undo {
				u()
			}
		}
	}
	if err := await(ctx, self, nil, try, watch); err != nil {
		return Selected{}, err
	}
	return res, nil
}
