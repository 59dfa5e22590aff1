package conformance

import (
	"fmt"
	"strings"
	"time"

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

// timed is one result of a stateful function and when it returned (since
// the phase began).
type timed struct {
	V string
	T int64 // nanoseconds
}

// closeWindow: two callers racing on an unlocked generator get the same
// result at the same moment, while a chance repeat (the birthday bound: a
// 31-bit generator repeats about n²/2³² of n results) falls anywhere in the
// run; counting only repeats this close together keeps the chance ones out.
const closeWindow = time.Millisecond

// repeats counts the results equal to an earlier one (all), and those
// returned within closeWindow of an equal one (close), with an example.
func repeats(results []timed) (all, close int, example string) {
	last := make(map[string]int64, len(results))
	for _, r := range results {
		if t, seen := last[r.V]; seen {
			all++
			if d := r.T - t; d < int64(closeWindow) && d > -int64(closeWindow) {
				close++
				if example == "" {
					_, example, _ = strings.Cut(r.V, "|")
				}
			}
		}
		last[r.V] = r.T
	}
	return all, close, example
}

// judgeStateful decides for a function whose results differ between two
// serial runs (drand48, tmpnam), so that results cannot be compared call by
// call. It compares what can be: a result must not change between the return
// and a late re-read of the same pointer (a shared buffer), and parallel
// results must not repeat one returned a moment before more than a serial
// run as long does (an unlocked generator hands two callers the same state).
func judgeStateful(b *bound, c *testCase, par []timed, lateChanged int, lateExample string, cfg config,
	violate func(*bound, *testCase, string, ...any)) {
	serialAll, serialClose, _ := repeats(b.sample)
	_, parClose, dup := repeats(par)
	switch {
	case lateChanged > 0:
		b.report.Mismatches = lateChanged
		violate(b, c, "declared %v; its results differ between serial runs, and %d of %d results under %d parallel actors changed between the return and a re-read %v later (a shared buffer), e.g. %s",
			b.safety, lateChanged, len(par), cfg.actors, lateDelay, lateExample)
	case serialAll*10 > len(b.sample):
		b.report.Verdict = VerdictInconclusive
		b.reason = fmt.Sprintf("results differ between two serial runs and repeat within one (%d of %d): neither the sequence nor the distribution can be judged", serialAll, len(b.sample))
	case parClose > 3+4*serialClose:
		b.report.Mismatches = parClose
		violate(b, c, "declared %v; its results differ between serial runs, and %d of %d results under %d parallel actors repeated one returned less than %v before (%d of %d in a serial run as long): shared unlocked state, e.g. %s returned more than once",
			b.safety, parClose, len(par), cfg.actors, closeWindow, serialClose, len(b.sample), dup)
	default:
		b.reason = fmt.Sprintf("results differ between two serial runs, so distributions were compared: %d of %d parallel results repeated one returned less than %v before (%d of %d serially), none changed after the return",
			parClose, len(par), closeWindow, serialClose, len(b.sample))
	}
	if b.fallback != "" && b.reason != "" {
		b.reason += " (" + b.fallback + ")"
	}
}
