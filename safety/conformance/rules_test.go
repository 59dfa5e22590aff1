package conformance_test

import (
	"strings"
	"testing"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/safety/conformance"
)

// Every rule has a name, a statement and the line in rules.go where it is
// written, and the names are the ones violations carry.
func TestRulesNamedAndSourced(t *testing.T) {
	want := []string{"ParallelCalls", "UnsafeRefusedOffMain", "MainActorAllowed", "PolicyAsDeclared", "ThreadAffinity"}
	rules := conformance.Rules()
	if len(rules) != len(want) {
		t.Fatalf("Rules() has %d rules; want %d", len(rules), len(want))
	}
	for i, r := range rules {
		if r.Name != want[i] {
			t.Errorf("rule %d is %q; want %q", i, r.Name, want[i])
		}
		if r.Text == "" || !strings.HasPrefix(r.Source, "rules.go:") {
			t.Errorf("rule %s: text %q, source %q; want a statement and a line of rules.go", r.Name, r.Text, r.Source)
		}
	}
}

// Each phase reports what it is for: the serial phase's reference, the
// parallel phase's calls from every actor, and the refusal phase's refused
// calls from a non-main actor, in one Check of libc's sample.
func TestCheckPhasesReport(t *testing.T) {
	subj := libcSubject([]conformance.Function{
		{Name: "abs", Signature: "func(int32) int32", Inputs: [][]any{{-3}, {4}}},
		{Name: "l64a", Signature: "func(int64) string", Inputs: [][]any{{1}, {64}}},
	})
	subj.Declaration.Functions = map[string]extension.Safety{"l64a": extension.NotParallelSafe}
	rep, err := conformance.Check(subj, conformance.WithCalls(8), conformance.WithActors(4))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Violations) != 0 {
		t.Fatalf("violations: %v", rep.Err())
	}
	got := map[string]conformance.FunctionReport{}
	for _, f := range rep.Functions {
		got[f.Name] = f
	}
	if f := got["abs"]; f.Verdict != conformance.VerdictOK || f.Calls != rep.Actors*8 || f.Refused != 0 {
		t.Errorf("abs = %+v; want ok, %d calls from the parallel phase, none refused", f, rep.Actors*8)
	}
	if f := got["l64a"]; f.Verdict != conformance.VerdictOK || f.Calls != 2 || f.Refused != 2 {
		t.Errorf("l64a = %+v; want ok, its 2 inputs called once each from a non-main actor and refused", f)
	}
}
