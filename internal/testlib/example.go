package testlib

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// AsProgramEnv, set in the environment of an example's test binary, makes
// ExampleMain run the example's main as the program does.
const AsProgramEnv = "GORACTOR_EXAMPLE_AS_PROGRAM"

// ThrottleIgnore is protoactor's dead-letter throttle timer, which ends on
// its own after its period.
var ThrottleIgnore = goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1")

// ExampleMain is the TestMain of an example. When AsProgramEnv is set it
// runs main from the main goroutine, as the program runs, and exits 0 (main
// exits non-zero itself on failure). Otherwise it runs the tests and fails
// the binary if goroutines leaked, ignoring ignores.
func ExampleMain(m *testing.M, main func(), ignores ...goleak.Option) {
	if os.Getenv(AsProgramEnv) != "" {
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m, ignores...)
}

// ExampleRun runs an example's run into a buffer, logs the output, fails t
// if run returned an error, and reports each of wants missing from the
// output. It returns the output.
func ExampleRun(t *testing.T, run func(io.Writer) error, wants ...string) string {
	t.Helper()
	var out bytes.Buffer
	err := run(&out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	missing(t, out.String(), wants)
	return out.String()
}

// ExampleProgram runs the test binary again as the example's program
// (through ExampleMain and AsProgramEnv), fails t unless it exits 0, and
// reports each of wants missing from its output.
func ExampleProgram(t *testing.T, wants ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), AsProgramEnv+"=1")
	out, err := cmd.CombinedOutput()
	t.Log("\n" + string(out))
	if err != nil {
		t.Fatalf("as a program: %v", err)
	}
	missing(t, string(out), wants)
	return string(out)
}

func missing(t *testing.T, out string, wants []string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
