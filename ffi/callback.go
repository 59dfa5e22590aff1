package ffi

import (
	"reflect"
	"time"

	"github.com/goractor/goractor/internal/callback"
)

// Callback is a C function pointer that calls a Go handler. Create it with
// NewCallback, pass Ptr (or, for APIs with user data, Handle) to C, and Close
// it when C will not call it any more. All methods are safe for concurrent
// use.
//
// A callback belongs to the actor that created it (the actor whose goroutine
// called NewCallback); created outside any actor it is unowned. See
// docs/callbacks.md for the modes, the lifetime rules and the costs.
type Callback struct {
	c *callback.Callback
}

// CallbackHandle identifies a live callback in one pointer-sized word (slot
// index and generation). C code that receives it as user data passes it back
// as an argument; a Handle of a closed callback is detected and routed to
// nobody, even after its slot was reused. The zero handle is never valid.
type CallbackHandle uintptr

// CallbackArgs is the raw register image of one C call, for handlers of type
// func(CallbackArgs) uintptr that decode their arguments themselves: Int
// holds the integer and pointer argument registers in order (RDI, RSI, RDX,
// RCX, R8, R9 on amd64), Float the floating-point ones (XMM0 … XMM7). A
// narrow argument sits in the low bits of its register; the upper bits are
// unspecified.
type CallbackArgs struct {
	Float [8]float64
	Int   [6]uintptr
}

// Float32 returns floating-point register i read as a C float.
func (a *CallbackArgs) Float32(i int) float32 { return (*callback.Args)(a).Float32(i) }

// Errors of callbacks. They are the internal machinery's own values and types,
// re-exported so that no user needs an internal import: compare with
// errors.Is and errors.As.
var (
	// ErrCallbackSignature reports a handler signature C cannot call. It is
	// wrapped by every *CallbackSignatureError.
	ErrCallbackSignature = callback.ErrUnsupported
	// ErrCallbackClosed reports a second Close.
	ErrCallbackClosed = callback.ErrClosed
	// ErrCallbackPoolExhausted reports that every pointer-form trampoline is
	// bound to a live callback (MaxCallbackPointers); the handle form
	// (UserData) has no such limit.
	ErrCallbackPoolExhausted = callback.ErrPoolExhausted
	// ErrCallbackOption reports an option that does not fit the handler.
	ErrCallbackOption = callback.ErrBadOption
	// ErrCallbackDepth reports re-entrant callback nesting deeper than
	// MaxCallbackDepth on one actor.
	ErrCallbackDepth = callback.ErrDepth
	// ErrCallbackTimeout reports a call from another thread that did not run
	// because its owner's execution token stayed busy past the callback's
	// timeout (CallbackTimeout). Each such call is reported to the owner as
	// its own *CallbackTimeoutError. It wraps neither safety.ErrWouldDeadlock
	// nor context.DeadlineExceeded.
	ErrCallbackTimeout = callback.ErrTokenTimeout
	// ErrCallbackGoexit reports a handler that called runtime.Goexit
	// (t.Fatal, t.FailNow): C got the exceptional value, as for a panic, and
	// no C frame was unwound. It is wrapped by every *CallbackGoexitError.
	ErrCallbackGoexit = callback.ErrGoexit
	// ErrCallbackInLeafCall reports a callback C made during a leaf call
	// (WithLeaf): the handler did not run, C got the exceptional value, and
	// the callback's owner (else the actor that made the leaf call) gets an
	// error wrapping this, once per leaf call.
	ErrCallbackInLeafCall = callback.ErrInLeafCall
)

