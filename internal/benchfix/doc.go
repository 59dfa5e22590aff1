// Package benchfix is the native side of `goractor bench`: the C source of
// the benchmark fixture (the functions every peer in docs/performance.md was
// measured on), a builder for it, and, in cgo builds, the same add function
// compiled in and called through cgo as a baseline.
//
// # Isolation
//
// Nothing here holds mutable state after Build returns.
//
// # Threads
//
// Build runs the C compiler as a child process and waits for it.
//
// # Cleanup
//
// Build writes into the directory it is given; the caller removes it.
//
// # Errors
//
// Build returns the compiler's error (wrapping cbuild.ErrNoCompiler when no
// C compiler is installed).
package benchfix
