// Package osthread is where goractor's threads park and hand off work: to
// change how threads park or hand off, edit this package and only this
// one. It holds
//
//   - [Event], the park/wake primitive: a binary permit with one waiter that
//     parks its thread on a futex (Linux) after an adaptive spin, or on a
//     channel (elsewhere, and for goroutines that are not locked to a
//     thread), with the reply events callers wait on ([ReplyEvent]);
//   - [FutexWait] and [FutexWake], the one futex wrapper (Linux);
//   - [LockForLife] and [Go], the one way a goroutine takes an OS thread for
//     its whole life, so the thread retires with it;
//   - [Thread], the one runner of closures on a dedicated locked thread;
//   - thread ids and main-thread detection.
//
// Its users: package actor (each actor's Event, its pinned thread started
// with [Go]; the actor's thread runs the actor's own loop and serves calls
// in its gaps, so its call queue is the actor's), package extension (a
// DedicatedThread extension's thread is a [Thread]), and package ffi (locked
// pool workers take their thread with [LockForLife]; the native pool's
// threads run an assembly loop that cannot call Go, so its ring parks them
// with the same futex operations, [FutexWaitPrivate] and [FutexWakePrivate]
// through go_asm.h, and wakes them with [FutexWake]).
//
// # Threads
//
// An Event has one waiter at a time: the goroutine that owns it. Any number of
// goroutines may Signal it. A futex-mode Event blocks its waiter's OS thread in
// the kernel, which is what an actor locked to its thread wants: no Go
// scheduler hand-off between two locked threads, only a futex wake-up. Plain
// goroutines must use a channel-mode Event ([NewChanEvent]) so that waiting does
// not pin an OS thread. A Thread's methods are safe for concurrent use.
//
// # Cleanup
//
// An Event holds no OS resources; drop it when done. A [Thread] holds an OS
// thread from its first [Thread.Do] until [Thread.Close], which waits for
// it to end.
//
// # Errors
//
// Nothing here returns errors: [Thread.Do] reports a closed Thread with
// ok == false and a panic in its closure as a value. Misuse (two concurrent
// waiters on one Event) is a bug in the caller and is not detected.
package osthread