// CallbackStats is a snapshot of the process-wide callback counters (see
// ReadCallbackStats). Fired == Delivered + Exceptional() whenever no call is
// in flight.
type CallbackStats struct {
	Slots       int // trampolines created (never more than MaxCallbackPointers)
	PuregoSlots int // of which purego.NewCallback slots (0 on amd64: ffi's own trampolines)
	SlotsFree   int // pointer-form trampolines waiting for reuse
	Live        int // callbacks created and not yet closed
	Created     int64
	Closed      int64
	Fired       int64 // C calls that entered a trampoline
	Delivered   int64 // calls whose handler returned normally
	Inline      int64 // delivered on the owner's own goroutine (synchronous)
	Foreign     int64 // delivered from another thread under the owner's token
	// (Delivered - Inline - Foreign were unowned callbacks, run directly.)
	ExClosed   int64 // exceptional: the callback was closed (or its owner stopped)
	ExStale    int64 // exceptional: a stale CallbackHandle (its slot was reused)
	ExDeadline int64 // exceptional: the owner's token was not free before the timeout
	ExPanic    int64 // exceptional: the handler panicked
	ExWrong    int64 // exceptional: a synchronous-only callback was called from another thread
	ExDepth    int64 // exceptional: re-entrant nesting deeper than MaxCallbackDepth
	ExGoexit   int64 // exceptional: the handler called runtime.Goexit
	ExLeaf     int64 // exceptional: called during a leaf call (WithLeaf), where Go cannot be entered
}

// Exceptional is the number of calls that returned the exceptional value.
func (s CallbackStats) Exceptional() int64 { return callback.Stats(s).Exceptional() }

// Limits of the callback machinery.
const (
	// DefaultCallbackTimeout is how long a call from another thread waits for
	// the owning actor's execution token before C gets the exceptional value.
	DefaultCallbackTimeout = callback.DefaultTimeout
	// MaxCallbackDepth bounds re-entrant nesting on one actor (C → Go → C …).
	MaxCallbackDepth = callback.MaxDepth
	// MaxCallbackPointers bounds live pointer-form callbacks (each holds a
	// trampoline); the handle form shares trampolines and is bounded only by
	// MaxCallbackHandles.
	MaxCallbackPointers = callback.MaxPointerSlots
	// MaxCallbackHandles bounds live callbacks of both forms.
	MaxCallbackHandles = callback.MaxHandles
)

// CallbackOption configures NewCallback.
type CallbackOption interface {
	callbackOption() callback.Option
}

type cbOpt struct{ o callback.Option }

func (o cbOpt) callbackOption() callback.Option { return o.o }

// ThreadSafe lets C call the callback from any thread, at any time until it
// is closed. The call runs inside the owning actor: it takes the actor's
// execution token, so the handler never runs at the same time as the actor's
// other work, and the calling thread blocks until the handler has returned,
// or until the timeout (CallbackTimeout) passes, after which C gets the
// exceptional value. Without ThreadSafe a callback is synchronous: it runs
// only when C calls it on the owner's thread during the owner's own native
// call; any other caller gets the exceptional value.
//
// A thread-safe callback makes its owner lend its token around every native
// call (two atomic operations), which is what lets a C function called by
// the actor start a thread that calls back into the same actor and wait for
// it.
func ThreadSafe() CallbackOption { return cbOpt{callback.ThreadSafe()} }

// CallbackTimeout sets how long a call from another thread waits for the
// owner's execution token (default DefaultCallbackTimeout). It must be
// positive.
func CallbackTimeout(d time.Duration) CallbackOption { return cbOpt{callback.Timeout(d)} }

// Exceptional sets the value C receives when the handler cannot run (closed
// callback, stopped actor, wrong thread, deadline) or panics. The default is
// the zero value of the handler's result. v must be assignable (or, for
// integers, convertible) to the result type.
func Exceptional(v any) CallbackOption { return cbOpt{callback.Exceptional(v)} }

// CallbackRef sets whether the callback starts ref'ed. A ref'ed callback
// keeps its owning actor alive (something outside may still call it); an
// unref'ed one lets the actor end while it is open. Default: thread-safe
// callbacks are ref'ed, synchronous ones are not.
func CallbackRef(on bool) CallbackOption { return cbOpt{callback.Ref(on)} }

