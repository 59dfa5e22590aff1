// Package execctx is the contract between package actor and package ffi: the
// execution context of an actor as native code sees it.
//
// # Model
//
// Each actor has one [Exec]. An Exec carries an execution token, like a
// per-actor GVL: whoever holds it may run the actor's Go code. The actor's own
// goroutine holds it while it processes messages ([Exec.Enter]/[Exec.Leave]),
// lends it out for the duration of a native call ([Exec.Lend]/[Exec.Reclaim]),
// and gives it up while it waits for messages. A callback arriving on a thread
// the runtime never created takes the token ([Exec.Acquire]), runs the
// handler, and gives it back ([Exec.Release]). That is what lets a C function,
// called synchronously by actor A, start a pthread that calls back into A and
// wait for it: A lent its token when it entered C, so the pthread can take it.
//
// # Identity
//
// Every actor goroutine is locked to its OS thread for its whole life, so the
// goroutine identity (the runtime's g pointer, read in assembly) identifies the
// actor. [Bind] records the current goroutine's Exec; [Current] finds it again
// in a few nanoseconds without a syscall. A synchronous callback from C runs on
// the goroutine that made the native call (cgocallback reuses it), so Current
// inside such a callback returns the caller's Exec, which is how ffi decides to
// run it inline.
//
// # The token's cost
//
// Where the kernel has membarrier (Linux amd64 and arm64), the token's
// common hand-overs use no locked instruction on the side that runs most
// often, and the other side pays with a membarrier (an asymmetric Dekker):
//   - the owner lends it around a native call with plain stores of a fast
//     word; the first foreign taker of such a lend fences and converts it
//     (see token);
//   - a holder releases it with a plain store of its state (a
//     store-release on arm64); a locker that finds it held fences after
//     queueing and before it looks again, so the release is either seen
//     by the locker or sees the locker queued and wakes it (see
//     token.unlock).
//
// The membarrier (a few microseconds: it interrupts every CPU running a
// thread of the process) is paid only by a locker that is about to park
// anyway, and by the first foreign taker of a fast lend. Taking the token
// stays one compare-and-swap. A callback from a foreign
// thread therefore pays one locked instruction: the compare-and-swap of
// [Exec.TryAcquire]. The race detector's builds use atomic stores, so that
// it sees the hand-overs. Elsewhere lending is a swap and a
// compare-and-swap and the release an atomic AND.
//
// # Guests
//
// A callback from a thread C created runs inside the actor as its guest:
// it holds the token, and [EnterGuest] records its goroutine in the Exec
// (one word) so that [Exec.GuestHere] and [Current] see the owner there.
// Only the token's holder writes that word, so it is a plain store (an
// atomic one under the race detector), not a locked instruction: the
// token's release and the next holder's acquire order one holder's writes
// before the next one's, and any other goroutine that reads the word
// compares it with its own identity, which only that goroutine could have
// written. There is no global count of guests: Current looks for a guest
// among the Execs that own thread-safe callbacks (the only ones that can
// have guests, since a guest runs a thread-safe callback, whose
// RetainLend outlives the call) after the goroutine table, and not at all
// while there are none.
//
// # Threads and cleanup
//
// Bind must be called on the goroutine it describes, and the returned unbind
// function on the same goroutine before it exits.
//
// # Errors
//
// [Exec.Acquire] returns context errors only; it never blocks past its
// context's deadline and never spins.
package execctx
