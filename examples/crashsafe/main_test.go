package main

import (
	"errors"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/host"
	"github.com/goractor/goractor/internal/testlib"
)

func TestMain(m *testing.M) {
	host.Serve()
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(testlib.NodeLeakIgnores()...); err != nil {
			os.Stderr.WriteString("crashsafe test: goroutines leaked: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// TestRun runs the tour once (one node per process).
func TestRun(t *testing.T) {
	if _, err := compiler(); errors.Is(err, errNoCompiler) {
		t.Skipf("the example compiles C at run time: %v", err)
	}
	testlib.ExampleRun(t, run, "crashed: SIGSEGV in score called by actor \"scorer-1\"", "host restarted", "all 39 other inputs scored right", "ok")
}
