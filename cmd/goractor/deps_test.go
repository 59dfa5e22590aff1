package main

import (
	"os/exec"
	"strings"
	"testing"
)

// goListDeps returns the import paths `go list -deps` prints for pkgs.
func goListDeps(t *testing.T, pkgs ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list", "-deps"}, pkgs...)...).Output()
	if err != nil {
		t.Fatalf("go list -deps %v: %v", pkgs, err)
	}
	return strings.Fields(string(out))
}

// The goractor binary does not link the testing package: `goractor check`
// runs the conformance engine (safety/conformance), not its go test
// adapter (safety/safetytest).
func TestBinaryDoesNotLinkTesting(t *testing.T) {
	for _, p := range goListDeps(t, ".") {
		if p == "testing" || p == "github.com/goractor/goractor/safety/safetytest" {
			t.Errorf("cmd/goractor links %s", p)
		}
	}
}

// benchPackages are the packages of benchmark machinery: only the bench
// command and tests may import them.
var benchPackages = []string{
	"github.com/goractor/goractor/internal/benchfix",
	"github.com/goractor/goractor/internal/actorbench",
}

// No library package links benchmark machinery, and only the safetytest
// adapter links the testing package.
func TestLibrariesLinkNoBenchmarkMachinery(t *testing.T) {
	libs := []string{"actor", "ffi", "extension", "extension/libc", "extension/libm", "extension/sqlite3",
		"extension/zlib", "shareable", "node", "host", "safety", "safety/conformance", "safety/safetytest"}
	for _, lib := range libs {
		for _, p := range goListDeps(t, "github.com/goractor/goractor/"+lib) {
			for _, b := range benchPackages {
				if p == b {
					t.Errorf("%s links %s", lib, p)
				}
			}
			if p == "testing" && lib != "safety/safetytest" {
				t.Errorf("%s links testing", lib)
			}
		}
	}
	// The check would pass vacuously if the names were wrong: the bench
	// command does link them.
	deps := strings.Join(goListDeps(t, "."), "\n") + "\n"
	for _, b := range benchPackages {
		if !strings.Contains(deps, b+"\n") {
			t.Errorf("cmd/goractor does not link %s: is benchPackages stale?", b)
		}
	}
}
