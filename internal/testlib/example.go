package testlib

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// ThrottleIgnore is protoactor's dead-letter throttle timer, which ends on
// its own after its period.
var ThrottleIgnore = goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1")

// exampleProgram is the name under which ExampleMain runs an example's main.
const exampleProgram = "example"

// ExampleMain is the TestMain of an example: Main, with the example's main
// as the program ExampleProgram runs (main exits non-zero itself on
// failure).
func ExampleMain(m *testing.M, main func(), ignores ...goleak.Option) {
	Main(m, map[string]func() int{exampleProgram: func() int { main(); return 0 }}, ignores...)
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
// (through ExampleMain), fails t unless it exits 0, and reports each of
// wants missing from its output.
func ExampleProgram(t *testing.T, wants ...string) string {
	t.Helper()
	out, err := ProgramCmd(exampleProgram).CombinedOutput()
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
