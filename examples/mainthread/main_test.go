package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

const asProgram = "GORACTOR_MAINTHREAD_AS_PROGRAM"

func TestMain(m *testing.M) {
	if os.Getenv(asProgram) != "" {
		main() // on the main goroutine, as the program runs
		os.Exit(0)
	}
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1"))
}

// TestRun: from a test the main actor has a dedicated thread; forwarded
// calls must run there.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	err := run(&out, 3, 10)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, want := range []string{"a dedicated thread", "10 calls, all ran on thread", "thread-affine, called from the wrong thread", "on-main 30"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestProgram runs the example as the program does: the library must run
// on the process's main thread.
func TestProgram(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), asProgram+"=1")
	out, err := cmd.CombinedOutput()
	t.Log("\n" + string(out))
	if err != nil {
		t.Fatalf("as a program: %v", err)
	}
	if !strings.Contains(string(out), "the process's main thread") {
		t.Errorf("output lacks \"the process's main thread\"")
	}
}
