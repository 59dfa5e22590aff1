// Command quickstart is goractor's tour: one program that shows every
// promise of the runtime working on real native libraries, and checks each
// one. Run it with
//
//	go run ./examples/quickstart
//
// It needs no C compiler: the native code is the system's libc and zlib
// (zlib1g). It exits with status 1 if any step did not behave.
//
// The steps:
//
//  1. the main actor runs on the process's main thread;
//  2. actors on distinct OS threads compress data with zlib in parallel;
//  3. a send that cannot cross is rejected, naming the offending part;
//  4. a frozen table is shared between actors without copying;
//  5. a function that is not parallel-safe fails in a worker, works on main;
//  6. a callback arrives from a thread the runtime did not create, while the
//     owning actor waits in native code for that very thread;
//  7. offloaded native calls run on a thread pool and complete as futures.
package main
