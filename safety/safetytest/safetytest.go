package safetytest

import (
	"testing"
	"time"

	"github.com/goractor/goractor/extension"

	"github.com/goractor/goractor/safety/conformance"
)

// The types of the suite are the engine's (package conformance): a
// safetytest value is a conformance value, so a Subject built here can be
// passed to `goractor check`'s engine and back.
type (
	// Function is one function of the extension under test.
	Function = conformance.Function
	// Subject is what the suite tests: an extension and some of its functions.
	Subject = conformance.Subject
	// Option configures Check, Run and TestExtension.
	Option = conformance.Option
	// FreshRunner draws a function's results in a fresh process; see
	// WithFreshProcess.
	FreshRunner = conformance.FreshRunner
	// Verdict is the outcome for one function.
	Verdict = conformance.Verdict
	// FunctionReport is what the suite observed for one function.
	FunctionReport = conformance.FunctionReport
	// Report is the outcome of Check.
	Report = conformance.Report
	// Violation is one broken rule.
	Violation = conformance.Violation
	// Step is one call of a call sequence (Function.Steps).
	Step = conformance.Step
	// StepResult passes the result of an earlier step of the same sequence.
	StepResult = conformance.StepResult
	// StepArg passes the same pointer an earlier step was given.
	StepArg = conformance.StepArg
	// Layout describes memory a pointer points to.
	Layout = conformance.Layout
	// Field is one field of a Layout.
	Field = conformance.Field
	// Buffer passes a pointer to this many zeroed bytes, not compared.
	Buffer = conformance.Buffer
	// Out passes a pointer to zeroed memory of the layout (an
	// out-parameter), whose content after the call is compared.
	Out = conformance.Out
	// PtrTo passes a pointer to a copy of the scalar Value.
	PtrTo = conformance.PtrTo
)

// The verdicts a FunctionReport carries.
const (
	VerdictOK           = conformance.VerdictOK
	VerdictViolation    = conformance.VerdictViolation
	VerdictInconclusive = conformance.VerdictInconclusive
)

// Defaults of the engine, as conformance states them.
const (
	// DefaultCalls is how many times each actor calls each function in the
	// parallel phase unless WithCalls says otherwise.
	DefaultCalls = conformance.DefaultCalls
	// DefaultFreshCalls is how many calls each fresh-process draw makes.
	DefaultFreshCalls = conformance.DefaultFreshCalls
	// FreshMinTime is how long, at least, a parallel draw lasts.
	FreshMinTime = conformance.FreshMinTime
	// FreshActors is how many actors, at least, make a parallel draw's calls.
	FreshActors = conformance.FreshActors
)

// ErrSetup is wrapped by errors Check returns when it cannot run at all; it
// is conformance.ErrSetup.
var ErrSetup = conformance.ErrSetup

// Check runs the suite against s and returns what it observed; it is
// conformance.Check.
func Check(s Subject, opts ...Option) (*Report, error) { return conformance.Check(s, opts...) }

// Draw draws a function's results for a FreshRunner; it is conformance.Draw.
func Draw(s Subject, function string, parallel bool, calls int, opts ...Option) ([]string, error) {
	return conformance.Draw(s, function, parallel, calls, opts...)
}

// FromManifest builds a Subject from an extension.Manifest, as goractor
// check does; it is conformance.FromManifest.
func FromManifest(m *extension.Manifest) Subject { return conformance.FromManifest(m) }

// WithActors sets how many actors call parallel-safe functions at once; it
// is conformance.WithActors.
func WithActors(n int) Option { return conformance.WithActors(n) }

// WithCalls sets how many times each actor calls each function in the
// parallel phase; it is conformance.WithCalls.
func WithCalls(m int) Option { return conformance.WithCalls(m) }

// WithTimeout bounds each phase; it is conformance.WithTimeout.
func WithTimeout(d time.Duration) Option { return conformance.WithTimeout(d) }

// WithFreshProcess gives Check a way to run Draw in fresh processes; it is
// conformance.WithFreshProcess.
func WithFreshProcess(run FreshRunner) Option { return conformance.WithFreshProcess(run) }

// TestExtension runs the suite against s and returns every violation joined
// with errors.Join (each a *Violation), or a setup error, or nil.
func TestExtension(s Subject, opts ...Option) error {
	rep, err := conformance.Check(s, opts...)
	if err != nil {
		return err
	}
	return rep.Err()
}

// Run runs the suite against s, each rule as a subtest of t that fails with
// the violations of that rule. A setup failure (the extension does not load)
// fails t with t.Fatal.
func Run(t *testing.T, s Subject, opts ...Option) {
	t.Helper()
	rep, err := conformance.Check(s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range conformance.Rules() {
		t.Run(r.Name, func(t *testing.T) {
			t.Logf("rule: %s (%s)", r.Text, r.Source)
			for _, v := range rep.Violations {
				if v.Case == r.Name {
					t.Error(v)
				}
			}
		})
	}
	for _, f := range rep.Functions {
		t.Logf("%s: declared %v, %d calls, %d mismatches, %d refused, verdict %v", f.Name, f.Declared, f.Calls, f.Mismatches, f.Refused, f.Verdict)
	}
	for _, v := range rep.Violations {
		if v.Case == "System" {
			t.Error(v)
		}
	}
}
