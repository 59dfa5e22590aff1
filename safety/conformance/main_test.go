package conformance_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/safety/conformance"
)

// drawEnv makes the test binary a fresh process for conformance.Draw:
// "function|signature|serial or parallel|calls".
const drawEnv = "CONFORMANCE_DRAW"

func TestMain(m *testing.M) {
	if spec := os.Getenv(drawEnv); spec != "" {
		os.Exit(drawChild(spec))
	}
	goleak.VerifyTestMain(m)
}

// drawChild draws from one libc function in this fresh process and prints
// the results as JSON.
func drawChild(spec string) int {
	p := strings.Split(spec, "|")
	if len(p) != 4 {
		fmt.Fprintf(os.Stderr, "%s=%q: want function|signature|mode|calls\n", drawEnv, spec)
		return 2
	}
	calls, err := strconv.Atoi(p[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	subj := libcSubject([]conformance.Function{{Name: p[0], Signature: p[1], Inputs: [][]any{{}}}})
	out, err := conformance.Draw(subj, p[0], p[2] == "parallel", calls)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// selfExec is a conformance.FreshRunner for argument-less libc functions:
// this test binary re-executed, with drawEnv naming the draw.
func selfExec(signatures map[string]string) conformance.FreshRunner {
	return func(function string, parallel bool, calls int) ([]string, error) {
		mode := "serial"
		if parallel {
			mode = "parallel"
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%s|%s|%d", drawEnv, function, signatures[function], mode, calls))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		stdout, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("draw child: %v: %s", err, stderr.String())
		}
		var out []string
		if err := json.Unmarshal(stdout, &out); err != nil {
			return nil, fmt.Errorf("draw child: %v", err)
		}
		return out, nil
	}
}
