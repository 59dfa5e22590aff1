// Package actorbench runs goractor's actor measurements and their baselines,
// for both `go test -bench` (actor/bench_test.go) and `goractor bench`. Each
// function runs one measurement of n operations and returns the time per
// operation.
//
// # Threads
//
// Every measurement starts its own actor system with actor.Run and stops it
// before returning; the C baseline runs two pthreads of its own.
//
// # Cleanup
//
// Nothing outlives a call, except the C fixture library, which stays loaded.
//
// # Errors
//
// Errors come from the actor system, or from building the C fixture
// (cbuild.ErrNoCompiler when no C compiler is installed).
package actorbench
