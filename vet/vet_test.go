package vet_test

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goractor/goractor/vet"
)

// TestAnalyzer runs every check over its cases in testdata (a module in a
// go.work with this one, so the cases use the real actor, shareable and ffi
// packages and this module's own requirements): sendgate (in ./gate), move, spawn, unpinned (with the
// suggested fix in unpinned.go.golden and the cross-package fact of
// nativelib) and signature. Each file holds positive cases (// want) and
// negative ones, including //goractor:ignore. The packages are loaded once:
// loading goractor's dependencies from source is what costs.
func TestAnalyzer(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	patterns := []string{"./gate", "./move", "./spawn", "./nativelib", "./unpinned", "./signature"}
	fetchModules(t, dir, patterns)
	results := analysistest.RunWithSuggestedFixes(t, dir, vet.Analyzer, patterns...)
	// Each diagnostic carries its check's name as Category (go vet -json
	// shows it); the cases of a check sit in the package of that name.
	category := map[string]string{"gate": "sendgate", "move": "move", "spawn": "spawn", "unpinned": "unpinned", "signature": "signature"}
	seen := map[string]bool{}
	for _, r := range results {
		pkg := path.Base(r.Action.Package.Types.Path())
		for _, d := range r.Action.Diagnostics {
			if want := category[pkg]; d.Category != want {
				t.Errorf("%s: %q has category %q, want %q", pkg, d.Message, d.Category, want)
			}
			seen[d.Category] = true
		}
	}
	for _, c := range category {
		if !seen[c] {
			t.Errorf("no diagnostic of check %q", c)
		}
	}
}

// fetchModules lists the packages of the cases, their tests and their
// dependencies with the go command as the environment configures it, so
// that every module the workspace's graph needs is in the module cache
// before analysistest loads them with GOPROXY=off. In workspace mode the
// go command reads go.mod files of modules that a build of goractor alone
// never needs (github.com/google/go-cmp, a requirement of protobuf's
// go.mod): on a machine whose module cache holds only what the build
// fetched, the load failed with "module lookup disabled by GOPROXY=off".
func fetchModules(t *testing.T, dir string, patterns []string) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-e", "-deps", "-test"}, patterns...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK="+filepath.Join(dir, "go.work"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go list in %s: %v\n%s", dir, err, out)
	}
}
