package ffi

import (
	"fmt"
	"reflect"
	"time"

	"github.com/goractor/goractor/internal/callback"
)

// The callback errors are defined here, where go doc shows them, and built by
// internal/callback, which reports them (to the owning actor's Fail hook, to
// a pool's capture, from NewCallback) but cannot import ffi: ffi installs
// its constructors in callback.Errors when it is initialised, before any
// callback can exist. So errors.As with these types matches every such error
// wherever it is delivered, including in an actor's supervisor, and package
// actor never imports ffi.
func init() {
	callback.Errors = callback.Constructors{
		Panic: func(cb, owner string, value any, stack []byte) error {
			return &CallbackPanicError{Callback: cb, Owner: owner, Value: value, Stack: stack}
		},
		Goexit: func(cb, owner string, stack []byte) error {
			return &CallbackGoexitError{Callback: cb, Owner: owner, Stack: stack}
		},
		Timeout: func(cb, owner string, waited time.Duration, queued int) error {
			return &CallbackTimeoutError{Callback: cb, Owner: owner, Waited: waited, Queued: queued}
		},
		Signature: func(fn reflect.Type, param int, typ reflect.Type, why string) error {
			return &CallbackSignatureError{Func: fn, Param: param, Type: typ, Why: why}
		},
	}
}

// CallbackSignatureError names the parameter (or the result) of a handler
// that C cannot call; it wraps ErrCallbackSignature.
//
// It reads like
//
//	callback: func(int64, string): parameter 1 (string): strings cannot cross a C callback; take a pointer (*byte or unsafe.Pointer) and copy the bytes
type CallbackSignatureError struct {
	Func  reflect.Type // the handler's type; nil for a nil handler
	Param int          // index of the offending parameter; -1 for the result or the whole signature
	Type  reflect.Type // the offending type, nil when the shape itself is wrong
	Why   string       // what C cannot do with it
}

// Error names the handler type, the parameter (or result) and why.
func (e *CallbackSignatureError) Error() string {
	where := "result"
	if e.Param >= 0 {
		where = fmt.Sprintf("parameter %d", e.Param)
	}
	if e.Type != nil {
		return fmt.Sprintf("callback: %v: %s (%v): %s", e.Func, where, e.Type, e.Why)
	}
	return fmt.Sprintf("callback: %v: %s", e.Func, e.Why)
}

// Unwrap returns ErrCallbackSignature.
func (e *CallbackSignatureError) Unwrap() error { return ErrCallbackSignature }

// CallbackPanicError is what a handler's panic becomes: C received the
// callback's exceptional value, and the owning actor gets this error (its
// execution context's Fail hook: a body actor's Receive returns it, a
// handler actor fails and its supervisor decides).
type CallbackPanicError struct {
	Callback string // the callback's name (CallbackName; its handler's type unless named)
	Owner    string // the owning actor's name, "" when unowned
	Value    any    // the value passed to panic
	Stack    []byte // the handler goroutine's stack at the panic
}

// Error names the callback, its owner and the panic value.
func (e *CallbackPanicError) Error() string {
	return fmt.Sprintf("callback: %s%s panicked: %v", e.Callback, ownerText(e.Owner), e.Value)
}

// Unwrap returns the panic value when it is an error, so errors.Is and
// errors.As reach it.
func (e *CallbackPanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// CallbackGoexitError is what a handler's runtime.Goexit (t.Fatal, t.FailNow,
// t.SkipNow) becomes: C received the callback's exceptional value, no C frame
// was unwound, and the owning actor gets this error, as for a panic. It
// wraps ErrCallbackGoexit.
type CallbackGoexitError struct {
	Callback string // the callback's name
	Owner    string // the owning actor's name, "" when unowned
	Stack    []byte // the handler goroutine's stack at the Goexit
}

// Error names the callback and its owner and says C got the exceptional value.
func (e *CallbackGoexitError) Error() string {
	return fmt.Sprintf("callback: %s%s called runtime.Goexit (t.Fatal, t.FailNow or t.SkipNow in a handler): C got the exceptional value", e.Callback, ownerText(e.Owner))
}

// Unwrap returns ErrCallbackGoexit.
func (e *CallbackGoexitError) Unwrap() error { return ErrCallbackGoexit }

// CallbackTimeoutError is one call from another thread that did not run: it
// waited Waited behind Queued other callers for its owner's execution token
// (the owner runs its callbacks one at a time), and C received the
// exceptional value. Each such call is reported to the owner as its own
// error. It wraps ErrCallbackTimeout.
type CallbackTimeoutError struct {
	Callback string        // the callback's name
	Owner    string        // the owning actor's name
	Waited   time.Duration // how long the call waited (the callback's timeout)
	Queued   int           // callers queued for the owner's token when the call gave up
}

// Error names the callback, how long it waited behind how many callers, and the owner.
func (e *CallbackTimeoutError) Error() string {
	return fmt.Sprintf("callback: %s: call not run: waited %v behind %d queued callbacks for actor %s (its callbacks run one at a time; see docs/callbacks.md for parallel callbacks)", e.Callback, e.Waited, e.Queued, e.Owner)
}

// Unwrap returns ErrCallbackTimeout.
func (e *CallbackTimeoutError) Unwrap() error { return ErrCallbackTimeout }

func ownerText(owner string) string {
	if owner == "" {
		return ""
	}
	return " (actor " + owner + ")"
}
