package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/safety/safetytest"
)

func init() {
	registerCommand(command{
		name:    "check",
		summary: "test a library's parallel-safety declarations from a manifest (exit 0 ok, 1 violation, 2 bad manifest or load error)",
		run:     runCheck,
	})
}

// Exit statuses of goractor check.
const (
	exitOK        = 0 // every declaration held
	exitViolation = 1 // a declaration did not hold under parallel calls
	exitBad       = 2 // bad usage, bad manifest, or a library/symbol that cannot load
)

// checkJSON is the --json document.
type checkJSON struct {
	Extension string          `json:"extension"`
	Actors    int             `json:"actors"`
	Calls     int             `json:"calls"`
	OK        bool            `json:"ok"`
	Functions []checkFuncJSON `json:"functions"`
}

type checkFuncJSON struct {
	Name                 string `json:"name"`
	DeclaredParallelSafe bool   `json:"declared_parallel_safe"`
	Declared             string `json:"declared"`
	Verdict              string `json:"verdict"`
	Calls                int    `json:"calls"`
	Mismatches           int    `json:"mismatches"`
	Refused              int    `json:"refused"`
	Example              string `json:"example,omitempty"`
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	actors := fs.Int("actors", 0, "actors calling at once (default and minimum 2×GOMAXPROCS)")
	calls := fs.Int("calls", 64, "calls per actor per function")
	asJSON := fs.Bool("json", false, "print one JSON document instead of lines")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: goractor check [--actors N] [--calls M] [--json] MANIFEST.json")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitBad
	}
	if fs.NArg() != 1 {
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
	d := m.Declaration()
	subj := safetytest.Subject{Declaration: &d}
	for i := range m.Functions {
		mf := &m.Functions[i]
		subj.Functions = append(subj.Functions, safetytest.Function{
			Name: mf.Name, Signature: mf.Signature, Library: mf.Library, Inputs: mf.Args(),
		})
	}
	rep, err := safetytest.Check(subj, safetytest.WithActors(*actors), safetytest.WithCalls(*calls))
	if err != nil {
		fmt.Fprintf(stderr, "goractor check: %s: %v\n", path, err)
		return exitBad
	}
	status := exitOK
	if len(rep.Violations) > 0 {
		status = exitViolation
	}
	if *asJSON {
		doc := checkJSON{Extension: rep.Extension, Actors: rep.Actors, Calls: rep.Calls, OK: status == exitOK}
		for _, fr := range rep.Functions {
			doc.Functions = append(doc.Functions, checkFuncJSON{
				Name: fr.Name, DeclaredParallelSafe: fr.Declared.IsParallelSafe(), Declared: fr.Declared.String(),
				Verdict: fr.Verdict.String(), Calls: fr.Calls, Mismatches: fr.Mismatches, Refused: fr.Refused, Example: fr.Example,
			})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			fmt.Fprintf(stderr, "goractor check: %v\n", err)
			return exitBad
		}
		return status
	}
	fmt.Fprintf(stdout, "extension %s: %d actors, %d calls per actor per function\n", rep.Extension, rep.Actors, rep.Calls)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FUNCTION\tDECLARED\tCALLS\tMISMATCHES\tREFUSED\tVERDICT\tEXAMPLE")
	for _, fr := range rep.Functions {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", fr.Name, fr.Declared, fr.Calls, fr.Mismatches, fr.Refused, fr.Verdict, fr.Example)
	}
	tw.Flush()
	for _, v := range rep.Violations {
		fmt.Fprintln(stdout, v)
	}
	if status == exitOK {
		fmt.Fprintln(stdout, "ok: every declaration held")
	} else {
		fmt.Fprintf(stdout, "FAIL: %d violation(s)\n", len(rep.Violations))
	}
	return status
}
