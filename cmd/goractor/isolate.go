package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/host"
	"github.com/goractor/goractor/safety/conformance"
)

// The --isolate mechanism, all of it: goractor check re-executes its own
// binary once per function ("check --function NAME --json"), so a function
// that crashes the host ends only its child, and the crash becomes that
// function's verdict. The child dies with the parent (PR_SET_PDEATHSIG on
// Linux) and is killed by PID when it runs past --timeout.

// childEnv marks a child: the test binary's TestMain runs the command line
// instead of the tests when it is set (the goractor binary ignores it).
const childEnv = "GORACTOR_CHECK_CHILD"

// childCommand is this binary re-executed as a child with args: it dies
// with its parent and is killed when ctx ends.
func childCommand(ctx context.Context, args ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.SysProcAttr = childAttr()
	return cmd, nil
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
		ctx, cancel := context.WithTimeout(context.Background(), cf.timeout)
		defer cancel()
		cmd, err := childCommand(ctx, "check", "--draw", mode, "--function", function,
			"--actors", strconv.Itoa(cf.actors), "--calls", strconv.Itoa(calls), manifest)
		if err != nil {
			return nil, err
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("draw child: %v: %s", err, lastLines(stderr.String(), 3))
		}
		var values []string
		if err := json.Unmarshal(out, &values); err != nil {
			return nil, fmt.Errorf("draw child: %v", err)
		}
		return values, nil
	}
}

// checkIsolated runs one function's check in a child process and returns
// its one-function report. A child that crashes, or is killed for running
// too long, yields a "crashed" verdict; a child that cannot load the
// manifest's library returns an error.
func checkIsolated(manifest, function string, declared extension.Safety, cf checkFlags) (*checkJSON, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cf.timeout)
	defer cancel()
	cmd, err := childCommand(ctx, "check", "--json", "--function", function,
		"--actors", strconv.Itoa(cf.actors), "--calls", strconv.Itoa(cf.calls), manifest)
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var doc checkJSON
	if code := cmd.ProcessState.ExitCode(); (code == exitOK || code == exitViolation) &&
		json.Unmarshal(stdout.Bytes(), &doc) == nil && len(doc.Functions) == 1 {
		return &doc, nil
	}
	var ee *exec.ExitError
	if runErr != nil && !errors.As(runErr, &ee) {
		return nil, runErr // could not start
	}
	tail := lastLines(stderr.String(), 3)
	crashed := func(reason string) (*checkJSON, error) {
		return &checkJSON{Functions: []checkFuncJSON{{Name: function, Verdict: "crashed", Reason: reason,
			Declared: declared.String(), DeclaredParallelSafe: declared.IsParallelSafe()}}}, nil
	}
	if ctx.Err() != nil {
		return crashed(fmt.Sprintf("hung: killed after %v", cf.timeout))
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return crashed("crashed: " + extension.SignalName(ws.Signal()) + ": " + tail)
	}
	if sig, sym, _, line := host.ParseCrashReport(stderr.String()); sig != "" {
		// The Go runtime turns a fault in native code into "signal
		// SIGSEGV: segmentation violation …" and exit status 2; goractor's
		// native-crash line, when there is one, names the symbol. Hosts
		// read crash reports with the same parser.
		reason := "crashed: " + sig
		if sym != "" {
			reason += " in " + sym
		}
		return crashed(reason + " (" + line + ")")
	}
	return nil, fmt.Errorf("child exited with status %d: %s", cmd.ProcessState.ExitCode(), tail)
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
