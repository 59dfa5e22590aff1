// Package nativecrash prints one line naming a native crash before the
// process dies: the signal, the fault address, the C symbol the thread was
// in, the bound C function that was called, and the actor or pool that made
// the call. docs/limits.md documents the line; package ffi and package actor
// feed it.
//
// # Model
//
// A SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP or SIGABRT that arrives while
// a thread runs code outside the Go executable (a dlopen'd library, or no
// code at all) is a native crash. On linux/amd64 and linux/arm64 the package installs its
// own handler for those signals at init, ahead of the Go runtime's, and
// keeps the runtime's handler to chain to. Everything it does not own — a
// fault in Go code (a nil dereference that becomes a panic), a signal sent
// by another process, every other signal — goes to the saved handler
// untouched, with the same arguments, before anything else is done.
//
// For a native crash it resolves, at crash time and without any
// bookkeeping on the call path:
//   - the faulting PC with dladdr (library and symbol, or the address);
//   - the called function: the innermost function on the crashed thread's
//     stack whose entry point ffi resolved with dlsym ([NoteSymbol]);
//   - the caller: a table keyed by thread id (actors, the threads of
//     DedicatedThread extensions, native pool threads) or by goroutine (pool
//     worker goroutines), filled when such a thread or worker starts and
//     emptied when it ends ([Actor], [DedicatedThread], [PoolThread],
//     [PoolWorker]).
//
// It writes one line starting with [Prefix] to standard error. On a thread
// the Go runtime owns, it then chains to the runtime's handler, which
// prints Go's own report and ends the process as before; on any other
// thread (a native pool thread, a thread C created) it restores the default
// action and re-raises the signal, so the process dies of it.
//
// On arm64 the goroutine of the crashed thread is read from the
// runtime's TLS slot, whose offset install measures first (two goroutines
// must agree on it, or nothing is installed). Elsewhere than linux/amd64
// and linux/arm64 nothing is installed and Go's own report is
// all there is (docs/limits.md).
//
// # Threads and cleanup
//
// The registration functions may be called from any goroutine; each
// returned Reg must be dropped once, when its thread or worker ends.
// The table holds [TableSize] entries: callers past that are not named
// (the line says "caller=unknown").
package nativecrash
