// Package libm is the C math library as a goractor extension. It registers
// itself as "libm" in init, declared parallel-safe: every function here is a
// pure function of its arguments (glibc documents them MT-Safe), so calls run
// on the calling actor's thread, ungated.
//
// # Isolation
//
// A *Lib holds only immutable bound functions; it may be shared by reference
// between actors.
//
// # Threads
//
// Calls run on the caller's thread. Nothing is started.
//
// # Cleanup
//
// Close the *Lib returned by Open when done.
//
// # Errors
//
// Open returns the extension package's load errors (*ffi.LoadError when
// libm.so.6 cannot be opened).
package libm
