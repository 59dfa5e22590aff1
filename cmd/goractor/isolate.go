package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/goractor/goractor/extension"
)

// The --isolate mechanism, all of it: goractor check re-executes its own
// binary once per function ("check --function NAME --json"), so a function
// that crashes the host ends only its child, and the crash becomes that
// function's verdict. The child dies with the parent (PR_SET_PDEATHSIG on
// Linux) and is killed by PID when it runs past --timeout.

// childEnv marks a child: the test binary's TestMain runs the command line
// instead of the tests when it is set (the goractor binary ignores it).
const childEnv = "GORACTOR_CHECK_CHILD"

// signalInStderr finds the Go runtime's report of a fatal signal: "[signal
// SIGSEGV: segmentation violation code=… addr=0x0 pc=…]" or "SIGABRT: abort".
var signalInStderr = regexp.MustCompile(`(?m)\bsignal (SIG[A-Z0-9]+)[^\]\n]*|^(SIG[A-Z0-9]+): .*$`)

// checkIsolated runs one function's check in a child process and returns
// its one-function report. A child that crashes, or is killed for running
// too long, yields a "crashed" verdict; a child that cannot load the
// manifest's library returns an error.
func checkIsolated(manifest, function string, declared extension.Safety, cf checkFlags) (*checkJSON, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cf.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "check", "--json", "--function", function,
		"--actors", strconv.Itoa(cf.actors), "--calls", strconv.Itoa(cf.calls), manifest)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.SysProcAttr = childAttr()
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
	if m := signalInStderr.FindStringSubmatch(stderr.String()); m != nil {
		// The Go runtime turns a fault in native code into "signal
		// SIGSEGV: segmentation violation …" and exit status 2.
		return crashed("crashed: " + m[1] + m[2] + " (" + strings.TrimSpace(m[0]) + ")")
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
