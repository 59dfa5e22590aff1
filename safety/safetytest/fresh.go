package safetytest

import (
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/goractor/goractor/actor"
)

// FreshRunner draws calls results of the subject's function in a fresh
// process (one that has not called it yet), serially or from parallel
// actors, as Draw does, and returns them in any order. It is how a stateful
// function is judged exactly: see WithFreshProcess.
type FreshRunner func(function string, parallel bool, calls int) ([]string, error)

// WithFreshProcess gives Check a way to run Draw in fresh processes (the
// test binary or the goractor binary re-executing itself). A function whose
// results differ between serial runs (drand48, lrand48, random) starts, in a
// fresh process, from the same state every time: two serial draws there
// must agree, and then a parallel draw of as many calls must return exactly
// the same results, each once, if the function's state is locked. One
// duplicate, or one result the serial draw never returned, is a lost or torn
// update of unlocked state: a violation, with no threshold and no false
// positive. Without it, or when the two serial draws disagree (tmpnam's
// names depend on the process), such a function is judged by the
// distribution of its results in this process; the reason says which.
func WithFreshProcess(run FreshRunner) Option {
	return optionFunc(func(c *config) { c.fresh = run })
}

// DefaultFreshCalls is how many calls each fresh-process draw makes: enough
// that actors calling an unlocked generator overlap in every run, also with
// both cores of a 2-vCPU machine busy (docs/extensions.md has the rates).
const DefaultFreshCalls = 100000

// FreshMinTime is how long, at least, the actors of a parallel draw go on
// calling: on a machine busy with other work their threads run at the same
// moment only now and then, and one overlap is enough.
const FreshMinTime = 2 * time.Second

// Draw calls the subject's function named function calls times, from the
// main actor one after another; or, when parallel, split across the actors
// (WithActors) released together, each going on for FreshMinTime at least
// (so a parallel draw may return more than calls results). It returns the results as
// "input|outcome" strings, in no particular order. Call it first thing in a
// fresh process, for a FreshRunner: nothing else may touch the function's
// state before it.
func Draw(s Subject, function string, parallel bool, calls int, opts ...Option) ([]string, error) {
	cfg := newConfig(opts)
	var f *Function
	for i := range s.Functions {
		if s.Functions[i].Name == function {
			f = &s.Functions[i]
		}
	}
	if f == nil {
		return nil, setupErr("no function %q in the subject", function)
	}
	var out []string
	var drawErr error
	runErr := actor.Run(func(cx *actor.Context) error {
		x, err := openSubject(s, s.LoadOptions)
		if err != nil {
			drawErr = err
			return nil
		}
		defer x.Close()
		b, err := newBound(x, x.Declaration(), *f)
		if err != nil {
			drawErr = err
			return nil
		}
		kp := &keeper{}
		defer runtime.KeepAlive(kp)
		draw := func(first, step int, until time.Time) []outcome {
			got := make([]outcome, 0, calls/step+1)
			for c := first; c < calls || (c/step)%256 != 0 || time.Now().Before(until); c += step {
				o, _ := b.invoke(c%len(b.fn.Inputs), kp)
				got = append(got, o)
			}
			return got
		}
		format := func(first, step int, got []outcome) {
			for i, o := range got {
				out = append(out, fmt.Sprintf("%d|%s", (first+i*step)%len(b.fn.Inputs), o))
			}
		}
		if !parallel {
			format(0, 1, draw(0, 1, time.Time{}))
			return nil
		}
		until := time.Now().Add(FreshMinTime)
		results, err := inActors(cx, cfg, cfg.actors, func(a int) []actorResult {
			return []actorResult{{draw: draw(a, cfg.actors, until)}}
		})
		if err != nil {
			drawErr = err
			return nil
		}
		for a, res := range results {
			format(a, cfg.actors, res[0].draw)
		}
		return nil
	}, actor.WithShutdownTimeout(10*time.Second))
	if drawErr != nil {
		return nil, drawErr
	}
	return out, runErr
}

// judgeFresh judges a stateful function b by draws in fresh processes and
// reports whether it could; when it could not, b.fallback says why.
func judgeFresh(b *bound, c *testCase, cfg config, violate func(*bound, *testCase, string, ...any)) bool {
	if all, _, _ := repeats(b.sample); all*10 > len(b.sample) {
		return false // repeats serially (coin): inconclusive, see judgeStateful
	}
	// The parallel draw first: the serial ones make as many calls.
	par, err := cfg.fresh(b.fn.Name, true, DefaultFreshCalls)
	var serial, again []string
	if err == nil {
		serial, err = cfg.fresh(b.fn.Name, false, len(par))
	}
	if err == nil {
		again, err = cfg.fresh(b.fn.Name, false, len(par))
	}
	if err != nil {
		b.fallback = fmt.Sprintf("no fresh-process judgement: %v", err)
		return false
	}
	slices.Sort(serial)
	slices.Sort(again)
	if !slices.Equal(serial, again) {
		b.fallback = "no fresh-process judgement: two serial draws in fresh processes differ"
		return false
	}
	left := make(map[string]int, len(serial))
	for _, v := range serial {
		left[v]++
	}
	var dups, outside int
	var example string
	for _, v := range par {
		n, known := left[v]
		switch {
		case !known:
			outside++
		case n == 0:
			dups++
		default:
			left[v] = n - 1
			continue
		}
		if example == "" {
			example = v
		}
	}
	b.report.Calls = len(par)
	if dups+outside > 0 || len(par) != len(serial) {
		b.report.Mismatches = dups + outside
		violate(b, c, "declared %v; fresh-process judgement: of %d results from %d parallel actors in a fresh process, %d repeated one more often and %d were never returned by %d serial calls in another (shared unlocked state), e.g. %s",
			b.safety, len(par), cfg.actors, dups, outside, len(serial), example)
		return true
	}
	b.reason = fmt.Sprintf("fresh-process judgement: %d results from %d parallel actors in a fresh process were exactly the %d of a serial run in another (twice the same)",
		len(par), cfg.actors, len(serial))
	return true
}
