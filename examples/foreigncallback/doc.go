// Command foreigncallback shows a C library that starts its own threads
// calling back into an actor, the case where every peer runtime deadlocks or
// crashes (see docs/callbacks.md):
//
//	go run ./examples/foreigncallback
//
// The library, native/eventsrc.c, is compiled at run time with the system C
// compiler (go env CC; gcc on Debian) into a temporary directory. It starts
// N threads that each deliver M events through a callback.
//
// Two scenarios, both with a thread-safe callback owned by one actor:
//
//  1. blocking: the actor calls run_sources, which starts the threads and
//     joins them before returning. The actor is blocked inside C while the
//     threads call back into it. The actor lends its execution token for the
//     duration of the native call, so each callback takes it, runs inside
//     the actor, and gives it back: no deadlock.
//  2. concurrent: the actor calls start_sources, which returns at once, and
//     keeps processing messages while events arrive. Each callback runs
//     inside the actor between messages, never at the same time as the
//     actor's own code: the handler updates the actor's state without locks,
//     and -race stays quiet.
package main
