//go:build linux && (amd64 || arm64)

package nativecrash

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// The handler's functions are nosplit, and the linker checks that their
// deepest chain fits the nosplit stack limit. `go test -fuzz` instruments
// every package of the module (-d=libfuzzer), which grows their frames: a
// chain that fits a normal build can stop linking, and then no package that
// imports this one (actor, node ...) can be fuzzed. Link this package's test
// binary with that instrumentation.
func TestNosplitChainFitsFuzzBuild(t *testing.T) {
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to link a fuzz build: %v", err)
	}
	const pkg = "github.com/goractor/goractor/internal/nativecrash"
	out, err := exec.Command(gotool, "test", "-c", "-o", filepath.Join(t.TempDir(), "fuzz.test"),
		"-gcflags="+pkg+"=-d=libfuzzer", pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("linking with fuzz instrumentation: %v\n%s", err, out)
	}
}
