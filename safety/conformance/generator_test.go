package conformance_test

import (
	"strings"
	"testing"

	"github.com/goractor/goractor/safety/conformance"
)

// Without a way to a fresh process, a stateful function is judged by its
// distribution in this process, and the reason says so.
func TestStatefulFallback(t *testing.T) {
	rep, err := conformance.Check(libcSubject([]conformance.Function{
		{Name: "random", Signature: "func() int64", Inputs: [][]any{{}}},
	}), conformance.WithCalls(20))
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Functions[0]; r.Verdict != conformance.VerdictOK || !strings.Contains(r.Reason, "distributions were compared") {
		t.Errorf("random = %+v; want ok by the distribution judgement", r)
	}
}

// The unlocked generators lrand48 and drand48 (MT-Unsafe: they share one
// global state) are violations and random (MT-Safe: locked) is ok, judged in
// fresh processes (this test binary re-executed): a parallel draw of an
// unlocked generator returns a result twice or one a serial draw never
// returns; random's returns exactly the serial draw's results. Also under
// -race: its build slows a call from 0.3 µs to 4 µs, and the parallel draw
// (32 actors pinned to the CPUs, bursts started together, the typed scalar
// path) still makes calls meet in the race window — dozens of repeated
// results per draw in our runs on the loaded 2-vCPU VM. Each function gets
// a parallel draw and two serial draws of its own.
func TestUnlockedGeneratorAlone(t *testing.T) {
	sigs := map[string]string{"lrand48": "func() int64", "drand48": "func() float64", "random": "func() int64"}
	rep, err := conformance.Check(libcSubject([]conformance.Function{
		{Name: "lrand48", Signature: sigs["lrand48"], Inputs: [][]any{{}}},
		{Name: "drand48", Signature: sigs["drand48"], Inputs: [][]any{{}}},
		{Name: "random", Signature: sigs["random"], Inputs: [][]any{{}}},
	}), conformance.WithCalls(20), conformance.WithFreshProcess(selfExec(sigs)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Functions {
		want, text := conformance.VerdictViolation, f.Example
		if f.Name == "random" {
			want, text = conformance.VerdictOK, f.Reason
		}
		if f.Verdict != want || !strings.Contains(text, "fresh-process judgement") {
			t.Errorf("%s = %+v; want %v by the fresh-process judgement", f.Name, f, want)
		}
		t.Logf("%s: %v: %s%s", f.Name, f.Verdict, f.Example, f.Reason)
	}
}
