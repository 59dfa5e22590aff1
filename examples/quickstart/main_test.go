package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// asProgram makes the test binary run the tour as the program does, from
// the main goroutine (TestMain runs there), so the main actor gets the
// process's main thread.
const asProgram = "GORACTOR_QUICKSTART_AS_PROGRAM"

func TestMain(m *testing.M) {
	if os.Getenv(asProgram) != "" {
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m,
		// protoactor's dead-letter throttle ends on its own after its period.
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1"),
	)
}

// TestRun runs every step of the tour; each step checks its own result.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	err := run(&out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for i, s := range steps {
		if want := fmt.Sprintf("%d. %s\n", i+1, s.title); !strings.Contains(out.String(), want) {
			t.Errorf("output lacks the header %q", want)
		}
	}
	if got, want := strings.Count(out.String(), "\n   ok ("), len(steps); got != want {
		t.Errorf("%d steps reported ok; want %d", got, want)
	}
	if !strings.Contains(out.String(), "dedicated thread") {
		t.Errorf("run from a test should say the main actor has a dedicated thread")
	}
}

// TestProgram runs the tour as a program (from the main goroutine): the
// main actor must report the main thread (tid == pid) and the exit status
// must be 0.
func TestProgram(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), asProgram+"=1")
	out, err := cmd.CombinedOutput()
	t.Log("\n" + string(out))
	if err != nil {
		t.Fatalf("the tour as a program: %v", err)
	}
	for _, want := range []string{"tid == pid", fmt.Sprintf("all %d steps behaved", len(steps))} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestCorpus checks the deterministic text generator the zlib step uses.
func TestCorpus(t *testing.T) {
	a, b := corpus(3, 1000), corpus(3, 1000)
	for i := range a {
		if len(a[i]) != 1000 || a[i] != b[i] {
			t.Fatalf("chunk %d: len %d, equal to itself on a second run: %v; want 1000 and true", i, len(a[i]), a[i] == b[i])
		}
	}
	if a[0] == a[1] {
		t.Errorf("chunks 0 and 1 are equal; want different windows")
	}
}
