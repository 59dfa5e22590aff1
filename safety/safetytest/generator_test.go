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
// serial draw's results. One duplicate is proof, so this holds under -race
// too. Without a fresh process the distribution judgement is the fallback,
// and the reason says so.
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

// Without a way to a fresh process, a stateful function is judged by its
// distribution in this process, and the reason says so.
func TestStatefulFallback(t *testing.T) {
	rep, err := safetytest.Check(libcSubject([]safetytest.Function{
		{Name: "random", Signature: "func() int64", Inputs: [][]any{{}}},
	}), safetytest.WithCalls(20))
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Functions[0]; r.Verdict != safetytest.VerdictOK || !strings.Contains(r.Reason, "distributions were compared") {
		t.Errorf("random = %+v; want ok by the distribution judgement", r)
	}
}
