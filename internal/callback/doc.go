// Package callback is the machinery behind C function pointers that call Go
// handlers owned by actors: a fixed pool of purego trampolines, a handle table
// with generation counters, and the dispatch rules that run a handler inside
// its owning actor without crashing, losing a call or deadlocking. Package ffi
// wraps it; nothing else should import it.
//
// # Modes
//
// A callback has an owner, an *execctx.Exec (execctx.Current() when it is
// created, or the Owner option; nil means unowned).
//
//   - Synchronous (the default): C calls it on the owner's own thread during
//     the owner's native call. It runs inline on the owner's goroutine (a
//     cgocallback reuses the goroutine that made the C call), nested up to
//     MaxDepth. Any other caller gets the exceptional value, and the owner's
//     Fail hook gets an error wrapping safety.ErrWrongThread.
//   - Thread-safe (ThreadSafe option): any thread, any time until Close. The
//     calling thread takes the owner's execution token (execctx.Exec.Acquire),
//     runs the handler, and gives it back, so the handler never runs at the
//     same time as the actor's other work. The owner lends its token while it
//     waits inside a native call, which is why a C function called by actor A
//     can start a pthread that calls back into A and wait for the answer. If
//     the token is not free within the timeout (DefaultTimeout, or Timeout),
//     the handler does not run, C gets the exceptional value and Fail gets
//     a timeout error (Errors.Timeout, wrapping ErrTokenTimeout) for that
//     call: one per call.
//   - Unowned (Owner(nil), or created outside any actor): the handler runs
//     directly on whichever thread calls it; it must be safe for that.
//
// # Forms
//
// The pointer form ([Callback.Ptr]) gives each live callback its own
// trampoline out of at most MaxSlots. After Close the pointer returns the
// exceptional value until its trampoline is reused (freed trampolines are
// reused oldest first, behind a quarantine). The handle form (UserData
// option) shares one trampoline per register among all its callbacks: C
// passes the [Handle] back as an argument, and a stale Handle is detected by
// its generation and routed to nobody, even after its slot is reused.
//
// # Isolation
//
// A thread-safe handler runs under its owner's execution token, so it may
// touch the actor's state like a message handler does; the race detector sees
// the token's synchronization. Inside a handler running on a foreign thread,
// execctx.Current() is nil: the handler runs on behalf of the owner, not on
// its goroutine.
//
// # Threads
//
// The package locks no threads. The only goroutine it starts is the one
// that releases a callback closed from another goroutine while the owner's
// token was busy: it waits for the token, releases, and ends (see "Calls in
// flight"). Foreign threads enter Go through crosscall2, like cgo's and
// purego's callbacks. At start-up the package makes the runtime keep a
// foreign thread's Go M bound between callbacks (see Primed): with
// CGO_ENABLED=1 by one call through a cgo //export, with CGO_ENABLED=0 on
// linux/amd64 by creating the runtime's pthread key itself
// (prime_fakecgo.go; GORACTOR_NOPRIME=1 disables it).
// Unprimed, each foreign-thread callback borrows and returns a Go M (9
// system calls; docs/callbacks.md, "Cost"). A bound M is given back when its
// thread exits.
//
// Capture collects the failures of callbacks that C calls on the calling
// goroutine's thread; package ffi uses it for offloaded calls.
//
// # Cleanup
//
// Close frees a callback; calls in flight finish first, and the trampoline
// and handle are recycled after the last of them returns. CloseOwned closes
// every callback of an actor; package actor calls it when the actor stops.
// Ref'ed callbacks (thread-safe ones by default) keep their owner alive:
// package actor waits on Idle before letting an actor end by itself.
//
// # Calls in flight
//
// An owned callback keeps no per-call in-flight count (two locked
// instructions a call); its owner's execution token does the job:
//
//   - Every handler of an owned callback runs under the owner's token (the
//     owner's goroutine holds it, an inline call takes back a lent one, a
//     foreign call acquires it), and checks the closed bit under it: a
//     call that waited for the token while Close ran gets the exceptional
//     value. The call's counters (fired, then delivered) are written there
//     too, by the token's holder only.
//   - Close sets the closed bit and unbinds the trampoline and the handle
//     at once (new calls get the exceptional value without the token). It
//     releases them (trampoline and handle back to their queues,
//     ReleaseLend, the owner's counters retired when it was the last)
//     under the token only: at once when Close runs on the token's holder
//     outside any handler (the owner's goroutine outside a native call) or
//     the token is free (TryAcquire); by the outermost handler running
//     under the token when Close is called inside a handler (the handler
//     still runs and counts); otherwise by a goroutine that waits for the
//     token and releases everything pending (a Close from another goroutine
//     never waits for the owner, which may be waiting for it). CloseOwned,
//     called by a stopping actor without its token, does the same.
//   - So no handler of the owner runs while a release happens: a running
//     handler finishes before its callback's resources are recycled, the
//     owner's lending (RetainLend) outlives every guest handler, and the
//     counters are retired after their last write. When Close runs on the
//     token's holder (or finds the token free), no handler of the
//     callback starts after it returns; a Close from elsewhere does not
//     wait for a handler that passed the check just before it.
//   - Between the trampoline and the token a call holds the *Callback it
//     looked up, not the slot: once the slot is recycled the call still
//     sees its callback closed. The Handle form checks the generation, so
//     a stale Handle reaches nobody. On amd64 a pointer-form call reads its
//     slot's binding first thing in the trampoline (tramp1), before
//     cgocallback, which may wait for a P: the call belongs to the callback
//     bound at that instant, however late it reaches Go. Only a call whose
//     C caller loaded the pointer before Close and jumped after the
//     trampoline went through the reuse queue (slotQuarantine other slots
//     first) reaches the new callback, as a stale pointer does. Elsewhere
//     (purego trampolines) the slot is read when the call reaches Go.
//
// An unowned callback has no token: it keeps the in-flight count in its
// state word, and the last call out releases it.
//
// TestCloseDuringCallStorm checks all of it: C threads calling while the
// owner, the handlers themselves and other goroutines close callbacks and
// create new ones in the same trampolines and handle entries.
//
// # Errors
//
// The error types are package ffi's (ffi.CallbackPanicError and its
// siblings), built through the constructors ffi installs in Errors. New
// refuses what C cannot call before purego ever sees it: a signature error
// naming the parameter (Errors.Signature), wrapping ErrUnsupported. A
// handler's panic is recovered at the trampoline and never unwinds through C
// frames: C gets the exceptional value and the owner's execctx.Hooks.Fail
// gets a panic error (Errors.Panic). A handler's runtime.Goexit (t.Fatal) is
// stopped at the trampoline the same way and becomes a Goexit error
// (Errors.Goexit) wrapping ErrGoexit (see goexit.go for how, and where it
// cannot be). Every call that returns the exceptional value is counted
// (ReadStats); Fired == Delivered + Exceptional() when no call is in flight.
// A call that reaches its owner's execution token is counted by the token's
// holder in the owner's own counters (one writer, no locked instruction on
// amd64); ReadStats sums them with the global atomic counters of the rest.
package callback
