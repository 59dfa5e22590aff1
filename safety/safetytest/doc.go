// Package safetytest is the conformance suite for goractor extensions, for
// `go test`: it tests an extension's parallel-safety declaration against what
// the native code really does, the way testing/slogtest tests a slog.Handler
// and x/net/nettest tests a net.Conn.
//
// It is a thin adapter: the suite itself (the phases, the rules, the
// judgements, the Subject and Report types) is package
// safety/conformance, which does not import "testing" and is what `goractor
// check` runs. This package runs it and reports through *testing.T. Its types
// are aliases of conformance's, so a Subject or Report is the same value in
// both; see package conformance for what each rule checks and how a
// stateful function is judged.
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
// Run reports each rule of the suite (conformance.Rules) as a subtest that
// names the rule and the line where it is written, failing with that rule's
// violations. [RunInActors] runs an extension's own tests in N actors at
// once (Ruby's RUBY_TESTS_WITH_RACTORS), each with its own testing.TB.
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
// As package conformance: results travel from the calling actors back to the
// main actor through the send gate, as plain data. RunInActors shares t
// between its actors (testing.T's methods are safe for concurrent use).
//
// # Threads
//
// Check, Run, TestExtension and RunInActors start their own actor system
// (actor.Run) and must not be called from inside one. Each calling actor owns
// an OS thread.
//
// # Cleanup
//
// The extension is loaded for the run and closed at its end; every actor has
// stopped when Check, Run, TestExtension or RunInActors returns.
//
// # Errors
//
// Check returns an error only when it cannot run (wrapping [ErrSetup], or the
// extension's load error); what it observed, violations included, is in the
// [Report]. Each violation is a *[Violation]. Run fails the test with
// t.Fatal on a setup error and with t.Error for each violation.
package safetytest
