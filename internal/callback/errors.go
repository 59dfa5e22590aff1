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
)

// GoexitError is what a handler's runtime.Goexit becomes. C received the
// callback's exceptional value instead; the owning actor gets this error
// through its execctx.Hooks.Fail. It wraps ErrGoexit.
type GoexitError struct {
	Callback string // the callback's name
	Owner    string // the owning actor's name, "" when unowned
	Stack    []byte // the handler goroutine's stack at the Goexit
}

// Error names the callback and its owner and says C got the exceptional value.
func (e *GoexitError) Error() string {
	owner := ""
	if e.Owner != "" {
		owner = " (actor " + e.Owner + ")"
	}
	return fmt.Sprintf("callback: %s%s called runtime.Goexit (t.Fatal, t.FailNow or t.SkipNow in a handler): C got the exceptional value", e.Callback, owner)
}

// Unwrap returns ErrGoexit.
func (e *GoexitError) Unwrap() error { return ErrGoexit }

// TimeoutError is what one call from another thread becomes when it waited
// past the callback's timeout for its owner's execution token: the handler
// did not run and C received the exceptional value. Every such call is
// reported to the owner, one error per call. It wraps ErrTokenTimeout.
type TimeoutError struct {
	Callback string        // the callback's name
	Owner    string        // the owning actor's name
	Waited   time.Duration // how long the call waited (the callback's timeout)
	Queued   int           // callers queued for the owner's token when the call gave up
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("callback: %s: call not run: waited %v behind %d queued callbacks for actor %s (its callbacks run one at a time; see docs/callbacks.md for parallel callbacks)", e.Callback, e.Waited, e.Queued, e.Owner)
}

func (e *TimeoutError) Unwrap() error { return ErrTokenTimeout }

// SignatureError names the parameter (or the result) of a handler signature
// that cannot be called from C. It wraps ErrUnsupported.
type SignatureError struct {
	Func  reflect.Type // the handler's type
	Param int          // index of the offending parameter; -1 for the result
	Type  reflect.Type // the offending type, nil when the shape itself is wrong
	Why   string
}

func (e *SignatureError) Error() string {
	where := "result"
	if e.Param >= 0 {
		where = fmt.Sprintf("parameter %d", e.Param)
	}
	if e.Type != nil {
		return fmt.Sprintf("callback: %v: %s (%v): %s", e.Func, where, e.Type, e.Why)
	}
	return fmt.Sprintf("callback: %v: %s", e.Func, e.Why)
}

func (e *SignatureError) Unwrap() error { return ErrUnsupported }

// CallbackPanicError is what a handler's panic becomes. C received the
// callback's exceptional value instead; the owning actor gets this error
// through its execctx.Hooks.Fail.
type CallbackPanicError struct {
	Callback string // the callback's name (its handler's type unless named)
	Owner    string // the owning actor's name, "" when unowned
	Value    any    // the value passed to panic
	Stack    []byte // the handler goroutine's stack at the panic
}

func (e *CallbackPanicError) Error() string {
	owner := ""
	if e.Owner != "" {
		owner = " (actor " + e.Owner + ")"
	}
	return fmt.Sprintf("callback: %s%s panicked: %v", e.Callback, owner, e.Value)
}

// Unwrap returns the panic value when it is an error.
func (e *CallbackPanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}
