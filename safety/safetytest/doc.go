// Package safetytest is the conformance suite for goractor extensions: it
// tests an extension's parallel-safety declaration against what the native
// code really does, the way testing/slogtest tests a slog.Handler and
// x/net/nettest tests a net.Conn.
//
// An extension author lists some functions with inputs and calls [Run] from a
// test (or [TestExtension], which returns the violations joined, or [Check],
// which returns a [Report]):
//
//	func TestConformance(t *testing.T) {
//		safetytest.Run(t, safetytest.Subject{
//			Extension: "libm",
//			Functions: []safetytest.Function{
//				{Name: "cos", Signature: "func(float64) float64", Inputs: [][]any{{0.0}, {1.0}}},
//			},
//		})
//	}
//
// The suite starts an actor system and checks, each rule as a subtest that
// names the rule and the line where it is written:
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
// differ (drand48, tmpnam, random) is judged by distribution: it is a
// violation when its parallel results repeat more than a serial run as long
// does, or when a returned pointer's content changes between the return and
// a late re-read; it is inconclusive only when its serial results also
// repeat. [RunInActors] runs an extension's own tests in N actors at once
// (Ruby's RUBY_TESTS_WITH_RACTORS).
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
// does not happen during the run is not seen. Run it under the race detector,
// with -count greater than one and a generous [WithCalls], so that both Go
// and native races get their chance:
//
//	go test -race -count=5 -run Conformance ./myext
//
// # Isolation
//
// Results travel from the calling actors back to the main actor through the
// isolation gate, as plain data. Inputs are shared read-only.
//
// # Threads
//
// Check, Run and TestExtension start their own actor system (actor.Run) and
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
package safetytest
