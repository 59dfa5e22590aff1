//go:build !race

package safetytest_test

import (
	"strings"
	"testing"

	"github.com/goractor/goractor/safety/safetytest"
)

// An unlocked generator alone in its subject (no other function touching its
// state) is a violation: lrand48's results differ between serial runs, and
// under parallel calls they repeat far more than serially; random, locked,
// is ok; drand48 the same. The race window is a few instructions, so the suite calls such a
// function for a second per actor; on a busy machine a run may still miss
// it (docs/extensions.md has the measured hit rates), so it gets five.
// Not under -race: the race detector slows each call down about tenfold
// around a window of a few instructions, and two calls then almost never
// overlap (0 repeats in 24 000 calls); the CGO_ENABLED=0 suite runs it.
func TestUnlockedGeneratorAlone(t *testing.T) {
	for _, name := range []string{"lrand48", "drand48"} {
		sig := "func() int64"
		if name == "drand48" {
			sig = "func() float64"
		}
		subj := libcSubject([]safetytest.Function{
			{Name: name, Signature: sig, Inputs: [][]any{{}}},
			{Name: "random", Signature: "func() int64", Inputs: [][]any{{}}},
		})
		var gen, random safetytest.FunctionReport
		for attempt := 1; attempt <= 5; attempt++ {
			rep, err := safetytest.Check(subj, safetytest.WithCalls(50))
			if err != nil {
				t.Fatal(err)
			}
			gen, random = rep.Functions[0], rep.Functions[1]
			if random.Verdict != safetytest.VerdictOK {
				t.Fatalf("random = %+v; want ok (it is locked)", random)
			}
			if gen.Verdict == safetytest.VerdictViolation {
				break
			}
			t.Logf("attempt %d: %s %v: %s", attempt, name, gen.Verdict, gen.Reason)
		}
		if gen.Verdict != safetytest.VerdictViolation || !strings.Contains(gen.Example, "repeated") {
			t.Errorf("%s = %+v; want a violation for repeated results", name, gen)
		}
		t.Logf("%s: %s", name, gen.Example)
		t.Logf("random: %s", random.Reason)
	}
}
