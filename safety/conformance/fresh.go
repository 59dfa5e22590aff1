package conformance

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/goractor/goractor/actor"
)

// FreshRunner draws calls results of the subject's function in a fresh
// process (one that has not called it yet), serially or from parallel
// actors, as Draw does, and returns them in any order. It is how a stateful
// function is judged exactly: see WithFreshProcess. Check calls it from two
// goroutines at once (the two serial draws), so it must be safe for
// concurrent use (a runner that starts a process per call is).
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

// DefaultFreshCalls is how many calls each fresh-process draw makes. It is
// small on purpose: what makes two calls of an unlocked generator overlap is
// not their number but actors calling at the same instant on different
// CPUs, which Draw arranges (see Draw); the results also travel between
// processes.
const DefaultFreshCalls = 100000

// FreshMinTime is how long, at least, a parallel draw lasts: its calls are
// spread over it in bursts, so that a machine busy with other work gets
// many moments at which the actors' threads run together.
const FreshMinTime = 2 * time.Second

// FreshActors is how many actors, at least, make a parallel draw's calls.
const FreshActors = 32

// freshRounds is how many bursts a parallel draw's calls are made in.
const freshRounds = 16

// Draw calls the subject's function named function calls times, from the
// main actor one after another; or, when parallel, split across
// max(FreshActors, WithActors) actors released together. It returns the
// results as "input|outcome" strings, in no particular order. Call it first
// thing in a fresh process, for a FreshRunner: nothing else may touch the
// function's state before it.
//
// A parallel draw is built so that the actors' calls overlap even on a
// loaded machine, and changes the process for its duration: GOMAXPROCS is
// raised to the number of actors (each actor's thread holds a P, so any two
// the kernel runs at once call at once); on Linux, actor i's thread is
// pinned to the i-th CPU the process may use (under load the kernel was seen
// keeping all 32 actors of a draw on one CPU of two for the whole draw);
// and the calls are made in 16 bursts spread over FreshMinTime, each
// starting at the same instant for every actor, so that threads that slept
// wake together and take the CPUs at once. A function of no arguments with
// a scalar result (drand48, lrand48, random) is called through ffi's typed
// scalar path with nothing else between two calls (0.3 µs a call; 4 µs
// under the race detector, where a call through the suite's general path
// costs 150 µs): the race window of an unlocked generator is a few
// instructions, and the shorter the call around it, the likelier two calls
// meet there.
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
		loop, fast, err := scalarLoop(x, b)
		if err != nil {
			drawErr = err
			return nil
		}
		if !fast {
			loop = unitLoop(b, kp)
		}
		if !parallel {
			n, format := loop(0, 1, func(n int) bool { return n < calls })
			for i := range n {
				out = append(out, format(i))
			}
			return nil
		}
		actors := max(cfg.actors, FreshActors)
		// With GOMAXPROCS below the number of actors, a thread the
		// kernel has preempted keeps its P and stops another actor.
		if procs := runtime.GOMAXPROCS(0); procs < actors {
			runtime.GOMAXPROCS(actors)
			defer runtime.GOMAXPROCS(procs)
		}
		share := (calls + actors - 1) / actors
		perRound := max(1, (share+freshRounds-1)/freshRounds)
		interval := FreshMinTime / freshRounds
		start := time.Now()
		more := func(n int) bool {
			if n >= share {
				return false
			}
			if n > 0 && n%perRound == 0 {
				if d := time.Until(start.Add(time.Duration(n/perRound) * interval)); d > 0 {
					time.Sleep(d)
				}
			}
			return true
		}
		// Each actor leaves its results here, in its own slot, to be
		// rendered once every actor is done (a func does not cross the
		// send gate; the actors' replies order these writes before the
		// reads).
		drawn := make([]int, actors)
		formats := make([]func(int) string, actors)
		_, err = inActors(cx, cfg, actors, func(a int) []actorResult {
			defer pinThread(a)()
			drawn[a], formats[a] = loop(a, actors, more)
			return nil
		})
		if err != nil {
			drawErr = err
			return nil
		}
		for a, format := range formats {
			for i := range drawn[a] {
				out = append(out, format(i))
			}
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
		// The two serial draws at once, each in its own process.
		var againErr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			again, againErr = cfg.fresh(b.fn.Name, false, len(par))
		}()
		serial, err = cfg.fresh(b.fn.Name, false, len(par))
		<-done
		err = errors.Join(err, againErr)
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
	actors := max(cfg.actors, FreshActors)
	if dups+outside > 0 || len(par) != len(serial) {
		b.report.Mismatches = dups + outside
		violate(b, c, "declared %v; fresh-process judgement: of %d results from %d parallel actors in a fresh process, %d repeated one more often and %d were never returned by %d serial calls in another (shared unlocked state), e.g. %s",
			b.safety, len(par), actors, dups, outside, len(serial), example)
		return true
	}
	b.reason = fmt.Sprintf("fresh-process judgement: %d results from %d parallel actors in a fresh process were exactly the %d of a serial run in another (twice the same)",
		len(par), actors, len(serial))
	return true
}