// UserData selects the handle form: parameter param of the handler (of type
// uintptr, unsafe.Pointer or CallbackHandle, in an integer register) is where
// C passes back the user data it was given, which must be the callback's
// Handle. Handle-form callbacks share one trampoline per register, so any
// number of them may be live, and a stale handle is detected.
func UserData(param int) CallbackOption { return cbOpt{callback.UserData(param)} }

// CallbackName names the callback in errors and panics (default: the
// handler's type).
func CallbackName(name string) CallbackOption { return cbOpt{callback.Name(name)} }

// Unowned makes the callback belong to no actor even when NewCallback is
// called by one: the handler then runs directly on whichever thread calls it,
// concurrently with anything, and must be safe for that.
func Unowned() CallbackOption { return cbOpt{callback.Owner(nil)} }

// NewCallback returns a C function pointer that calls fn. fn's parameters may
// be bool, integers of every width, uintptr, pointers, unsafe.Pointer,
// float32 and float64 (at most 6 integer-class and 8 floating-point ones: the
// registers); its result, if any, one of those except the floats. Anything
// else is refused with a *CallbackSignatureError naming the parameter. A
// handler of type func(CallbackArgs) uintptr receives the raw registers.
//
// The callback belongs to the calling actor (see ThreadSafe for who may call
// it and where it runs) and must be closed. A panic in fn never unwinds
// through C: C gets the exceptional value (Exceptional) and the owner gets a
// *CallbackPanicError.
func NewCallback(fn any, opts ...CallbackOption) (*Callback, error) {
	o := make([]callback.Option, 0, len(opts))
	for _, op := range opts {
		if op != nil {
			o = append(o, op.callbackOption())
		}
	}
	if raw, ok := fn.(func(CallbackArgs) uintptr); ok {
		// internal/callback's raw form takes its own register image, of
		// the same layout; the callback keeps the handler's type as its
		// default name (an option of the caller's comes later and wins).
		fn = func(a callback.Args) uintptr { return raw(CallbackArgs(a)) }
		o = append([]callback.Option{callback.Name(reflect.TypeFor[func(CallbackArgs) uintptr]().String())}, o...)
	}
	c, err := callback.New(fn, o...)
	if err != nil {
		return nil, err
	}
	return &Callback{c: c}, nil
}

// MustCallback is NewCallback that panics on error, for package
// initialisation.
func MustCallback(fn any, opts ...CallbackOption) *Callback {
	c, err := NewCallback(fn, opts...)
	if err != nil {
		panic(err)
	}
	return c
}

// Ptr returns the C function pointer, to pass to C as a uintptr argument
// (a bound function's parameter of type uintptr, or unsafe.Pointer through
// Call). After Close it returns the exceptional value until its trampoline is
// reused by another callback; use the handle form where C has user data.
func (c *Callback) Ptr() uintptr { return c.c.Ptr() }

// Handle returns the callback's handle, the user data to give C with the
// handle form (UserData).
func (c *Callback) Handle() CallbackHandle { return CallbackHandle(c.c.Handle()) }

// Close frees the callback: from now on a C call through it returns its
// exceptional value and is counted; calls already running finish first. A
// second Close returns an error wrapping ErrCallbackClosed.
func (c *Callback) Close() error { return c.c.Close() }

// Closed reports whether Close was called.
func (c *Callback) Closed() bool { return c.c.Closed() }

// Ref makes the callback keep its owning actor alive.
func (c *Callback) Ref() { c.c.Ref() }

// Unref lets the owning actor end while the callback is open.
func (c *Callback) Unref() { c.c.Unref() }

// IsThreadSafe reports whether the callback accepts calls from any thread.
func (c *Callback) IsThreadSafe() bool { return c.c.IsThreadSafe() }

// Owner returns the owning actor's name, "" when the callback is unowned.
func (c *Callback) Owner() string { return c.c.Owner().Name() }

// ReadCallbackStats returns the process-wide callback counters.
func ReadCallbackStats() CallbackStats {
	// CallbackStats is internal/callback's Stats field for field: this
	// conversion stops compiling if they drift apart.
	return CallbackStats(callback.ReadStats())
}
