package safetytest_test

import (
	"strings"
	"testing"

	"github.com/goractor/goractor/safety/safetytest"
)

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

// random (MT-Safe: locked) is ok by the fresh-process judgement, also under
// -race: its parallel draw returns exactly its serial draw's results.
func TestLockedGeneratorFresh(t *testing.T) {
	rep, err := safetytest.Check(libcSubject([]safetytest.Function{
		{Name: "random", Signature: "func() int64", Inputs: [][]any{{}}},
	}), safetytest.WithCalls(20), safetytest.WithFreshProcess(selfExec(map[string]string{"random": "func() int64"})))
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Functions[0]; r.Verdict != safetytest.VerdictOK || !strings.Contains(r.Reason, "fresh-process judgement") {
		t.Errorf("random = %+v; want ok by the fresh-process judgement", r)
	}
}
