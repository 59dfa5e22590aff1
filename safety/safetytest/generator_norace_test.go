//go:build !race

package safetytest_test

import (
	"strings"
	"testing"

	"github.com/goractor/goractor/safety/safetytest"
)

// An unlocked generator alone in its subject (no other function touching its
// state) is a violation, judged in fresh processes (this test binary
// re-executed): a parallel draw of lrand48 or drand48 returns a result twice
// or one a serial draw never returns; random, locked, returns exactly the
// serial draw's results. Not under -race: its instrumentation slows a call
// to about 20 µs around a window of a few nanoseconds, and 100 000 calls
// over two seconds then overlapped in none of our runs on the loaded VM; the
// CGO_ENABLED=0 suite runs it. TestLockedGeneratorFresh runs under -race.
func TestUnlockedGeneratorAlone(t *testing.T) {
	sigs := map[string]string{"lrand48": "func() int64", "drand48": "func() float64", "random": "func() int64"}
	for _, name := range []string{"lrand48", "drand48"} {
		subj := libcSubject([]safetytest.Function{
			{Name: name, Signature: sigs[name], Inputs: [][]any{{}}},
			{Name: "random", Signature: sigs["random"], Inputs: [][]any{{}}},
		})
		rep, err := safetytest.Check(subj, safetytest.WithCalls(20), safetytest.WithFreshProcess(selfExec(sigs)))
		if err != nil {
			t.Fatal(err)
		}
		gen, random := rep.Functions[0], rep.Functions[1]
		if random.Verdict != safetytest.VerdictOK || !strings.Contains(random.Reason, "fresh-process judgement") {
			t.Errorf("random = %+v; want ok by the fresh-process judgement (it is locked)", random)
		}
		if gen.Verdict != safetytest.VerdictViolation || !strings.Contains(gen.Example, "fresh-process judgement") {
			t.Errorf("%s = %+v; want a violation by the fresh-process judgement", name, gen)
		}
		t.Logf("%s: %s", name, gen.Example)
	}
}
