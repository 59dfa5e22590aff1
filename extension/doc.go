// Package extension is the registry of native extensions and the call gate
// that enforces what each extension declares about parallel safety.
//
// An extension is a Go package that wraps a C library. In its init function it
// registers a [Declaration]: its name, the library names to try, whether its
// functions are parallel-safe, what to do when a function that is not is
// called from an actor other than the main one, and which thread its
// functions must run on. This is Ruby's rb_ext_ractor_safe(true) in an Init_
// function, made explicit:
//
//	func init() {
//		extension.MustRegister(extension.Declaration{
//			Name:      "libm",
//			Libraries: []string{"libm.so.6"},
//			Safety:    extension.ParallelSafe,
//		})
//	}
//
// Forgetting to declare never grants parallelism: the zero [Safety] is
// [Undeclared], which behaves like [NotParallelSafe].
//
// # The call gate
//
//	declaration               caller          result
//	parallel-safe             any actor       runs on the caller's thread, ungated
//	not parallel-safe         main actor      runs
//	not parallel-safe         other actor     Raise: *safety.UnsafeError
//	                                          OnMain: forwarded to the main actor and awaited
//	                                          Serialize: runs under the extension's lock
//	MainThread affinity       main actor      runs (the main actor owns the main thread)
//	MainThread affinity       other actor     OnMain: forwarded; otherwise ErrWrongThread
//	DedicatedThread affinity  any             runs on the extension's own OS thread
//
// A goroutine outside every actor is not the main actor: it is treated like
// any other non-main caller. Functions bound through an [Extension] take their
// safety from the declaration at the moment they are bound; a declaration can
// override the extension's default per function ([Declaration.Functions]).
//
// # Isolation
//
// A refused call never enters native code. The gate cannot see what native
// code does: a declaration is the author's promise, which the conformance
// suite in safety/safetytest and `goractor check` test against real behaviour.
//
// # Threads
//
// Gated calls run on the caller's thread, except OnMain forwarding (the main
// actor's thread, through its RunOnThread hook) and DedicatedThread
// extensions (one goroutine locked to its thread, started on the first call
// and retired, still locked, by [Extension.Close]). While a caller waits for
// another thread to run its call it lends its execution token, so a callback
// the call triggers can still enter the caller. The main actor takes an
// OnMain call while it waits in Receive, Value, Join, Select or Request; a
// call it has not taken within the OnMain wait ([WithOnMainWait]) is refused
// with safety.ErrWouldDeadlock and never runs.
//
// # Cost
//
// A function bound with [Extension.Bind] to one of the func types ffi binds
// without reflection (docs/ffi.md) decides its route before it builds
// anything: when the call runs on the caller's thread (the main actor calling
// a main-only or MainThread function, any caller under the Serialize lock) it
// calls C through ffi's ungated path on the caller's stack, without
// allocating. Refusals, forwarded calls and the calls of an extension with a
// trace or metrics take the full gate, which copies the call for the thread
// that runs it. The Serialize lock costs one locked instruction (a
// compare-and-swap) uncontended; on Linux amd64 its release is a plain store
// (an atomic one under the race detector), and a caller that finds it held
// pays a membarrier (a few microseconds, see internal/execctx) before it
// sleeps. `goractor bench` reports goractor.gate.main_direct and
// goractor.gate.serialize against goractor.baseline.gate.ungated.
//
// # Signals
//
// Opening a library runs its constructors, which may install signal handlers.
// Load audits the process's handlers (rt_sigaction, straight from the kernel)
// before and after opening the library; a handler installed without
// SA_ONSTACK crashes Go programs when its signal arrives, so it is reported as
// a *SignalError naming the library, and by [WithSignalPolicy] repaired
// (SA_ONSTACK added) or refused (the load fails and the old handlers are put
// back). The audit is implemented on linux/amd64 and linux/arm64.
//
// # Cleanup
//
// [Extension.Close] stops the dedicated thread of a DedicatedThread
// extension. Registrations last for the life of the process; a test that must
// not touch the default registry registers into its own [NewRegistry].
//
// # Errors
//
// Refused calls return *safety.UnsafeError wrapping safety.ErrNotParallelSafe,
// safety.ErrWrongThread, safety.ErrNoMainActor, or an error wrapping
// safety.ErrWouldDeadlock. Registration errors are *DeclarationError wrapping
// [ErrInvalidDeclaration] or [ErrDuplicate]; signal-audit findings are
// *SignalError wrapping [ErrSignalNoOnStack].
package extension
