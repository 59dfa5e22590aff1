// Package libc is a slice of the C library as a goractor extension. It
// registers itself as "libc" in init, declared parallel-safe, except for the
// functions POSIX and glibc document as MT-Unsafe because they return or keep
// a static buffer or hidden state (strtok, l64a, asctime, ctime, gmtime,
// localtime, strerror, rand, ...): those are declared NotParallelSafe, so
// only the main actor may call them, while their reentrant _r forms
// (strtok_r, asctime_r, localtime_r, strerror_r, rand_r, ...) are
// parallel-safe.
//
// # Isolation
//
// A *Lib holds only immutable bound functions and may be shared.
//
// # Threads
//
// Parallel-safe functions run on the caller's thread, ungated. Unsafe ones
// run only for the main actor; other actors get *safety.UnsafeError.
//
// # Cleanup
//
// Close the *Lib returned by Open when done.
//
// # Errors
//
// Functions bound with an error result return the refusal as an
// *ffi.CallError wrapping *safety.UnsafeError.
package libc
