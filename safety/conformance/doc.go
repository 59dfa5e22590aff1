// Package conformance is the engine of goractor's conformance suite: it
// tests an extension's parallel-safety declaration against what the native
// code really does. `goractor check` runs it on a manifest; package
// safety/safetytest is its adapter for `go test` (the way testing/slogtest
// tests a slog.Handler), and is the package extension authors use.
//
// This package does not import "testing", so a binary that runs the suite
// (the goractor command) does not link the testing package. It returns what
// it observed as a [Report]; reporting it is the caller's business:
//
//	rep, err := conformance.Check(conformance.Subject{
//		Extension: "libm",
//		Functions: []conformance.Function{
//			{Name: "cos", Signature: "func(float64) float64", Inputs: [][]any{{0.0}, {1.0}}},
//		},
//	})
//	if err != nil {
//		return err // the suite could not run (ErrSetup, or a load error)
//	}
//	for _, v := range rep.Violations {
//		fmt.Println(v)
//	}
//
// Check runs in phases, each a function of its own: bind (open the extension,
// bind every function), serial (a warm-up round, then the serial reference
// twice on the main actor), parallel (N actors at once, judged against the
// reference), the main actor's thread affinity, and refusals (one non-main
// actor calls each function the gate must refuse). [Rules] lists the rules
// the phases check, each with the line where it is written.
//
// The suite starts an actor system and checks these rules:
//
//   - functions declared parallel-safe, called concurrently from N actors on N
//     threads (N ≥ 2×GOMAXPROCS), return what they return in a serial run with
//     the same inputs. This catches static buffers and shared native state
//     that the Go race detector cannot see, since it does not instrument C;
//   - functions that are not parallel-safe fail with *safety.UnsafeError from
//     non-main actors, never running, and work from the main actor;
//   - the OnMain and Serialize policies behave as declared;
//   - thread-affine functions always run on one thread.
//
// Every function first runs once with each input (a warm-up round, so lazy
// initialisation is done before the reference), then twice serially; the two
// serial runs must agree to be a reference. A function whose serial results
// differ (drand48, tmpnam, random) is stateful: it is a violation when a
// returned pointer's content changes between the return and a late re-read;
// otherwise, given [WithFreshProcess], it is judged exactly by [Draw]s in
// fresh processes (a parallel draw must return a serial draw's results, each
// once), and else by distribution (a violation when its parallel results
// repeat more than a serial run as long does; inconclusive when its serial
// results also repeat). The reason names the judgement used.
//
// For a function declared parallel-safe with no gate around it, every
// pointer result (a string, or a [Layout] given in Function.Result) is read
// at once and again 20µs after the call: a static buffer (l64a, asctime,
// gmtime) has been overwritten by another actor by then, so such a function
// fails every run. A thread-local buffer is not overwritten and passes.
// Arguments may be NULL (nil), fresh copies, [Buffer], [Out], [PtrTo]; a
// function may be a call sequence ([Step], with [StepResult] and [StepArg])
// run as one unit per actor (strtok then strtok(NULL, …)). [FromManifest]
// builds a Subject from an extension.Manifest, as goractor check does.
//
// The suite has no false positives and possible false negatives: a race that
// does not happen during the run is not seen; run it repeatedly (goractor
// check --count, or safetytest under go test -race -count=5) with a generous
// [WithCalls].
//
// # Isolation
//
// Results travel from the calling actors back to the main actor through the
// send gate (package shareable), as plain data. Inputs are shared read-only.
//
// # Threads
//
// Check and Draw start their own actor system (actor.Run) and
// must not be called from inside one. Each calling actor owns an OS thread.
//
// # Cleanup
//
// The extension is loaded for the run and closed at its end; every actor has
// stopped when Check returns.
//
// # Errors
//
// Check returns an error only when it cannot run (wrapping [ErrSetup], or the
// extension's load error); what it observed, violations included, is in the
// [Report]. Each violation is a *[Violation].
package conformance
