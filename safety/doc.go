// Package safety holds the error vocabulary that every goractor package shares:
// [UnsafeError] and the sentinel errors callers branch on with [errors.Is].
//
// # Isolation
//
// Nothing in this package holds mutable state; every exported value is safe to
// share between actors and goroutines.
//
// # Threads
//
// The package starts no goroutines and locks no threads.
//
// # Cleanup
//
// There is nothing to release.
//
// # Errors
//
// Refusals that protect a parallel-safety guarantee are reported as
// *UnsafeError, which wraps one of the sentinels below, so both
// errors.As(err, &ue) and errors.Is(err, safety.ErrNotParallelSafe) work.
// The conformance suite for extension authors lives in the sibling package
// safety/safetytest, so that production binaries never import "testing".
package safety
