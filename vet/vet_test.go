package vet_test

import (
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
	results := analysistest.RunWithSuggestedFixes(t, dir, vet.Analyzer,
		"./gate", "./move", "./spawn", "./nativelib", "./unpinned", "./signature")
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
