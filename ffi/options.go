package ffi

import (
	"github.com/goractor/goractor/internal/execctx"
)

// Gate decides whether, and where, a call of a bound function runs. Package
// extension implements it (the parallel-safety gate); ffi only asks it. A
// function bound without a gate (a parallel-safe one) pays nothing for this.
//
// Before every call of a gated function, ffi calls Call with the function and
// the calling actor's Exec (nil when the caller is not an actor; for an
// asynchronous call, the actor that called Async). The gate must do exactly
// one of:
//
//   - run call exactly once and return nil, on this goroutine, under a lock,
//     or on another thread (for example forwarding it to the main actor with
//     Hooks.RunOnThread) while it waits for it to finish;
//   - not run call and return an error (a refusal, typically a
//     *safety.UnsafeError), which the caller receives wrapped in a *CallError
//     with Refused set, whose text is the refusal's own text.
//
// call does the native call itself (with token lending when needed) and
// converts its results (copies a string result, checks for NULL, reads
// errno) before it returns, so a gate that serializes calls protects results
// that C keeps in a static buffer. It must not be retained after Call
// returns.
type Gate interface {
	Call(f *Func, caller *execctx.Exec, call func()) error
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
// scalars only. Its typed calls (Fn0 … Fn6, and Bind's common shapes) then
// switch to the thread's system stack without telling the scheduler, about
// three times cheaper than an ordinary call (docs/ffi.md, "Leaf calls"; .NET
// calls this SuppressGCTransition, Java's FFM API Linker.Option.critical).
//
// The price: while a leaf call runs, its goroutine holds its P, a
// stop-the-world (a GC phase, Close of a library with leaf functions) waits
// for it, and a callback into Go from it ends the process (not refused
// yet: never declare a function that may call back a leaf). A signature with a
// string, slice or struct, or a variadic one, gives a *SignatureError.
// Under the race detector, with GORACTOR_FFI_LEAF=off in the environment,
// and on platforms without the amd64 trampoline (see LeafCalls), and for a
// gated or errno-capturing function, calls take the ordinary path.
func WithLeaf() BindOption { return bindOptionFunc(func(c *bindConfig) { c.leaf = true }) }
