package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/goractor/goractor/internal/benchfix"
	"github.com/goractor/goractor/internal/cbuild"
)

// benchFixture builds the fixture into the test's temporary directory.
func benchFixture(t *testing.T) string {
	t.Helper()
	path, err := benchfix.Build(t.TempDir())
	if errors.Is(err, cbuild.ErrNoCompiler) {
		t.Skipf("no C compiler to build the bench fixture: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// tinyConfig is a run small enough for -race: every measurement still runs
// its real code path, 3 times.
func tinyConfig(lib string) *benchConfig {
	return &benchConfig{lib: lib, reps: 3, scale: 0.005}
}

// TestBench_EveryFixedFigureOncePositive runs every measurement at a tiny
// size and checks the report: every fixed name exactly once, every value
// positive, units as specified.
func TestBench_EveryFixedFigureOncePositive(t *testing.T) {
	lib := benchFixture(t)
	figs, errs := bench(tinyConfig(lib))
	for _, err := range errs {
		t.Errorf("bench: %v", err)
	}
	count := map[string]int{}
	for _, f := range figs {
		count[f.Name]++
		if !(f.Value > 0) {
			t.Errorf("%s = %v %s; want a positive value", f.Name, f.Value, f.Unit)
		}
		if strings.ContainsAny(f.Name, " \t") || f.Unit == "" || strings.ContainsAny(f.Unit, " \t") {
			t.Errorf("figure %q unit %q: names and units must be single words", f.Name, f.Unit)
		}
	}
	for _, name := range fixedFigures {
		if count[name] != 1 {
			t.Errorf("figure %s appears %d times; want exactly once", name, count[name])
		}
	}
	wantUnit := map[string]string{
		figCallAdd: "ns/call", figSyscallNAdd: "ns/call", figRegisterAdd: "ns/call",
		figCallbackSync: "ns/callback", figCallbackForeign: "ns/callback",
		figPingPinned: "us/roundtrip", figPingUnpinned: "us/roundtrip", figCSem: "us/roundtrip",
		figSendShareable: "msgs/s", figSendCopy: "msgs/s", figSleepSingle: "ms", figConcurrent8: "ms",
		figAsyncInflight128: "calls/s", figAsyncCThreads: "calls/s", figZlibSpeedup: "x", figCheckCached: "ns/op",
	}
	for _, f := range figs {
		if u, ok := wantUnit[f.Name]; ok && f.Unit != u {
			t.Errorf("%s unit %q; want %q", f.Name, f.Unit, u)
		}
	}
}

// TestBench_CommandLineAndJSON runs the command itself on a prebuilt
// library (--lib) in both output forms. Only the cheap measurements would
// make a faster test, but the command has no filter on purpose: this is the
// same code path CI's `goractor bench --quick` takes, shrunk.
func TestBench_CommandLineAndJSON(t *testing.T) {
	lib := benchFixture(t)
	orig := benchScaleOverride
	benchScaleOverride = 0.005
	defer func() { benchScaleOverride = orig }()

	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "--quick", "--lib", lib}, &out, &errOut); code != 0 {
		t.Fatalf("goractor bench --quick --lib: exit %d\n%s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 3 {
			t.Fatalf("line %q: want `name value unit`", l)
		}
		if _, err := strconv.ParseFloat(f[1], 64); err != nil {
			t.Errorf("line %q: value: %v", l, err)
		}
		seen[f[0]] = true
	}
	for _, name := range fixedFigures {
		if !seen[name] {
			t.Errorf("text output lacks %s", name)
		}
	}

	out.Reset()
	errOut.Reset()
	if code := run([]string{"bench", "--quick", "--json", "--lib", lib}, &out, &errOut); code != 0 {
		t.Fatalf("goractor bench --quick --json: exit %d\n%s", code, errOut.String())
	}
	var rep benchReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("--json output does not parse: %v\n%s", err, out.String())
	}
	if rep.Reps < 3 || !rep.Quick || rep.Lib != lib || len(rep.Errors) != 0 {
		t.Errorf("report header reps=%d quick=%v lib=%q errors=%v; want >=3, true, %q, none", rep.Reps, rep.Quick, rep.Lib, rep.Errors, lib)
	}
	names := map[string]int{}
	for _, f := range rep.Figures {
		names[f.Name]++
	}
	for _, name := range fixedFigures {
		if names[name] != 1 {
			t.Errorf("JSON has %s %d times; want once", name, names[name])
		}
	}
}

func TestBench_Usage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "--nope"}, &out, &errOut); code != 2 {
		t.Errorf("unknown flag: exit %d; want 2", code)
	}
	if code := run([]string{"bench", "extra"}, &out, &errOut); code != 2 {
		t.Errorf("extra argument: exit %d; want 2", code)
	}
	if !strings.Contains(errOut.String(), "usage: goractor bench") {
		t.Errorf("stderr %q lacks the usage line", errOut.String())
	}
}

func TestBench_MissingLib(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "--quick", "--lib", "/nonexistent/libnope.so"}, &out, &errOut); code != 1 {
		t.Errorf("missing --lib: exit %d; want 1", code)
	}
	if !strings.Contains(errOut.String(), "libnope.so") {
		t.Errorf("stderr %q does not name the library", errOut.String())
	}
}

func TestMedianAndFormat(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{{[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}, {[]float64{7}, 7}} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v; want %v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		v    float64
		want string
	}{{11627907, "11627907"}, {277.06, "277.1"}, {38.761, "38.76"}, {1.07, "1.070"}, {0.42441, "0.4244"}} {
		if got := formatValue(tc.v); got != tc.want {
			t.Errorf("formatValue(%v) = %q; want %q", tc.v, got, tc.want)
		}
	}
}
