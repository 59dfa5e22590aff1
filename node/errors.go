package node

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/safety"
	"github.com/goractor/goractor/shareable"
)

// Sentinel errors of package node. actor.ErrNodeDown reports a node that
// went away.
var (
	// ErrUnknownKind reports a spawn of a kind the target node has not
	// registered (RegisterKind, RegisterHandlerKind).
	ErrUnknownKind = errors.New("node: unknown actor kind")
	// ErrDecode reports a message a node could not decode: garbage, or a
	// type it does not know. It is wrapped by *DecodeError.
	ErrDecode = errors.New("node: cannot decode message")
	// ErrUnknownType reports a type name no RegisterType call declared on
	// the decoding node.
	ErrUnknownType = errors.New("node: type not registered")
	// ErrClosed reports an operation on a node that was closed.
	ErrClosed = errors.New("node: closed")
)

// DecodeError reports a message or value that could not be decoded. The
// node that received it answers the sender with it and keeps running.
type DecodeError struct {
	Type string // the type name on the wire, "" when the envelope itself was garbage
	Err  error  // ErrUnknownType, or the codec's error
}

// Error reads like: node: cannot decode value of type "main.Job": unknown type.
func (e *DecodeError) Error() string {
	if e.Type == "" {
		return "node: cannot decode message: " + e.Err.Error()
	}
	return "node: cannot decode value of type " + strconv.Quote(e.Type) + ": " + e.Err.Error()
}

// Unwrap returns ErrDecode and the cause.
func (e *DecodeError) Unwrap() []error { return []error{ErrDecode, e.Err} }

// NodeDownError reports a node that went away. errors.Is(err,
// actor.ErrNodeDown) holds.
type NodeDownError struct {
	Addr   string // the node's address
	Reason string // what showed it: connection lost, no heartbeat, closed
}

// Error reads like: node: 127.0.0.1:4101 is down: connection lost.
func (e *NodeDownError) Error() string {
	return "node: " + e.Addr + " is down: " + e.Reason
}

// Unwrap returns actor.ErrNodeDown.
func (e *NodeDownError) Unwrap() error { return actor.ErrNodeDown }

// Error is an error that crossed a node: its message, the name of its Go
// type on the node that raised it, and the sentinels it matched there
// (goractor's and package node's), so errors.Is keeps working across nodes.
type Error struct {
	Type    string   // the Go type of the original error, e.g. "*fs.PathError"
	Message string   // its Error()
	Is      []string // names of the sentinels it wrapped
	Actor   string   // for a *actor.RemoteError: the failed actor
}

// Error returns the original message, prefixed with the failed actor's name
// for an actor's failure.
func (e *Error) Error() string {
	if e.Actor != "" {
		return "actor: " + strconv.Quote(e.Actor) + " failed: " + e.Message
	}
	return e.Message
}

// Unwrap returns the sentinels the original error wrapped.
func (e *Error) Unwrap() []error {
	var out []error
	for _, name := range e.Is {
		if s, ok := sentinelByName[name]; ok {
			out = append(out, s)
		}
	}
	return out
}

// sentinels whose identity survives a node crossing.
var sentinels = []struct {
	name string
	err  error
}{
	{"actor.ErrClosed", actor.ErrClosed},
	{"actor.ErrMailboxFull", actor.ErrMailboxFull},
	{"actor.ErrValueTaken", actor.ErrValueTaken},
	{"actor.ErrNotHandler", actor.ErrNotHandler},
	{"actor.ErrNoReply", actor.ErrNoReply},
	{"actor.ErrStopping", actor.ErrStopping},
	{"actor.ErrNodeDown", actor.ErrNodeDown},
	{"shareable.ErrNotShareable", shareable.ErrNotShareable},
	{"node.ErrUnknownKind", ErrUnknownKind},
	{"node.ErrDecode", ErrDecode},
	{"node.ErrUnknownType", ErrUnknownType},
	// Native calls made on another node (package host).
	{"safety.ErrNotParallelSafe", safety.ErrNotParallelSafe},
	{"safety.ErrWrongThread", safety.ErrWrongThread},
	{"safety.ErrWouldDeadlock", safety.ErrWouldDeadlock},
	{"safety.ErrNoMainActor", safety.ErrNoMainActor},
	{"ffi.ErrLoad", ffi.ErrLoad},
	{"ffi.ErrUnsupportedSignature", ffi.ErrUnsupportedSignature},
	{"ffi.ErrClosed", ffi.ErrClosed},
	{"ffi.ErrNull", ffi.ErrNull},
	{"ffi.ErrNullFunction", ffi.ErrNullFunction},
	{"ffi.ErrBadArgument", ffi.ErrBadArgument},
}

var sentinelByName = func() map[string]error {
	m := map[string]error{}
	for _, s := range sentinels {
		m[s.name] = s.err
	}
	return m
}()

// ErrorOf turns err into an *Error, as errors cross a node: a value to
// carry in a message field of type *Error. It returns nil for nil.
func ErrorOf(err error) *Error { return wireError(err) }

// wireError turns err into an *Error for the wire. A *actor.RemoteError
// keeps its actor's name.
func wireError(err error) *Error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*Error); ok {
		return e
	}
	e := &Error{Type: fmt.Sprintf("%T", err), Message: err.Error()}
	var re *actor.RemoteError
	if errors.As(err, &re) {
		e.Actor = re.Actor
		e.Message = errString(re.Cause)
		e.Type = fmt.Sprintf("%T", re.Cause)
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			e.Is = append(e.Is, s.name)
		}
	}
	return e
}

// localError is wireError's inverse: a failed actor's error becomes a
// *actor.RemoteError again, with an *Error as its cause.
func localError(e *Error) error {
	if e == nil {
		return nil
	}
	if e.Actor != "" {
		cause := *e
		cause.Actor = ""
		return &actor.RemoteError{Actor: e.Actor, Cause: &cause}
	}
	return e
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
