package safety

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. Each is wrapped by an *UnsafeError or by another package's
// typed error; compare with errors.Is.
var (
	// ErrNotParallelSafe reports a call of a native function that was not
	// declared parallel-safe, made from an actor other than the main actor.
	ErrNotParallelSafe = errors.New("safety: not parallel-safe, only the main actor may call it")

	// ErrWrongThread reports a call of a thread-affine function from a thread
	// other than the one it is bound to.
	ErrWrongThread = errors.New("safety: thread-affine, called from the wrong thread")

	// ErrWouldDeadlock reports an operation refused because completing it would
	// require an actor that is itself waiting on the caller.
	ErrWouldDeadlock = errors.New("safety: would deadlock")

	// ErrNoMainActor reports a call that must run on the main actor while no
	// main actor is running (no actor.Run is active).
	ErrNoMainActor = errors.New("safety: no main actor is running")
)

// UnsafeError reports an operation refused because it would break a
// parallel-safety guarantee.
//
// It reads like
//
//	safety: call "libfoo.bar" from actor "worker-3": not parallel-safe, only the main actor may call it
type UnsafeError struct {
	Op        string // what was refused: "call", "load", "share"
	Extension string // the extension's registered name
	Function  string // the native symbol, when the refusal concerns one
	Actor     string // the calling actor's name ("" when not called from an actor)
	Err       error  // the reason: ErrNotParallelSafe, ErrWrongThread, ErrWouldDeadlock, ...
}

// Error returns the error's message.
func (e *UnsafeError) Error() string {
	var b strings.Builder
	b.WriteString("safety: ")
	op := e.Op
	if op == "" {
		op = "call"
	}
	b.WriteString(op)
	subject := e.Extension
	if e.Function != "" {
		if subject != "" {
			subject += "."
		}
		subject += e.Function
	}
	if subject != "" {
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(subject))
	}
	if e.Actor != "" {
		b.WriteString(" from actor ")
		b.WriteString(strconv.Quote(e.Actor))
	} else {
		b.WriteString(" from outside any actor")
	}
	b.WriteString(": ")
	reason := ErrNotParallelSafe
	if e.Err != nil {
		reason = e.Err
	}
	// The message already says "safety: ": the reason's sentinels read
	// without their own prefix ("...: would deadlock").
	b.WriteString(strings.ReplaceAll(reason.Error(), "safety: ", ""))
	return b.String()
}

// Unwrap returns the reason, so errors.Is(err, ErrNotParallelSafe) works.
func (e *UnsafeError) Unwrap() error { return e.Err }
