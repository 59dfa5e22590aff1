// Package benchfix is the benchmark machinery of `goractor bench` and of the
// module's benchmarks: the C source of the benchmark fixture (the functions
// every peer in docs/performance.md was measured on) and a builder for it;
// the callback measurements (MeasureCallback: goractor's callbacks and bare
// purego's through the same C loops); and, in cgo builds, the cgo baseline
// (the fixture's functions compiled in and called through cgo: CgoAdd and
// the others; CgoCallbackN and CgoCallbackNThread, the fixture's callback
// loops calling a cgo //export function), the one cgo baseline both
// `goractor bench` and the module's benchmarks use.
//
// It is an internal package of the main module, not a module of its own, and
// no library package imports it: only cmd/goractor (its bench command) and
// _test.go files do, so `go list -deps` of actor, ffi, extension, shareable,
// node, host and safety lists no benchmark package (cmd/goractor's
// deps_test.go checks it). A separate module would keep it out of the
// library graph no better, and would need its own go.mod pinned to the main
// module's version and a replace directive to measure the working tree's
// runtime: the bench command must measure exactly the code it ships with.
//
// # Isolation
//
// Nothing here holds mutable state after Build returns, except bare
// purego's baseline callback, made once per process (purego's callback
// slots are never freed).
//
// # Threads
//
// Build runs the C compiler as a child process and waits for it.
// MeasureCallback runs on a goroutine locked to its thread, bound to an
// execution context as an actor is; the foreign-thread measurements call
// back from a pthread the C fixture starts and joins.
//
// # Cleanup
//
// Build writes into the directory it is given; the caller removes it. The
// library MeasureCallback opens stays loaded.
//
// # Errors
//
// Build returns the compiler's error (wrapping cbuild.ErrNoCompiler when no
// C compiler is installed). MeasureCallback returns an error, prefixed
// "benchfix:", when the library does not load, the C loop's sum or the
// handler's count is wrong, or the platform has no dlopen
// (errors.ErrUnsupported).
package benchfix
