package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/internal/testlib"
)

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		os.Exit(workerMain())
	}
	goleak.VerifyTestMain(m, testlib.NodeLeakIgnores()...)
}

// TestRun runs the tour once (one node per process: protoactor remote
// keeps process-wide state) on 2 MiB.
func TestRun(t *testing.T) {
	out := testlib.ExampleRun(t, func(w io.Writer) error { return run(w, text(2<<20)) },
		"8 blocks", "over 3 nodes", "every block verified")
	if c := strings.Count(out, "compressed"); c != 3 {
		t.Errorf("%d processes compressed; want 3", c)
	}
}
