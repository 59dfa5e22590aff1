package vet_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/goractor/goractor/vet"
)

// TestAnalyzer runs every check over its cases in testdata (a module in a
// go.work with this one, so the cases use the real actor, shareable and ffi
// packages and this module's own requirements): gate, move, spawn, unpinned (with the
// suggested fix in unpinned.go.golden and the cross-package fact of
// nativelib) and signature. Each file holds positive cases (// want) and
// negative ones, including //goractor:ignore. The packages are loaded once:
// loading goractor's dependencies from source is what costs.
func TestAnalyzer(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.RunWithSuggestedFixes(t, dir, vet.Analyzer,
		"./gate", "./move", "./spawn", "./nativelib", "./unpinned", "./signature")
}
