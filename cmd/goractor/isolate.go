package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/host"
	"github.com/goractor/goractor/internal/selfexec"
	"github.com/goractor/goractor/safety/conformance"
)

// The --isolate mechanism, all of it: goractor check re-executes its own
// binary once per function ("check --function NAME --json"), so a function
// that crashes the process ends only its child, and the crash becomes that
// function's verdict. The children — these and the fresh-process draws —
// are started by internal/selfexec, the mechanism package host starts its
// hosts with: they die with the parent (PR_SET_PDEATHSIG from a thread that
// lives as long as the child, and the EOF of their stdin where that signal
// does not fire), and are killed by PID when they run past --timeout. The
// crash report on a child's stderr is read by host.ParseCrashReport, as a
// host's is.
//
// The conformance engine runs in a whole child process, not in an actor of
// a host (host.Host): it starts its own actor system (actor.Run) with a
// main actor and 2×GOMAXPROCS calling actors on their own threads, opens
// the extension under test with its declared policies, and judges stateful
// functions from fresh processes of its own. A host's worker actor has
// none of that to give, and the check needs none of what a host adds (a
// node, restarts, calls that cross): only the process boundary.

// childEnv marks a child of goractor check. The test binary's TestMain runs
// the command line instead of the tests when it is set; in any binary, a
// check child exits when its stdin ends (selfexec.ExitOnStdinEOF).
const childEnv = "GORACTOR_CHECK_CHILD"

// exitParentGone is a check child's exit status when its parent went away
// first: no one reads it.
const exitParentGone = 3

// childRun is what a check child left when it ended.
type childRun struct {
	stdout, stderr bytes.Buffer
	state          *os.ProcessState
	killed         bool // for running past the timeout
}

// runChild runs this binary as a check child with args until it exits, or
// kills it by PID after timeout. The error is for a child that could not
// start.
func runChild(timeout time.Duration, args ...string) (*childRun, error) {
	r := &childRun{}
	c, err := selfexec.StartWith(selfexec.Options{Env: []string{childEnv + "=1"}, Args: args,
		Stdout: &r.stdout, Stderr: &r.stderr})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err = c.Wait(ctx)
	r.state, r.killed = c.State(), errors.Is(err, context.DeadlineExceeded)
	if r.state == nil { // it was never waited for: it did not start
		return nil, fmt.Errorf("check child: %w", err)
	}
	return r, nil
}

// freshRunner draws a stateful function's results in a fresh child
// ("check --draw serial|parallel --function NAME"), for the exact
// judgement of conformance.WithFreshProcess. It is the same child mechanism
// as --isolate.
func freshRunner(manifest string, cf checkFlags) conformance.FreshRunner {
	return func(function string, parallel bool, calls int) ([]string, error) {
		mode := "serial"
		if parallel {
			mode = "parallel"
		}
		r, err := runChild(cf.timeout, "check", "--draw", mode, "--function", function,
			"--actors", strconv.Itoa(cf.actors), "--calls", strconv.Itoa(calls), manifest)
		if err != nil {
			return nil, err
		}
		if r.killed || !r.state.Success() {
			return nil, fmt.Errorf("draw child: %v: %s", r.state, lastLines(r.stderr.String(), 3))
		}
		var values []string
		if err := json.Unmarshal(r.stdout.Bytes(), &values); err != nil {
			return nil, fmt.Errorf("draw child: %v", err)
		}
		return values, nil
	}
}

// checkIsolated runs one function's check in a child process and returns
// its one-function report. A child that crashes, or is killed for running
// too long, yields a "crashed" verdict; a child that cannot load the
// manifest's library returns an error.
func checkIsolated(manifest string, fn conformance.Function, declared extension.Safety, cf checkFlags) (*checkJSON, error) {
	r, err := runChild(cf.timeout, "check", "--json", "--function", fn.Name,
		"--actors", strconv.Itoa(cf.actors), "--calls", strconv.Itoa(cf.calls), manifest)
	if err != nil {
		return nil, err
	}
	var doc checkJSON
	if code := r.state.ExitCode(); !r.killed && (code == exitOK || code == exitViolation) &&
		json.Unmarshal(r.stdout.Bytes(), &doc) == nil && len(doc.Functions) == 1 {
		return &doc, nil
	}
	crashed := func(reason string) (*checkJSON, error) {
		return &checkJSON{Functions: []checkFuncJSON{{Name: fn.Name, Verdict: "crashed", Reason: reason,
			Declared: declared.String(), DeclaredParallelSafe: declared.IsParallelSafe()}}}, nil
	}
	if r.killed {
		return crashed(fmt.Sprintf("hung: killed after %v", cf.timeout))
	}
	if reason := crashReason(r, fn); reason != "" {
		return crashed(reason)
	}
	return nil, fmt.Errorf("child exited with status %d: %s", r.state.ExitCode(), lastLines(r.stderr.String(), 3))
}

// crashReason reads how a check child died, as package host reads a host's
// death: the signal from the wait status, else from the crash report on
// stderr (the Go runtime turns a fault in native code into "signal SIGSEGV:
// segmentation violation …" and exit status 2); the C symbol from the
// report (goractor's native-crash line) when it names one, else the
// function the child was checking when that is one C function, as a host
// names the call in flight. "" for a child that did not crash.
func crashReason(r *childRun, fn conformance.Function) string {
	sig, sym, _, line := host.ParseCrashReport(r.stderr.String())
	if ws, ok := r.state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		sig = extension.SignalName(ws.Signal())
	}
	if sig == "" {
		return ""
	}
	if sym == "" && len(fn.Steps) == 0 && fn.Call == nil {
		sym = fn.Name
	}
	reason := "crashed: " + sig
	if sym != "" {
		reason += " in " + sym
	}
	if line == "" {
		line = lastLines(r.stderr.String(), 3)
	}
	if line != "" {
		reason += " (" + line + ")"
	}
	return reason
}

// lastLines returns the last n non-empty lines of s, joined with " | ".
func lastLines(s string, n int) string {
	var out []string
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0 && len(out) < n; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			out = append([]string{l}, out...)
		}
	}
	return strings.Join(out, " | ")
}
