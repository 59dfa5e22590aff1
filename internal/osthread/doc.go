// Package osthread holds the OS-thread primitives package actor builds on: an
// [Event] that parks a thread on a futex (Linux) or a channel (elsewhere, and
// for goroutines that are not locked to a thread), thread ids, and main-thread
// detection.
//
// # Threads
//
// An Event has one waiter at a time: the goroutine that owns it. Any number of
// goroutines may Signal it. A futex-mode Event blocks its waiter's OS thread in
// the kernel, which is what an actor locked to its thread wants: no Go
// scheduler hand-off between two locked threads, only a futex wake-up. Plain
// goroutines must use a channel-mode Event ([NewChanEvent]) so that waiting does
// not pin an OS thread.
//
// # Cleanup
//
// An Event holds no OS resources; drop it when done.
//
// # Errors
//
// Nothing here returns errors; misuse (two concurrent waiters) is a bug in the
// caller and is not detected.
package osthread
