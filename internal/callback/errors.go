package callback

import (
	"errors"
	"fmt"
	"reflect"
	"time"
)

// Sentinel errors. Every error this package returns wraps one of them.
var (
	// ErrUnsupported reports a handler signature that cannot be called from C.
	ErrUnsupported = errors.New("callback: unsupported signature")
	// ErrClosed reports an operation on a closed callback.
	ErrClosed = errors.New("callback: closed")
	// ErrPoolExhausted reports that every trampoline of the fixed pool is in
	// use by a live pointer-form callback (see MaxSlots).
	ErrPoolExhausted = errors.New("callback: trampoline pool exhausted")
	// ErrBadOption reports an option that does not fit the handler.
	ErrBadOption = errors.New("callback: bad option")
	// ErrTokenTimeout reports a call from another thread that did not run:
	// it waited for its owner's execution token past the callback's timeout
	// (plain contention: the owner runs its callbacks one at a time). It
	// does not wrap context.DeadlineExceeded, so a ReceiveContext caller
	// can tell it from its own deadline.
	ErrTokenTimeout = errors.New("callback: call not run, owner busy past the timeout")
	// ErrGoexit reports a handler that called runtime.Goexit (t.Fatal,
	// t.FailNow, t.SkipNow): C received the exceptional value, as for a
	// panic, and no C frame was unwound.
	ErrGoexit = errors.New("callback: runtime.Goexit called in a handler")
	// ErrInLeafCall reports a callback C made during one of package ffi's
	// leaf calls: Go cannot be entered there, so the handler did not run
	// and C received the exceptional value.
	ErrInLeafCall = errors.New("callback: called during a leaf call")
)

// Constructors builds the errors of failed handler calls (for an owner's
// Fail hook and Capture) and of refused handlers (from New).
type Constructors struct {
	// Panic: a handler panicked with value; C got the exceptional value.
	Panic func(callback, owner string, value any, stack []byte) error
	// Goexit: a handler called runtime.Goexit; it must wrap ErrGoexit.
	Goexit func(callback, owner string, stack []byte) error
	// Timeout: a call from another thread waited past the callback's
	// timeout for its owner's token behind queued callers and did not run;
	// it must wrap ErrTokenTimeout.
	Timeout func(callback, owner string, waited time.Duration, queued int) error
	// Signature: C cannot call handler type fn; param is the offending
	// parameter (-1 for the result or the whole signature), typ its type
	// (nil when the shape itself is wrong). It must wrap ErrUnsupported.
	Signature func(fn reflect.Type, param int, typ reflect.Type, why string) error
}

// Errors are the constructors this package reports with. The errors are
// package ffi's public types (ffi.CallbackPanicError and its siblings), which
// this package cannot import: ffi installs their constructors here in its
// init, before any callback can exist, so that errors.As with ffi's types
// matches every error reported, an actor's Fail hook included. These
// defaults serve only where ffi is not linked (this package's own tests):
// plain errors wrapping the same sentinels (and a panic value that is an
// error).
var Errors = Constructors{
	Panic: func(cb, owner string, value any, _ []byte) error {
		if err, ok := value.(error); ok {
			return fmt.Errorf("callback: %s (actor %q) panicked: %w", cb, owner, err)
		}
		return fmt.Errorf("callback: %s (actor %q) panicked: %v", cb, owner, value)
	},
	Goexit: func(cb, owner string, _ []byte) error {
		return fmt.Errorf("%w: %s (actor %q)", ErrGoexit, cb, owner)
	},
	Timeout: func(cb, owner string, waited time.Duration, queued int) error {
		return fmt.Errorf("%w: %s (actor %q) waited %v behind %d", ErrTokenTimeout, cb, owner, waited, queued)
	},
	Signature: func(fn reflect.Type, param int, typ reflect.Type, why string) error {
		return fmt.Errorf("%w: %v: %s", ErrUnsupported, fn, why)
	},
}
