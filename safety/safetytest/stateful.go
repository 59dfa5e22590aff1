package safetytest

import (
	"fmt"
	"strings"

	"github.com/goractor/goractor/extension"
)

// bindUnit binds f (one function, or the steps of a sequence) for the
// suite's own calls, each symbol with the function's declared safety.
func bindUnit(x *extension.Extension, f Function, s extension.Safety) (*unit, error) {
	if len(f.Steps) == 0 {
		st, err := bindRaw(x, f.Name, f.Signature, f.Library, f.Result, s)
		if err != nil {
			return nil, err
		}
		return &unit{steps: []rawStep{st}}, nil
	}
	u := &unit{seq: true}
	for _, step := range f.Steps {
		st, err := bindRaw(x, step.Name, step.Signature, step.Library, step.Result, s)
		if err != nil {
			return nil, err
		}
		u.steps = append(u.steps, st)
	}
	for j, in := range f.Inputs {
		if len(in) != len(f.Steps) {
			return nil, setupErr("sequence %q: input %d has %d argument lists for %d steps", f.Name, j, len(in), len(f.Steps))
		}
		for i, a := range in {
			args, ok := a.([]any)
			if !ok {
				return nil, setupErr("sequence %q: input %d step %d: %T is not an argument list ([]any)", f.Name, j, i, a)
			}
			for _, v := range args {
				switch r := v.(type) {
				case StepResult:
					if int(r) < 0 || int(r) >= i {
						return nil, setupErr("sequence %q: input %d step %d: StepResult(%d) is not an earlier step", f.Name, j, i, r)
					}
				case StepArg:
					if r.Step < 0 || r.Step >= i || r.Arg < 0 || r.Arg >= len(in[r.Step].([]any)) {
						return nil, setupErr("sequence %q: input %d step %d: StepArg%v is not an argument of an earlier step", f.Name, j, i, r)
					}
				}
			}
		}
	}
	return u, nil
}

// hasPointerArgs reports whether inputs use the suite's pointer argument
// values (which only a unit passes).
func hasPointerArgs(inputs [][]any) bool {
	for _, in := range inputs {
		for _, a := range in {
			switch a.(type) {
			case nil, Buffer, Out, PtrTo, StepResult, StepArg:
				return true
			}
		}
	}
	return false
}

// repeats counts the results equal to an earlier one, and returns one.
func repeats(results []string) (n int, example string) {
	seen := make(map[string]bool, len(results))
	for _, r := range results {
		if seen[r] {
			n++
			if example == "" {
				example = r
			}
		}
		seen[r] = true
	}
	return n, example
}

// judgeStateful decides for a function whose results differ between two
// serial runs (drand48, tmpnam), so that results cannot be compared call by
// call. It compares what can be: a result must not change between the return
// and a late re-read of the same pointer (a shared buffer), and parallel
// results must not repeat more than a serial run as long repeats (an
// unlocked generator hands two callers the same state).
func judgeStateful(b *bound, c *testCase, par []string, lateChanged int, lateExample string, cfg config,
	violate func(*bound, *testCase, string, ...any)) {
	serialRep, _ := repeats(b.sample)
	parRep, dup := repeats(par)
	_, dup, _ = strings.Cut(dup, "|")
	switch {
	case lateChanged > 0:
		b.report.Mismatches = lateChanged
		violate(b, c, "declared %v; its results differ between serial runs, and %d of %d results under %d parallel actors changed between the return and a re-read %v later (a shared buffer), e.g. %s",
			b.safety, lateChanged, len(par), cfg.actors, lateDelay, lateExample)
	case parRep > 2+4*serialRep:
		b.report.Mismatches = parRep
		violate(b, c, "declared %v; its results differ between serial runs, and %d of %d results under %d parallel actors repeated an earlier one (%d of %d in a serial run as long): shared unlocked state, e.g. %s returned more than once",
			b.safety, parRep, len(par), cfg.actors, serialRep, len(b.sample), dup)
	case serialRep*10 > len(b.sample):
		b.report.Verdict = VerdictInconclusive
		b.reason = fmt.Sprintf("results differ between two serial runs and repeat within one (%d of %d): neither the sequence nor the distribution can be judged", serialRep, len(b.sample))
	default:
		b.reason = fmt.Sprintf("results differ between two serial runs, so distributions were compared: %d of %d parallel results repeated (%d of %d serially), none changed after the return",
			parRep, len(par), serialRep, len(b.sample))
	}
}
