// Command mainthread drives a library that must only be called from the
// process's main thread (GUI toolkits, some audio and graphics APIs) from
// worker actors, through the main actor.
//
//	go run ./examples/mainthread
//
// The "library" is libc's gettid(2) wrapper: it reports the thread it runs
// on, which is exactly what a main-thread-only library cares about. Two
// extensions wrap it, declared as such a library would be:
//
//   - "mainonly": Affinity MainThread, Policy OnMain. A call from a worker
//     actor is forwarded to the main actor, runs on the main thread, and the
//     worker gets the result as if it had made the call itself.
//   - "mainonly-strict": Affinity MainThread, Policy Raise (the default). A
//     call from a worker fails with *safety.UnsafeError wrapping
//     safety.ErrWrongThread; native code is never entered.
//
// The main actor owns the main thread only when actor.Run is called from
// main(); a test gets a dedicated thread instead, and the example then
// checks the calls ran on that thread.
package main
