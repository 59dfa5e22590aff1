package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goractor/goractor/internal/benchfix"
	"github.com/goractor/goractor/internal/cbuild"
)

// benchLibWithout builds the bench fixture with symbol renamed, so that the
// library does not export it.
func benchLibWithout(t *testing.T, symbol string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "bench.c")
	if err := os.WriteFile(src, []byte(benchfix.Source), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "libbench7.so")
	if err := cbuild.SharedLib(out, []string{src}, "-D"+symbol+"="+symbol+"_absent"); err != nil {
		if errors.Is(err, cbuild.ErrNoCompiler) {
			t.Skip("no C compiler")
		}
		t.Fatal(err)
	}
	return out
}

// TestBench_LibWithoutOptionalBaseline: a --lib library exporting only the
// seven functions docs/performance.md requires (no sleep_ms_threads) runs
// without error; the C threads baseline and its ratio are skipped with the
// reason in the output, every other figure is there.
func TestBench_LibWithoutOptionalBaseline(t *testing.T) {
	lib := benchLibWithout(t, "sleep_ms_threads")
	skips, err := fixtureSkips(lib)
	if err != nil {
		t.Fatal(err)
	}
	if why := skips[figAsyncCThreads]; len(skips) != 1 || !strings.Contains(why, "sleep_ms_threads") {
		t.Fatalf("fixtureSkips = %v, want only %s skipped for sleep_ms_threads", skips, figAsyncCThreads)
	}
	if lines := skipLines(skips); len(lines) != 1 || !strings.HasPrefix(lines[0], "# skipped "+figAsyncCThreads+": ") {
		t.Errorf("text output of the skip: %q", lines)
	}

	orig := benchScaleOverride
	benchScaleOverride = 0.005
	defer func() { benchScaleOverride = orig }()
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "--quick", "--json", "--lib", lib}, &out, &errOut); code != 0 {
		t.Fatalf("goractor bench --lib (seven functions): exit %d\n%s", code, errOut.String())
	}
	var rep benchReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("--json output does not parse: %v\n%s", err, out.String())
	}
	if len(rep.Errors) != 0 || !strings.Contains(rep.Skipped[figAsyncCThreads], "sleep_ms_threads") {
		t.Errorf("errors %v, skipped %v; want none, %s skipped naming sleep_ms_threads", rep.Errors, rep.Skipped, figAsyncCThreads)
	}
	names := map[string]bool{}
	for _, f := range rep.Figures {
		names[f.Name] = true
	}
	for _, name := range []string{figAsyncCThreads, "goractor.ratio.async_vs_c_threads"} {
		if names[name] {
			t.Errorf("skipped figure %s is in the report", name)
		}
	}
	for _, name := range append(fixedFigures, figCallAddLeaf, figCallNoopLeaf) {
		if !names[name] {
			t.Errorf("report lacks %s", name)
		}
	}
}

// TestBench_LibWithoutRequiredSymbol: a library missing one of the seven
// required functions is refused, naming it.
func TestBench_LibWithoutRequiredSymbol(t *testing.T) {
	lib := benchLibWithout(t, "noop")
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "--quick", "--lib", lib}, &out, &errOut); code != 1 {
		t.Errorf("--lib without noop: exit %d; want 1", code)
	}
	if !strings.Contains(errOut.String(), "does not export noop") || strings.Contains(errOut.String(), "want: add, hypot2, noop, call_cb_n, call_cb_n_thread, sleep_us, sleep_ms, sleep_ms_threads") {
		t.Errorf("stderr %q: want it to name noop and list the seven required functions", errOut.String())
	}
}
