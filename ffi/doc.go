// Package ffi calls C functions in shared libraries without cgo: it opens
// libraries (dlopen through purego), binds symbols to validated Go
// signatures, and calls them through a small register trampoline entered via
// the runtime's cgocall (on linux/amd64; purego elsewhere and for structs
// larger than 16 bytes and stack arguments). See docs/ffi.md for the full
// guide.
//
// Two ways to bind, one per job. Library.Bind sets a Go func variable to a
// function that calls the C symbol: it is the way to call C with Go types
// (MustBind panics instead of returning the error; BindAll binds several,
// all or nothing). It calls without reflection or allocation for the func
// shapes its doc comment lists and through reflection, about twenty times
// slower, for the others. Library.Func, for a signature known only at run time
// (text from a manifest or a tool), and FuncAt, for a C function pointer,
// give a *Func called with Call(args ...any).
//
// # Type conversions
//
//	Go                                    C
//	int8 … int64, uint8 … uint64         int8_t … uint64_t (and char, short, int, long …)
//	int, uint, uintptr                    long, unsigned long, uintptr_t (64-bit)
//	float32, float64                      float, double
//	bool                                  _Bool / bool
//	unsafe.Pointer, *T                    void *, T * (T must not contain Go pointers)
//	string (argument)                     const char * to a NUL-terminated copy, valid for the call
//	string (result)                       char *, copied into Go memory; NULL gives "" and ErrNull
//	[]T (argument, T pointer-free)        T * to the first element (NULL for a nil/empty slice)
//	struct (fields of the kinds above)    struct by value (amd64: <= 16 bytes in registers,
//	                                      larger via purego; arm64, loong64, ppc64le via purego)
//	...T with T an integer/pointer/any    C variadic arguments (no floats: refused)
//	final error result                    failures: closed library, gate refusal, ErrNull, errno
//
// Anything else is refused at bind time with a *SignatureError wrapping
// ErrUnsupportedSignature, before purego ever sees it.
//
// # Memory
//
// Go memory passed to C (strings, slices, pointers) stays alive and in place
// for the duration of the call and no longer: C must not keep it. Strings are
// copied with a terminating NUL (onto the C stack for up to 1022 bytes, with
// no allocation; to the Go heap when longer or when the result is a pointer
// that may point into them). Byte slices are passed without a copy; the typed
// functions make them escape to the heap so that a stack move during the call
// cannot invalidate them. Memory C returns is not freed by ffi. Go
// memory given to C must not contain Go pointers (the cgo pointer rules); ffi
// refuses pointer and slice types whose elements contain Go pointers.
//
// # Threads
//
// A call runs on the calling goroutine's OS thread; an actor's goroutine is
// locked to its thread, so thread-local native state (errno, OpenGL
// contexts) stays with the actor. Calls from many goroutines run in parallel;
// ffi takes no lock. Around a native call made by an actor that owns
// callbacks from foreign threads, ffi lends the actor's execution token
// (internal/execctx) so such a callback can run while the actor waits in C.
// Async runs calls on a bounded pool (Pool, Future): on linux/amd64 on
// native threads the pool creates and runs without the Go scheduler, else
// on worker goroutines; either way one call runs on one thread from start
// to end.
//
// # Callbacks
//
// C code that takes a function pointer gets one from NewCallback, which
// wraps a Go func (integer, pointer and float arguments; an integer or
// pointer result) in a C entry point: pass its Ptr() to a uintptr (or
// unsafe.Pointer) parameter ((*Func).Call converts a *Callback argument to
// Ptr() itself). A Go func-typed parameter is refused at bind time. A
// callback belongs to the actor that created it and runs inline during that
// actor's native call; ThreadSafe lets other threads call it too, running
// it inside the owning actor. Close a callback once C can no longer call it.
// See docs/callbacks.md for the options, lifetimes and the deadlock model.
//
// # Cleanup
//
// Every Open (and Retain) must be balanced by a Close. Close never unloads a
// library while a call into it is running: it waits for those calls
// (CloseContext bounds the wait and returns ErrBusy; the library is unloaded
// once those calls return). Typed calls are counted without a locked
// instruction (per-thread slots and a membarrier in Close); a library with
// leaf functions (WithLeaf) also stops the world once in Close. Pools you
// create must be closed.
//
// # Leaf calls
//
// WithLeaf declares a short, non-blocking, callback-free function with a
// scalar signature a leaf: its typed calls run on the thread's system stack
// without the scheduler's syscall transition, holding the goroutine's P. A
// callback into Go from a leaf call is refused: C gets the callback's
// exceptional value and the owner an error wrapping ErrCallbackInLeafCall. A
// stop-the-world waits for a running leaf call. Leaf calls are off under the race detector and
// with GORACTOR_FFI_LEAF=off (LeafCalls); see docs/ffi.md.
//
// # Errors
//
// Load failures are *LoadError (library, symbol, dlerror text), refused
// signatures *SignatureError, failed calls *CallError (a gate's refusal keeps
// the gate's own text, CallError.Refused); all wrap the
// package's sentinels (ErrLoad, ErrUnsupportedSignature, ErrClosed, ErrBusy,
// ErrNull, ErrNullFunction, ErrPoolFull, ErrBadArgument) or, for errno, a
// syscall.Errno. A Go signature without an error result cannot report a
// refused call: the call panics with the *CallError instead.
//
// Callback errors are ffi's own types too: a refused handler is a
// *CallbackSignatureError, and a handler's failure reaches its owning actor
// (a body actor's Receive, a handler actor's supervisor, a *RemoteError's
// chain) as a *CallbackPanicError, *CallbackGoexitError or
// *CallbackTimeoutError. They are the errors the runtime reports, not
// copies: package actor does not import ffi, so internal/callback, which
// detects the failure and calls the owner's Fail hook, builds them through
// constructors ffi installs in its init (callback_errors.go). Types defined
// here rather than in a separate public package keep everything a user of
// callbacks reads in this one package; errors.As with them matches wherever
// the error arrives.
//
// # What ffi cannot verify
//
// Nothing in a shared library describes its functions' types. A signature
// that validates but does not match the C function (int64 for int, a missing
// argument, a struct pointer declared as a struct) computes garbage or
// crashes the process; a C function that keeps a pointer to Go memory after
// the call, writes past a buffer, or crashes takes the process down. ffi
// reports what it can name; it does not survive a segfault.
//
// # Native crashes
//
// On linux/amd64 a native crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP
// or SIGABRT at a PC outside the Go executable) prints one line to
// standard error before the process dies, on every thread: it starts with
// "goractor: native crash: " and names the signal, the fault address, the
// C symbol at the PC (library and symbol, or the address), the bound
// function that was called, and the caller: the actor, or the pool
// (WithPoolName) and its native thread or worker. Then Go's own report
// follows on a thread of the Go runtime; on a native pool thread or a
// thread C created the process dies of the signal. docs/limits.md gives
// the line's fields. Nothing is recorded per call; native pool threads run
// with an alternate signal stack. Elsewhere only Go's own report is
// printed.
package ffi
