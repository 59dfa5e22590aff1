// Package actor runs Ractor-style actors, each on an OS thread of its own,
// with the isolation rules Ruby enforces for Ractors made real in Go: every
// value that crosses from one actor to another goes through the send gate that
// shares it, copies it, or refuses it.
//
// A program calls [Run] from main(); Run starts an actor system and runs the
// given function as the main actor. Actors come in two styles:
//
//   - body actors ([Context.Spawn], Ruby's Ractor.new): a function that
//     receives messages when it wants ([Context.Receive]) and returns a
//     result that one caller takes with [Ref.Value];
//   - message-handler actors ([Context.SpawnHandler], protoactor-go's
//     style): a [Handler] called once per message, answering requests
//     ([Ref.Request], [HandlerContext.Respond]) and supervised: a failure
//     restarts it with fresh state, up to a restart intensity.
//
// Ports ([Context.NewPort], Ruby 4.0's Ractor::Port) are extra inboxes: only
// their creator receives, anyone may send. [Select] waits on several ports
// and actors at once.
//
// The substrate is github.com/asynkron/protoactor-go (PIDs, mailbox
// protocol, supervision); its types stay out of this API except for the
// escape hatch [Ref.Proto].
//
// # Isolation
//
// An actor's state is its own: no other actor can reach it, because nothing
// mutable is ever shared. Ruby checks this in its VM; Go cannot, so the rule
// is enforced where values cross: a send ([Ref.Send], [Port.Send]), a
// request and its reply, spawn arguments ([WithArgs]) and an actor's result.
//
// Isolation is not a security boundary. Go code can still share memory
// through globals, closures created before Spawn, or unsafe; the send gate only
// sees what crosses through this package.
//
// # Sending values
//
// The send gate is package shareable:
//
//   - a shareable value (numbers, strings, arrays and structs of shareable
//     parts, channels of shareable elements, frozen values, [Ref], [Port],
//     and types that declare themselves shareable with the
//     ShareableByReference marker method) is passed by reference, without
//     copying or allocating;
//   - plain data (slices, maps, pointers) is deep-copied, keeping aliasing
//     and cycles, so the receiver never sees the sender's later changes and
//     the sender never sees the receiver's;
//   - anything else (funcs, unsafe.Pointer, sync types, OS resources) is
//     refused with a *shareable.IsolationError naming the offending part,
//     and nothing is enqueued.
//
// [Ref.SendMove] hands a value over without copying and zeroes the sender's
// variable, like Ruby's move: true.
//
// # Threads
//
// Each actor owns one OS thread for its whole life: its goroutine calls
// runtime.LockOSThread and never unlocks. The runtime documents the
// contract this relies on:
//
//	LockOSThread wires the calling goroutine to its current operating system
//	thread. The calling goroutine will always execute in that thread, and no
//	other goroutine will execute in it, until the calling goroutine has made
//	as many calls to UnlockOSThread as to LockOSThread. If the calling
//	goroutine exits without unlocking the thread, the thread will be
//	terminated.
//
// So every message of an actor runs on the same thread, no two live actors
// share a thread, and when an actor ends its thread ends with it: thread-local
// native state is never inherited by another actor. Handler actors reach
// their thread through a protoactor Dispatcher that runs the mailbox there;
// their producer, Started and every other message run on it too.
//
// The main actor runs on the process's main thread when Run is called from
// main(): this package locks the main goroutine to the main thread in its
// init, as golang.design/x/mainthread does. Called from elsewhere (a test),
// Run gives the main actor a dedicated thread.
//
// An idle actor polls for up to 10µs (adaptively, WithSpin) and then parks
// its thread on a futex (Linux; a channel elsewhere). Because a thread
// parked in that system call, or inside a C call, keeps its P until the
// runtime takes it back, Run raises GOMAXPROCS by one while it runs
// (restored after; not when the GOMAXPROCS environment variable is set or
// the program changed it; WithProcs chooses).
// Each actor has an execution token (internal/execctx): it holds it while
// its code runs and gives it up while it waits, so native callbacks arriving
// on foreign threads can run inside it. While an actor waits (Receive,
// Value, Join, Request, Select, a blocking send), it keeps running closures
// other threads ask to run on its thread, which is how callbacks reach an
// actor blocked on the very thread that triggered them.
//
// [Unpinned] opts a pure-Go actor out of its own thread.
//
// # Failures
//
// A body that returns an error or panics finishes with a [*RemoteError]
// (Actor, Cause); a panic's cause is a [*PanicError] holding the value and
// the stack. A handler that panics is restarted from its producer with fresh
// state; the failing message is reported in a [Failure] (see
// [WithFailureHandler]) and not redelivered; a request being handled gets the
// *RemoteError. Past the restart intensity ([WithRestarts]) the actor stops.
// Panics are recovered only at these boundaries.
//
// # Cleanup
//
// When main returns, Run stops every actor and waits until their threads are
// released. Stopping closes body actors' inboxes (Receive returns
// [ErrClosed]) and their [Context.Done] channel, and delivers Stopping and
// Stopped to handlers. Go code and native calls cannot be interrupted:
// actors still running at the deadline ([WithShutdownTimeout], or the
// context of [System.Stop]) are named in a [*ShutdownError]. Messages left in
// a mailbox become dead letters, counted in [System.Stats].
//
// Native callbacks follow Deno's lifetime rule: an actor whose work is done
// but that owns ref'ed callbacks (thread-safe ones are ref'ed by default)
// lingers, with its inbox closed and its execution token free, so C threads
// can still call into it, until the callbacks are unref'ed or closed, or a
// stop deadline passes ([ShutdownError.Lingering] names those). Before its
// thread ends, every actor closes the callbacks it owns: a later C call gets
// the callback's exceptional value. Run publishes the main actor to the
// layers below (execctx.Main) while it runs.
//
// # Other nodes
//
// A Ref may stand for an actor on another node (package node, built on
// [System.NewRemoteRef]): its methods work as for a local actor, each
// message crossing the node boundary instead of the local send gate, and an
// actor whose node goes away fails pending waits with [ErrNodeDown].
//
// # Errors
//
// Errors wrap sentinels for errors.Is: [ErrClosed], [ErrMailboxFull],
// [ErrValueTaken], [ErrNotOwner], [ErrShutdownTimeout], [ErrNoReply],
// [ErrNotHandler], [ErrStopping], [ErrNodeDown]; refusals by the send gate are
// *shareable.IsolationError (errors.Is shareable.ErrNotShareable); waits that
// would never end wrap safety.ErrWouldDeadlock.
package actor
