package actor

import (
	"errors"

	"go.uber.org/zap"

	"github.com/goractor/goractor/shareable"
)

// The loggers this package hands out (Context.Logger, HandlerContext.Logger)
// are safe for concurrent use: they cross the send gate by reference.
// Package shareable does not know zap; the registration lives here, where
// zap already is a dependency.
func init() {
	shareable.RegisterType[*zap.Logger]()
	shareable.RegisterType[*zap.SugaredLogger]()
}

var (
	errDropped  = errors.New("actor: message dropped")
	errSelfSend = errors.New("the sender is the receiver")
)

// pass runs v through the isolation gate: a shareable value crosses by
// reference, a copyable one as a deep copy (aliasing and cycles kept), and
// anything else is refused with the *shareable.IsolationError that names the
// offending part.
func pass(v any) (any, error) { return shareable.Pass(v) }

// passMove hands over the value p points to without copying and zeroes it,
// so the sender cannot touch it again.
func passMove(p any) (any, error) { return shareable.MoveAny(p) }

// ShareableByReference marks Ref as shareable by reference (shareable.Declared):
// a Ref is immutable and safe for concurrent use.
func (*Ref) ShareableByReference() {}

// ShareableByReference marks Port as shareable by reference
// (shareable.Declared): anyone may hold and send to a port.
func (*Port) ShareableByReference() {}

// ShareableByReference marks System as shareable by reference
// (shareable.Declared): all its methods are safe for concurrent use.
func (*System) ShareableByReference() {}

var (
	_ shareable.Declared = (*Ref)(nil)
	_ shareable.Declared = (*Port)(nil)
)
