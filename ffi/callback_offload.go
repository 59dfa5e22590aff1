package ffi

import "github.com/goractor/goractor/internal/callback"

// withCallbackFailures runs an offloaded job: a callback that fails (a
// panicking handler, a deadline, a refused thread) while C calls it on this
// pool thread during fn makes the job fail with that error when fn itself
// succeeded. C still got the callback's exceptional value and the
// callback's owner is still told; the future is what the caller of Async
// waits on, so it must not resolve as a success built on an exceptional
// value.
//
// Package ffi's Go (pool.go) runs every job through it:
//
//	v, err = withCallbackFailures(fn)
func withCallbackFailures[T any](fn func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	cerr := callback.Capture(func() { v, err = fn() })
	if err == nil && cerr != nil {
		var zero T
		return zero, &CallbackFailedError{Err: cerr}
	}
	return v, err
}

// CallbackFailedError is the error of an offloaded call during which a
// callback that C called on the offload thread failed (its handler panicked,
// for example): C received the callback's exceptional value, so the call's
// own result is not trusted. Err joins the callbacks' errors (a
// *CallbackPanicError for a panic); errors.As reaches them.
type CallbackFailedError struct {
	Err error
}

// Error returns the error's message.
func (e *CallbackFailedError) Error() string {
	return "ffi: a callback failed during the offloaded call: " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *CallbackFailedError) Unwrap() error { return e.Err }
