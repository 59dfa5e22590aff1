package ffi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Each is returned wrapped in one of the typed errors below
// (or by itself); compare with errors.Is.
var (
	// ErrLoad reports a library or symbol that could not be loaded. It is
	// wrapped by every *LoadError.
	ErrLoad = errors.New("ffi: cannot load")

	// ErrUnsupportedSignature reports a Go signature ffi refuses to bind
	// because purego would panic on it or silently compute a wrong answer.
	// It is wrapped by every *SignatureError.
	ErrUnsupportedSignature = errors.New("ffi: unsupported signature")

	// ErrClosed reports a call or a bind on a library that was closed.
	ErrClosed = errors.New("ffi: library is closed")

	// ErrBusy reports a CloseContext whose context ended while calls into
	// the library were still running. The library is then unloaded by the
	// last of those calls when it returns.
	ErrBusy = errors.New("ffi: library is busy, calls are in flight")

	// ErrNull reports a NULL char* returned by a C function whose Go result
	// is a string (the string result is then "").
	ErrNull = errors.New("ffi: C function returned NULL")

	// ErrNullFunction reports a call through a NULL function pointer.
	ErrNullFunction = errors.New("ffi: NULL function pointer")

	// ErrPoolFull reports an asynchronous call refused because the pool's
	// queue was full (and the pool does not wait).
	ErrPoolFull = errors.New("ffi: offload pool queue is full")

	// ErrPoolClosed reports an asynchronous call submitted to a closed pool.
	ErrPoolClosed = errors.New("ffi: offload pool is closed")

	// ErrBadArgument reports an argument of a dynamic call ((*Func).Call)
	// that does not convert to the parameter's type.
	ErrBadArgument = errors.New("ffi: bad argument")

	// ErrTooManyArguments reports a call of a variadic function with more
	// variadic arguments than the call engine can pass (the limit depends on
	// the fixed parameters; about 26 words go on the stack). The call is
	// refused before native code is entered.
	ErrTooManyArguments = errors.New("ffi: too many arguments")
)

// LoadError reports a library or a symbol that could not be loaded.
//
// It reads like
//
//	ffi: load "libfoo.so.1": libfoo.so.1: cannot open shared object file: No such file or directory
//	ffi: load "libz.so.1" symbol "nope": /lib/x86_64-linux-gnu/libz.so.1: undefined symbol: nope
//
// Err holds dlerror's text (as an error); errors.Is(err, ErrLoad) is true.
type LoadError struct {
	Library string // the name or path given to Open (all of them, joined by ", ", when none loaded)
	Symbol  string // the symbol, when the failure concerns one
	Err     error  // the dynamic loader's error (dlerror text), or ErrClosed
}

// Error returns the error's message.
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString("ffi: load ")
	b.WriteString(strconv.Quote(e.Library))
	if e.Symbol != "" {
		b.WriteString(" symbol ")
		b.WriteString(strconv.Quote(e.Symbol))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the loader error and ErrLoad.
func (e *LoadError) Unwrap() []error { return []error{e.Err, ErrLoad} }

// MissingLibrary reports whether the library itself could not be opened (no
// name given to Open loaded), as opposed to a missing symbol or a closed
// library. Tests use it to tell "not installed here" from a real failure.
func (e *LoadError) MissingLibrary() bool { return e.Symbol == "" && !errors.Is(e.Err, ErrClosed) }

// LibraryError reports an operation on a Library handle that did not
// happen: a Close, CloseContext or Retain of a library already closed. It is
// not a load error (it does not wrap ErrLoad).
//
// It reads like
//
//	ffi: close "libz.so.1": library is already closed
type LibraryError struct {
	Op      string // "close" or "retain"
	Library string // the library's name
	Err     error  // ErrClosed
}

// Error reads like: ffi: close "libz.so.1": library is already closed.
func (e *LibraryError) Error() string {
	msg := strings.TrimPrefix(e.Err.Error(), "ffi: ")
	if errors.Is(e.Err, ErrClosed) {
		msg = "library is already closed"
	}
	return "ffi: " + e.Op + " " + strconv.Quote(e.Library) + ": " + msg
}

// Unwrap returns Err.
func (e *LibraryError) Unwrap() error { return e.Err }

// SignatureError reports a Go signature that ffi refuses to bind.
//
// It reads like
//
//	ffi: signature func(map[string]int) int32: parameter 0 (map[string]int): maps cannot be passed to C
type SignatureError struct {
	Signature string // the signature as written (Go syntax)
	Param     int    // index of the offending parameter; -1 for the result, -2 for the whole signature
	Name      string // the parameter's name when the signature text named it
	Type      string // the offending type
	Reason    string
}

// Param values of a SignatureError that do not name a parameter.
const (
	ParamResult = -1 // the error concerns the result
	ParamWhole  = -2 // the error concerns the signature as a whole
)

// Error returns the error's message.
func (e *SignatureError) Error() string {
	var b strings.Builder
	b.WriteString("ffi: signature ")
	b.WriteString(e.Signature)
	b.WriteString(": ")
	switch {
	case e.Param >= 0:
		b.WriteString("parameter ")
		b.WriteString(strconv.Itoa(e.Param))
		if e.Name != "" {
			b.WriteString(" " + e.Name)
		}
		if e.Type != "" {
			b.WriteString(" (" + e.Type + ")")
		}
		b.WriteString(": ")
	case e.Param == ParamResult:
		b.WriteString("result")
		if e.Type != "" {
			b.WriteString(" (" + e.Type + ")")
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns ErrUnsupportedSignature.
func (e *SignatureError) Unwrap() error { return ErrUnsupportedSignature }

// CallError reports a native call that did not happen or that reported a
// failure: a closed library, a gate refusal, a bad argument, a NULL result,
// or errno (when the function was bound with [WithErrno]).
//
// It reads like
//
//	ffi: call "libc.so.6" "close": bad file descriptor
//
// except for a call a [Gate] refused (Refused is true): the refusal already
// names the call, the caller and the reason, so the error reads exactly as
// the gate's error does, for example
//
//	safety: call "libfoo.bar" from actor "worker-3": not parallel-safe, only the main actor may call it
//
// In every case errors.As finds both the *CallError and the gate's error
// (such as a *safety.UnsafeError), and errors.Is the sentinels they wrap.
type CallError struct {
	Library  string
	Function string
	Err      error // ErrClosed, a gate's error, ErrNull, a syscall.Errno, ...
	Refused  bool  // Err is a Gate's refusal; the native function was not entered
}

// Error returns the error's message.
func (e *CallError) Error() string {
	if e.Refused && e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("ffi: call %q %q: %v", e.Library, e.Function, e.Err)
}

// Unwrap returns the reason.
func (e *CallError) Unwrap() error { return e.Err }

// PanicError is the error of a Future whose job panicked (for example an
// argument conversion), so the panic does not kill a pool worker.
type PanicError struct {
	Value any
}

// Error returns the error's message.
func (e *PanicError) Error() string { return fmt.Sprintf("ffi: panic in offloaded call: %v", e.Value) }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}
