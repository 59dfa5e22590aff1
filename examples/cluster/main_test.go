package main

import (
	"bytes"
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
	var out bytes.Buffer
	if err := run(&out, text(2<<20)); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	t.Log("\n" + out.String())
	for _, want := range []string{"8 blocks", "over 3 nodes", "every block verified"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if c := strings.Count(out.String(), "compressed"); c != 3 {
		t.Errorf("%d processes compressed; want 3", c)
	}
}
