package main

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/host"
	"github.com/goractor/goractor/internal/cbuild"
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
	if _, err := cbuild.CC(); errors.Is(err, cbuild.ErrNoCompiler) {
		t.Skipf("the example compiles C at run time: %v", err)
	}
	var out bytes.Buffer
	err := run(&out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, want := range []string{"crashed: SIGSEGV in score called by actor \"scorer-1\"", "host restarted", "all 39 other inputs scored right", "ok"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
