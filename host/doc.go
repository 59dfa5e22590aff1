// Package host runs native code, and any registered actor kind, in child
// processes of the program — hosts — so that a native crash (SIGSEGV,
// SIGBUS, abort, a kill -9, an exit) ends the host, not the program: the
// Erlang/OTP port, built on package node.
//
// # Hosts
//
// [Start] re-executes the program's own binary as a host (the os/exec
// self-exec pattern; the program calls [Serve] first thing in main, which
// returns at once unless this process is a host) and connects to it as a
// node over 127.0.0.1. [Host.Open] and [Host.Load] open an extension in
// the host; functions bound through it ([Extension.Bind]) are Go funcs that
// look like a local extension's at the cost of a round trip: the same
// parameters (booleans, integers, floats, strings, and []byte, which C may
// fill: the caller's slice gets the bytes back), the same results, a final
// error result or a panic for failures. [Host.Spawn] starts a registered
// actor kind (node.RegisterKind) in the host and returns its *actor.Ref.
//
// # The call gate
//
// A hosted extension keeps its declaration. The calls the local call gate
// refuses (not parallel-safe under Raise, or thread-affine, from an actor
// other than the main one) are refused in the caller's process with the
// same *safety.UnsafeError, before anything is sent. The host runs the
// calls it admits with the guarantees the declaration asks for: a function
// that is not parallel-safe runs one call at a time, a thread-affine one
// always on the same thread (the host's dedicated thread stands for the
// main thread). Parallel-safe calls run on up to [WithWorkers] threads of
// the host at once.
//
// # Crashes
//
// When a host dies, every call in flight on it fails with a [*CrashError]:
// the signal (or exit status), the C symbol and the goractor actor that
// made the call, and the last lines of the host's stderr. The signal comes
// from the wait status, or from the Go runtime's crash report on stderr
// (the runtime turns a fault in native code into "SIGSEGV: segmentation
// violation" and exit status 2). The symbol and actor come from goractor's
// own "goractor: native crash:" line when the report has one, else from the
// labels a host puts on the goroutine making each call, which its crash
// report prints (GODEBUG=tracebacklabels=1 is set for hosts), else from the
// calls that were in flight when all of them name the same function or
// actor (a kill -9 prints nothing). [ParseCrashReport] is the parser. A
// host the node's failure detector declares down while its process lives
// is killed by PID and restarted the same way.
//
// The host's supervisor actor restarts it with the restart intensity
// handler actors use ([WithRestarts]; 10 within 10 s by default): past it,
// the host stays down and calls fail with [ErrGaveUp]. Calls are never
// resent: a call in flight when the host died fails, and may or may not
// have run. A call not yet sent — made while the host restarts — waits for
// the new host and is sent to it (bounded by [WithCallTimeout] when set),
// or fails with ErrGaveUp or ErrClosed if there will be none. No call is
// lost. Extensions are opened again in the new host before its first call.
// Actors spawned in a host die with it (their Refs fail with
// actor.ErrNodeDown); spawn them again after the restart.
//
// # Processes and cleanup
//
// A host never outlives its parent: on Linux it gets SIGKILL when the
// parent dies (PR_SET_PDEATHSIG, also on kill -9), and everywhere it exits
// when its stdin — a pipe from the parent — reaches EOF. [Host.Close]
// stops its supervisor, which closes that pipe, waits up to 5 s for the
// host to exit and then kills it by PID; Run's shutdown does the same to
// every host, as it stops actors. Hosts of one actor system share a node
// the package starts and closes with the system ([WithNode] to use yours).
//
// # Errors
//
// Crashes are *CrashError (errors.Is [ErrCrashed] and actor.ErrNodeDown);
// a closed host gives [ErrClosed], one past its restart intensity
// [ErrGaveUp]; a func type that cannot cross gives [ErrNotHostable].
// Errors raised in the host (ffi.ErrNull, a refused load) arrive as
// *node.Error and keep matching their sentinels with errors.Is.
package host
