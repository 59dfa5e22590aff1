package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/internal/selfexec"
	"github.com/goractor/goractor/safety/conformance"
)

func init() {
	registerCommand(command{
		name:    "check",
		summary: "test a library's parallel-safety declarations from a manifest (exit 0 ok, 1 violation or crash, 2 bad manifest or load error)",
		run:     runCheck,
	})
}

// Exit statuses of goractor check.
const (
	exitOK        = 0 // every declaration held
	exitViolation = 1 // a declaration did not hold under parallel calls, or a function crashed (--isolate)
	exitBad       = 2 // bad usage, bad manifest, or a library/symbol that cannot load
)

// checkJSON is the --json document. Its fields are stable; see
// docs/extensions.md for the schema.
type checkJSON struct {
	Extension string          `json:"extension"`
	Actors    int             `json:"actors"`
	Calls     int             `json:"calls"`
	Count     int             `json:"count"`
	Isolate   bool            `json:"isolate"`
	OK        bool            `json:"ok"`
	Functions []checkFuncJSON `json:"functions"`
}

type checkFuncJSON struct {
	Name                 string  `json:"name"`
	Verdict              string  `json:"verdict"` // ok, violation, inconclusive or crashed
	Calls                int     `json:"calls"`
	Mismatches           int     `json:"mismatches"`
	Reason               string  `json:"reason"`
	DeclaredParallelSafe bool    `json:"declared_parallel_safe"`
	Declared             string  `json:"declared"`
	Refused              int     `json:"refused"`
	Example              string  `json:"example,omitempty"`
	Runs                 int     `json:"runs"`
	ViolationRuns        int     `json:"violation_runs"` // runs whose verdict was violation or crashed
	HitRate              float64 `json:"hit_rate"`       // violation_runs / runs
}

// Verdicts from most to least severe: a function's verdict over several runs
// is the most severe one seen.
var severity = map[string]int{"crashed": 4, "violation": 3, "inconclusive": 2, "ok": 1}

// add merges one run's result for the same function into a.
func (a *checkFuncJSON) add(r checkFuncJSON) {
	if a.Runs == 0 {
		*a = r
		a.Runs, a.ViolationRuns = 0, 0 // an isolated child's document counts its own run
	} else {
		a.Calls += r.Calls
		a.Mismatches += r.Mismatches
		a.Refused += r.Refused
		if severity[r.Verdict] > severity[a.Verdict] {
			a.Verdict, a.Reason, a.Example = r.Verdict, r.Reason, r.Example
		}
	}
	a.Runs++
	if r.Verdict == "violation" || r.Verdict == "crashed" {
		a.ViolationRuns++
	}
	a.HitRate = float64(a.ViolationRuns) / float64(a.Runs)
}

func funcJSON(fr conformance.FunctionReport) checkFuncJSON {
	return checkFuncJSON{
		Name: fr.Name, DeclaredParallelSafe: fr.Declared.IsParallelSafe(), Declared: fr.Declared.String(),
		Verdict: fr.Verdict.String(), Calls: fr.Calls, Mismatches: fr.Mismatches, Refused: fr.Refused,
		Example: fr.Example, Reason: fr.Reason,
	}
}

