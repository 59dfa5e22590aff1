package actor

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Compare with errors.Is; typed errors below wrap them.
var (
	// ErrClosed reports a send to, or a receive from, an inbox or port that is
	// closed: its actor has finished, or the port was closed.
	ErrClosed = errors.New("actor: closed")

	// ErrMailboxFull reports a send refused because the receiver's bounded
	// mailbox is full (or stayed full until the send's deadline).
	ErrMailboxFull = errors.New("actor: mailbox full")

	// ErrValueTaken reports a second Value call on the same actor: only one
	// caller receives an actor's result, like Ruby's Ractor#value.
	ErrValueTaken = errors.New("actor: value already taken")

	// ErrNotOwner reports a receive or close on a port by an actor other than
	// the one that created it.
	ErrNotOwner = errors.New("actor: port belongs to another actor")

	// ErrShutdownTimeout reports actors that did not stop before the deadline
	// of Stop or of the end of Run. It is wrapped by *ShutdownError.
	ErrShutdownTimeout = errors.New("actor: shutdown timed out")

	// ErrNotHandler reports a request to an actor that is not a message
	// handler (body actors have no reply channel).
	ErrNotHandler = errors.New("actor: not a message-handler actor")

	// ErrNoReply reports a request whose handler returned without responding
	// (or whose actor stopped before it did).
	ErrNoReply = errors.New("actor: request got no reply")

	// ErrStopping reports a spawn refused because the system is shutting
	// down, and is wrapped by the Err of an actor's Context once the actor is
	// asked to stop.
	ErrStopping = errors.New("actor: system is stopping")

	// ErrGoexit reports an actor's body or handler that called
	// runtime.Goexit (which t.Fatal, t.FailNow and t.SkipNow call): like a
	// panic, the actor fails, with a *RemoteError wrapping ErrGoexit.
	ErrGoexit = errors.New("actor: runtime.Goexit called")
)

// goexitError is the cause recorded for a body or handler that called
// runtime.Goexit; it names the usual culprits.
func goexitError() error {
	return fmt.Errorf("%w (t.Fatal, t.FailNow or t.SkipNow inside an actor ends only that actor's goroutine)", ErrGoexit)
}

// RemoteError reports that an actor's body (or handler) failed: it returned an
// error or panicked. Unwrap returns the cause, so errors.Is and errors.As see
// through it; a panic's cause is a *PanicError.
type RemoteError struct {
	Actor string // the failed actor's name
	Cause error  // the body's error, or a *PanicError
}

// Error returns the error's message.
func (e *RemoteError) Error() string {
	return "actor: " + strconv.Quote(e.Actor) + " failed: " + errString(e.Cause)
}

// Unwrap returns the cause.
func (e *RemoteError) Unwrap() error { return e.Cause }

// PanicError is a panic recovered at an actor's boundary (its body, or the
// mailbox of a handler actor). It keeps the panic value and the stack of the
// panicking goroutine.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the stack at the panic, without the goroutine header line
}

// Error returns the error's message.
func (e *PanicError) Error() string {
	if err, ok := e.Value.(error); ok {
		return "panic: " + err.Error()
	}
	return fmt.Sprintf("panic: %v", e.Value)
}

// Unwrap returns the panic value when it is an error, nil otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

func newPanicError(v any, stack []byte) *PanicError {
	// The first line of the stack ("goroutine N [running]:") is misleading
	// once the error travels to another goroutine; singleflight drops it too.
	if line := bytes.IndexByte(stack, '\n'); line >= 0 && bytes.HasPrefix(stack, []byte("goroutine ")) {
		stack = stack[line+1:]
	}
	return &PanicError{Value: v, Stack: stack}
}

// ShutdownError lists the actors that had not finished when a shutdown's
// deadline passed. errors.Is(err, ErrShutdownTimeout) holds.
type ShutdownError struct {
	Stuck []string // names of the actors still running, sorted

	// Lingering names the actors among Stuck whose own work was done but
	// that ref'ed callbacks kept alive; at the deadline they closed their
	// callbacks and ended.
	Lingering []string
}

// Error returns the error's message.
func (e *ShutdownError) Error() string {
	msg := "actor: shutdown timed out, still running: " + strings.Join(e.Stuck, ", ")
	if len(e.Lingering) > 0 {
		msg += " (kept alive by ref'ed callbacks, now closed: " + strings.Join(e.Lingering, ", ") + ")"
	}
	return msg
}

// Unwrap returns ErrShutdownTimeout.
func (e *ShutdownError) Unwrap() error { return ErrShutdownTimeout }

// closedError is ErrClosed with the actor or port it concerns.
type closedError struct {
	what string // `actor "x"` or `port of actor "x"`
}

func (e *closedError) Error() string { return "actor: " + e.what + " is closed" }
func (e *closedError) Unwrap() error { return ErrClosed }

func errClosedActor(name string) error { return &closedError{what: "actor " + strconv.Quote(name)} }
func errClosedPort(name string) error {
	return &closedError{what: "port of actor " + strconv.Quote(name)}
}

// fullError is ErrMailboxFull naming the receiver, optionally with the
// reason the sender stopped waiting (a context error or ErrWouldDeadlock).
type fullError struct {
	actor  string
	reason error
}

func (e *fullError) Error() string {
	s := "actor: mailbox of " + strconv.Quote(e.actor) + " is full"
	if e.reason != nil {
		s += ": " + e.reason.Error()
	}
	return s
}

func (e *fullError) Unwrap() []error {
	if e.reason == nil {
		return []error{ErrMailboxFull}
	}
	return []error{ErrMailboxFull, e.reason}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
