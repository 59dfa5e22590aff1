package ffi

import (
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/gatehook"
)

// Gate decides whether, and where, a call of a bound function runs. Package
// extension implements it (the parallel-safety call gate); ffi only asks it.
// A function bound without a gate (a parallel-safe one) pays nothing for
// this.
//
// Before every call of a gated function, ffi calls Call with the function and
// the caller: the calling actor (for an asynchronous call, the actor that
// called Async), or the zero Caller outside every actor. The gate must do
// exactly one of:
//
//   - run call exactly once and return nil, on this goroutine, under a lock,
//     or on another thread (for example the main actor's) while it waits for
//     it to finish;
//   - not run call and return an error (a refusal, typically a
//     *safety.UnsafeError), which the caller receives wrapped in a *CallError
//     with Refused set, whose text is the refusal's own text.
//
// call does the native call itself (with token lending when needed) and
// converts its results (copies a string result, checks for NULL, reads
// errno) before it returns, so a gate that serializes calls protects results
// that C keeps in a static buffer. It must not be retained after Call
// returns.
//
// A Gate that can often let the call run right where it was made should also
// implement [Admitter]: the typed calls (Bind's shapes) then ask it first and
// skip Call, its closure and its heap copy of the arguments when it admits.
type Gate interface {
	Call(f *Func, caller Caller, call func()) error
}

// Admitter is the optional first phase of a [Gate], asked by the typed calls
// (Bind's reflection-free shapes, see Library.Bind) before each call. Admit
// looks at the calling goroutine only and returns admitted when the call may
// run on it now, without the gate's Call; locked reports that Admit took a
// lock the call must hold, which ffi releases with Release right after the
// call. When admitted is false ffi calls Call as usual. Only the platforms
// with ffi's register trampoline (amd64) have these typed paths; elsewhere
// every gated call goes through Call. Both methods must not
// block for long, and must not allocate if the gated call is to stay
// allocation-free.
type Admitter interface {
	Gate
	Admit() (admitted, locked bool)
	Release()
}

// Caller is the actor a gated call is made for, as a [Gate] sees it. The zero
// Caller stands for a caller outside every actor. Callers compare equal when
// they are the same actor.
type Caller struct{ e *execctx.Exec }

// Name returns the actor's name; "" outside every actor.
func (c Caller) Name() string { return c.e.Name() }

// IsMain reports whether the caller is the main actor.
func (c Caller) IsMain() bool { return c.e.IsMain() }

func init() {
	gatehook.CallerExec = func(c any) *execctx.Exec { return c.(Caller).e }
	gatehook.Gated = func(f any) bool { return f.(*Func).gate != nil }
}

// BindOption configures a bound function. Options are applied in order; a
// later option of the same kind replaces an earlier one.
type BindOption interface{ apply(*bindConfig) }

type bindConfig struct {
	gate  Gate
	errno bool
	pool  *Pool
	leaf  bool
}

type bindOptionFunc func(*bindConfig)

func (f bindOptionFunc) apply(c *bindConfig) { f(c) }

// WithGate attaches g to the function: every call asks g first (see Gate).
// A nil g removes the gate.
func WithGate(g Gate) BindOption { return bindOptionFunc(func(c *bindConfig) { c.gate = g }) }

// WithErrno makes calls capture errno as set by the C function: it is
// cleared just before the call and read on the same thread right after it.
// When it is non-zero, a Go signature with an error result gets a *CallError
// wrapping the syscall.Errno; [(*Func).CallErrno] reports it in any case.
func WithErrno() BindOption { return bindOptionFunc(func(c *bindConfig) { c.errno = true }) }

// WithPool makes Async use p instead of the default pool.
func WithPool(p *Pool) BindOption { return bindOptionFunc(func(c *bindConfig) { c.pool = p }) }

// WithLeaf declares the function a leaf: short (well under a microsecond),
// never blocking, never calling back into Go, and taking and returning
// scalars only. Its typed calls (Bind's listed shapes) then
// switch to the thread's system stack without telling the scheduler, about
// three times cheaper than an ordinary call (docs/ffi.md, "Leaf calls"; .NET
// calls this SuppressGCTransition, Java's FFM API Linker.Option.critical).
//
// The price: while a leaf call runs, its goroutine holds its P, a
// stop-the-world (a GC phase, Close of a library with leaf functions) waits
// for it, and a callback into Go from it does not run: C gets the
// callback's exceptional value and the callback's owner an error wrapping
// ErrCallbackInLeafCall (never declare a function that calls back a leaf). A
// signature with a
// string, slice or struct, or a variadic one, gives a *SignatureError.
// Under the race detector, with GORACTOR_FFI_LEAF=off in the environment,
// and on platforms without the amd64 trampoline (see LeafCalls), and for an
// errno-capturing function or one gated by a Gate without a first phase,
// calls take the ordinary path; a function gated by an [Admitter] makes leaf
// calls only when the gate admits them on the caller's goroutine.
func WithLeaf() BindOption { return bindOptionFunc(func(c *bindConfig) { c.leaf = true }) }