type checkFlags struct {
	actors, calls, count int
	isolate, asJSON      bool
	function             string
	timeout              time.Duration
	draw                 string
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf checkFlags
	fs.IntVar(&cf.actors, "actors", 0, "actors calling at once (default and minimum 2×GOMAXPROCS, at least 4)")
	fs.IntVar(&cf.calls, "calls", conformance.DefaultCalls, "calls per actor per function")
	fs.IntVar(&cf.count, "count", 1, "repeat the run N times and report per-function hit rates")
	fs.BoolVar(&cf.isolate, "isolate", false, "check each function in its own child process, so a crash is a verdict")
	fs.DurationVar(&cf.timeout, "timeout", 5*time.Minute, "with --isolate: the longest one function's child may run; also bounds each fresh-process draw")
	fs.StringVar(&cf.function, "function", "", "check only the manifest entry with this name")
	fs.BoolVar(&cf.asJSON, "json", false, "print one JSON document instead of lines")
	fs.StringVar(&cf.draw, "draw", "", "serial or parallel: print the results of --calls calls of --function (a parallel draw: at least that many) as a JSON list (a fresh child of check)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: goractor check [--actors N] [--calls M] [--count K] [--isolate] [--function NAME] [--json] MANIFEST.json")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitBad
	}
	if os.Getenv(childEnv) != "" {
		// A child of goractor check (--isolate, a fresh-process draw):
		// it ends with its parent also where no parent-death signal does.
		selfexec.ExitOnStdinEOF(exitParentGone)
	}
	if fs.NArg() != 1 || cf.count < 1 {
		fs.Usage()
		return exitBad
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "goractor check: %v\n", err)
		return exitBad
	}
	m, err := extension.ParseManifest(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "goractor check: %s: %v\n", path, err)
		return exitBad
	}
	subj := conformance.FromManifest(m)
	if cf.function != "" {
		var only []conformance.Function
		for _, fn := range subj.Functions {
			if fn.Name == cf.function {
				only = append(only, fn)
			}
		}
		if len(only) == 0 {
			fmt.Fprintf(stderr, "goractor check: %s: no function %q in the manifest\n", path, cf.function)
			return exitBad
		}
		subj.Functions = only
	}
	if cf.draw != "" {
		return runDraw(subj, path, cf, stdout, stderr)
	}
	doc := checkJSON{Extension: m.Extension, Count: cf.count, Isolate: cf.isolate, OK: true}
	agg := make([]checkFuncJSON, len(subj.Functions))
	var violations []string
	for range cf.count {
		if cf.isolate {
			for i, fn := range subj.Functions {
				r, err := checkIsolated(path, fn, subj.Declaration.SafetyOf(fn.Name), cf)
				if err != nil {
					fmt.Fprintf(stderr, "goractor check: %s: %s: %v\n", path, fn.Name, err)
					return exitBad
				}
				if r.Actors > 0 {
					doc.Actors, doc.Calls = r.Actors, r.Calls
				}
				agg[i].add(r.Functions[0])
			}
			continue
		}
		rep, err := conformance.Check(subj, conformance.WithActors(cf.actors), conformance.WithCalls(cf.calls),
			conformance.WithFreshProcess(freshRunner(path, cf)))
		if err != nil {
			fmt.Fprintf(stderr, "goractor check: %s: %v\n", path, err)
			return exitBad
		}
		doc.Extension, doc.Actors, doc.Calls = rep.Extension, rep.Actors, rep.Calls
		for i, fr := range rep.Functions {
			agg[i].add(funcJSON(fr))
		}
		for _, v := range rep.Violations {
			violations = append(violations, v.Error())
		}
	}
	doc.Functions = agg
	for _, fr := range agg {
		if fr.ViolationRuns > 0 {
			doc.OK = false
		}
	}
	status := exitOK
	if !doc.OK {
		status = exitViolation
	}
	if cf.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			fmt.Fprintf(stderr, "goractor check: %v\n", err)
			return exitBad
		}
		return status
	}
	fmt.Fprintf(stdout, "extension %s: %d actors, %d calls per actor per function, %d run(s)\n", doc.Extension, doc.Actors, doc.Calls, doc.Count)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FUNCTION\tDECLARED\tCALLS\tMISMATCHES\tREFUSED\tVERDICT\tHIT RATE\tEXAMPLE OR REASON")
	for _, fr := range agg {
		note := fr.Example
		if note == "" {
			note = fr.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%d/%d\t%s\n", fr.Name, fr.Declared, fr.Calls, fr.Mismatches, fr.Refused, fr.Verdict, fr.ViolationRuns, fr.Runs, note)
	}
	tw.Flush()
	for _, v := range violations {
		fmt.Fprintln(stdout, v)
	}
	if status == exitOK {
		fmt.Fprintln(stdout, "ok: every declaration held")
	} else {
		fmt.Fprintln(stdout, "FAIL: a declaration did not hold")
	}
	return status
}

// runDraw is the child freshRunner starts: one draw, in this fresh process.
func runDraw(subj conformance.Subject, path string, cf checkFlags, stdout, stderr io.Writer) int {
	if (cf.draw != "serial" && cf.draw != "parallel") || cf.function == "" {
		fmt.Fprintf(stderr, "goractor check: --draw %q: want serial or parallel, with --function\n", cf.draw)
		return exitBad
	}
	values, err := conformance.Draw(subj, cf.function, cf.draw == "parallel", cf.calls, conformance.WithActors(cf.actors))
	if err != nil {
		fmt.Fprintf(stderr, "goractor check: %s: %v\n", path, err)
		return exitBad
	}
	if err := json.NewEncoder(stdout).Encode(values); err != nil {
		fmt.Fprintf(stderr, "goractor check: %v\n", err)
		return exitBad
	}
	return exitOK
}
