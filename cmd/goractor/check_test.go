package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/internal/testlib"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		// An isolated child of goractor check --isolate: this binary is
		// the goractor binary.
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	code := m.Run()
	// The benches' node lives as long as the process, as it does in main.
	closeBenchCluster()
	if code == 0 {
		// A node may leave grpc teardown goroutines for a moment, as
		// node's own tests allow.
		if err := goleak.Find(testlib.NodeLeakIgnores()...); err != nil {
			fmt.Fprintln(os.Stderr, "goractor test: goroutines leaked:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func runArgs(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func writeManifest(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "m.json")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUsage(t *testing.T) {
	if code, _, e := runArgs(); code != 2 || !strings.Contains(e, "usage: goractor") {
		t.Errorf("no args: exit %d, stderr %q; want 2 and usage", code, e)
	}
	if code, _, e := runArgs("frobnicate"); code != 2 || !strings.Contains(e, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, stderr %q", code, e)
	}
	if code, o, _ := runArgs("help"); code != 0 || !strings.Contains(o, "check") {
		t.Errorf("help: exit %d, stdout %q; want 0 listing check", code, o)
	}
	if code, _, e := runArgs("check"); code != 2 || !strings.Contains(e, "usage: goractor check") {
		t.Errorf("check without manifest: exit %d, stderr %q", code, e)
	}
}

func TestCheckLibm(t *testing.T) {
	code, o, e := runArgs("check", "--calls", "16", "../../examples/manifests/libm.json")
	if code != 0 {
		t.Fatalf("exit %d; want 0\nstdout:\n%s\nstderr:\n%s", code, o, e)
	}
	for _, fn := range []string{"cos", "sin", "sqrt", "pow", "hypot", "floor"} {
		if !strings.Contains(o, fn+" ") {
			t.Errorf("output has no line for %s:\n%s", fn, o)
		}
	}
	if !strings.Contains(o, "ok: every declaration held") {
		t.Errorf("output lacks the verdict line:\n%s", o)
	}
}

func TestCheckLibcJSON(t *testing.T) {
	code, o, e := runArgs("check", "--json", "--calls", "16", "--actors", "4", "../../examples/manifests/libc.json")
	if code != 0 {
		t.Fatalf("exit %d; want 0\nstdout:\n%s\nstderr:\n%s", code, o, e)
	}
	var doc struct {
		Extension string
		Functions []struct {
			Name                 string
			DeclaredParallelSafe bool `json:"declared_parallel_safe"`
			Verdict              string
			Calls                int
			Mismatches           int
			Refused              int
		}
	}
	if err := json.Unmarshal([]byte(o), &doc); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, o)
	}
	got := map[string]string{}
	for _, f := range doc.Functions {
		got[f.Name] = fmt.Sprintf("safe=%v verdict=%s", f.DeclaredParallelSafe, f.Verdict)
		if f.Calls == 0 {
			t.Errorf("%s: 0 calls", f.Name)
		}
		if !f.DeclaredParallelSafe && f.Refused != f.Calls {
			t.Errorf("%s (unsafe): %d of %d calls refused off the main actor; want all", f.Name, f.Refused, f.Calls)
		}
	}
	for name, want := range map[string]string{
		"l64a": "safe=false verdict=ok", "strlen": "safe=true verdict=ok", "rand": "safe=false verdict=ok",
	} {
		if got[name] != want {
			t.Errorf("%s: %s; want %s", name, got[name], want)
		}
	}
	if doc.Extension != "libc-sample" {
		t.Errorf("extension = %q", doc.Extension)
	}
}

// checkJSONDoc runs goractor check --json and decodes its document, first
// checking the stable keys of the schema (docs/extensions.md) are there.
func checkJSONDoc(t *testing.T, args ...string) (int, checkJSON) {
	t.Helper()
	code, o, e := runArgs(append([]string{"check", "--json"}, args...)...)
	var raw struct {
		Top       map[string]json.RawMessage
		Functions []map[string]json.RawMessage `json:"functions"`
	}
	if err := json.Unmarshal([]byte(o), &raw.Top); err != nil {
		t.Fatalf("exit %d, --json output is not JSON: %v\nstdout:\n%s\nstderr:\n%s", code, err, o, e)
	}
	if err := json.Unmarshal(raw.Top["functions"], &raw.Functions); err != nil {
		t.Fatalf("functions: %v\n%s", err, o)
	}
	for _, k := range []string{"extension", "actors", "calls", "count", "isolate", "ok", "functions"} {
		if _, ok := raw.Top[k]; !ok {
			t.Errorf("document lacks key %q:\n%s", k, o)
		}
	}
	for _, f := range raw.Functions {
		for _, k := range []string{"name", "verdict", "calls", "mismatches", "reason", "runs", "violation_runs", "hit_rate"} {
			if _, ok := f[k]; !ok {
				t.Errorf("function lacks key %q:\n%s", k, o)
			}
		}
	}
	var doc checkJSON
	if err := json.Unmarshal([]byte(o), &doc); err != nil {
		t.Fatal(err)
	}
	return code, doc
}

// rand (MT-Safe, locked) declared parallel-safe: its results differ between
// two serial runs, so distributions are compared, and it is ok with the
// reason saying so. coin's results differ between serial runs and repeat
// within one: inconclusive, with the reason. cos comes from the function's
// own library list.
func TestCheckStatefulAndInconclusive(t *testing.T) {
	lib := testlib.SharedLib(t, []string{"../../safety/safetytest/testdata/staticbuf.c"})
	p := writeManifest(t, fmt.Sprintf(`{"extension": "libc-rand", "library": ["libc.so.6"], "parallel_safe": true,
		"functions": [{"name": "rand", "signature": "func() int32", "inputs": [[]]},
			{"name": "coin", "library": [%q], "signature": "func() int32", "inputs": [[]]},
			{"name": "cos", "library": ["libm.so.6"], "signature": "func(float64) float64", "inputs": [[0.5]]}]}`, lib))
	code, doc := checkJSONDoc(t, "--calls", "32", p)
	want := map[string]string{"rand": "ok", "coin": "inconclusive", "cos": "ok"}
	for _, f := range doc.Functions {
		if f.Verdict != want[f.Name] {
			t.Errorf("%s: verdict %s (%s); want %s", f.Name, f.Verdict, f.Reason, want[f.Name])
		}
		if f.Name != "cos" && f.Reason == "" {
			t.Errorf("%s: no reason given for a %s verdict", f.Name, f.Verdict)
		}
	}
	if code != 0 || !doc.OK || len(doc.Functions) != 3 {
		t.Errorf("exit %d, ok %v, %d functions; want 0, true, 3", code, doc.OK, len(doc.Functions))
	}
}

// --isolate: a function that crashes its child is a crashed verdict naming
// the signal, and the C symbol when the crash report names it or the
// function is one C call; the run goes on, and every other verdict is kept.
// strlen(NULL) faults inside libc where no exported symbol covers the PC, so
// the verdict names the function checked; the sequence's crashy_check(13)
// is named by goractor's native-crash line; abort() dies of SIGABRT.
func TestCheckIsolateCrash(t *testing.T) {
	lib := testlib.SharedLib(t, []string{"../../host/testdata/crashy.c"})
	p := writeManifest(t, fmt.Sprintf(`{"extension": "libc-crash", "library": ["libc.so.6"], "parallel_safe": true,
		"functions": [
			{"name": "strlen", "signature": "func(unsafe.Pointer) uint64", "inputs": [[null]]},
			{"name": "abs", "signature": "func(int32) int32", "inputs": [[-5], [7]]},
			{"name": "add-then-check", "steps": [
				{"name": "crashy_add", "library": [%[1]q], "signature": "func(int32, int32) int32"},
				{"name": "crashy_check", "library": [%[1]q], "signature": "func(int32) int32"}],
			 "inputs": [[[6, 7], [13]]]},
			{"name": "crashy_check", "library": [%[1]q], "signature": "func(int32) int32", "inputs": [[1], [2]]},
			{"name": "abort", "signature": "func()", "inputs": [[]]},
			{"name": "cos", "library": ["libm.so.6"], "signature": "func(float64) float64", "inputs": [[0.5]]}
		]}`, lib))
	code, doc := checkJSONDoc(t, "--isolate", "--calls", "8", p)
	if code != 1 || doc.OK || !doc.Isolate || len(doc.Functions) != 6 {
		t.Fatalf("exit %d, %+v; want 1, not ok, isolate, 6 functions", code, doc)
	}
	for i, want := range []struct{ name, verdict, reason string }{
		{"strlen", "crashed", "crashed: SIGSEGV in strlen"},
		{"abs", "ok", ""},
		{"add-then-check", "crashed", "crashed: SIGSEGV in crashy_check (goractor: native crash: "},
		{"crashy_check", "ok", ""},
		{"abort", "crashed", "crashed: SIGABRT in abort"},
		{"cos", "ok", ""},
	} {
		f := doc.Functions[i]
		if f.Name != want.name || f.Verdict != want.verdict || !strings.HasPrefix(f.Reason, want.reason) {
			t.Errorf("functions[%d] = %+v; want %s %s with a reason starting %q", i, f, want.name, want.verdict, want.reason)
		}
		if f.Verdict == "ok" && f.Calls == 0 {
			t.Errorf("%s made no calls after a crash in another child", f.Name)
		}
	}
}

// --count repeats the run and reports per-function hit rates.
func TestCheckCountHitRate(t *testing.T) {
	p := writeManifest(t, `{"extension": "libc-count", "library": ["libc.so.6"], "parallel_safe": true,
		"functions": [
			{"name": "l64a", "signature": "func(int64) string", "inputs": [[1], [64], [123456], [99999]]},
			{"name": "abs", "signature": "func(int32) int32", "inputs": [[-5], [7]]}
		]}`)
	code, doc := checkJSONDoc(t, "--count", "3", "--calls", "32", p)
	if code != 1 || doc.Count != 3 || doc.Actors < 4 {
		t.Fatalf("exit %d, count %d, %d actors; want 1, 3, at least 4", code, doc.Count, doc.Actors)
	}
	for _, f := range doc.Functions {
		switch f.Name {
		case "l64a":
			if f.Runs != 3 || f.ViolationRuns != 3 || f.HitRate != 1 || f.Verdict != "violation" {
				t.Errorf("l64a = %+v; want 3 of 3 runs violations, hit rate 1", f)
			}
		case "abs":
			// The actors are 2×GOMAXPROCS at least, which an actor system
			// running in this process (the benches' node) raises.
			if f.Runs != 3 || f.ViolationRuns != 0 || f.HitRate != 0 || f.Verdict != "ok" || f.Calls != 3*doc.Actors*32 {
				t.Errorf("abs = %+v; want 3 ok runs of %d calls in all (%d actors)", f, 3*doc.Actors*32, doc.Actors)
			}
		}
	}
}

func TestCheckViolation(t *testing.T) {
	lib := testlib.SharedLib(t, []string{"../../safety/safetytest/testdata/staticbuf.c"})
	p := writeManifest(t, fmt.Sprintf(`{"extension": "staticbuf", "library": [%q], "parallel_safe": true,
		"functions": [
			{"name": "fmt_num", "signature": "func(int32) string", "inputs": [[1], [22], [333], [4444], [55555]]},
			{"name": "twice", "signature": "func(int32) int32", "inputs": [[1], [2]]}
		]}`, lib))
	var code int
	var o, e string
	for attempt := 1; attempt <= 5; attempt++ { // possible false negatives: retry like -count
		if code, o, e = runArgs("check", "--calls", "500", p); code != 0 {
			break
		}
		t.Logf("attempt %d: no overlap observed", attempt)
	}
	if code != 1 {
		t.Fatalf("exit %d; want 1\nstdout:\n%s\nstderr:\n%s", code, o, e)
	}
	if !strings.Contains(o, "violation") || !strings.Contains(o, "serially") || !strings.Contains(o, "FAIL:") {
		t.Errorf("output lacks the violation and its example:\n%s", o)
	}
	for _, line := range strings.Split(o, "\n") {
		if strings.HasPrefix(line, "twice ") && !strings.Contains(line, " ok ") {
			t.Errorf("twice line = %q; want verdict ok", line)
		}
	}
}

func TestCheckBadManifest(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"not json", `{`, "manifest"},
		{"no extension", `{"library": ["libc.so.6"], "functions": []}`, "extension: required"},
		{"unknown field", `{"extension": "x", "libary": ["a"]}`, "libary"},
		{"no functions", `{"extension": "x", "library": ["libc.so.6"]}`, "functions: required"},
		{"bad input", `{"extension": "x", "library": ["libc.so.6"], "functions": [{"name": "abs", "signature": "func(int32) int32", "inputs": [["seven"]]}]}`, "functions[0].inputs[0][0]"},
		{"arity", `{"extension": "x", "library": ["libc.so.6"], "functions": [{"name": "abs", "signature": "func(int32) int32", "inputs": [[1, 2]]}]}`, "functions[0].inputs[0]: 2 arguments"},
		{"bad signature", `{"extension": "x", "library": ["libc.so.6"], "functions": [{"name": "abs", "signature": "func(map[string]int) int32", "inputs": [[1]]}]}`, "functions[0].signature"},
		{"pointer form", `{"extension": "x", "library": ["libc.so.6"], "functions": [{"name": "gmtime", "signature": "func(unsafe.Pointer) unsafe.Pointer", "inputs": [[{"int65": 1}]]}]}`, "functions[0].inputs[0][0]: unknown pointer form \"int65\""},
		{"bad layout", `{"extension": "x", "library": ["libc.so.6"], "functions": [{"name": "gmtime", "signature": "func(unsafe.Pointer) unsafe.Pointer", "result": {"struct": [{"name": "a", "type": "long"}]}, "inputs": [[null]]}]}`, "functions[0].result.struct[0].type"},
		{"step count", `{"extension": "x", "library": ["libc.so.6"], "functions": [{"name": "s", "steps": [{"name": "srand48", "signature": "func(int64)"}], "inputs": [[[1], []]]}]}`, "functions[0].inputs[0]: want a list of 1 argument lists"},
		{"result of a later step", `{"extension": "x", "library": ["libc.so.6"], "functions": [{"name": "s", "steps": [{"name": "strtok", "signature": "func(unsafe.Pointer, string) string"}], "inputs": [[[{"result": 0}, ","]]]}]}`, "functions[0].inputs[0][0][0]"},
		{"sequence with signature", `{"extension": "x", "library": ["libc.so.6"], "functions": [{"name": "s", "signature": "func()", "steps": [{"name": "srand48", "signature": "func(int64)"}], "inputs": [[[1]]]}]}`, "a sequence (steps) has no signature"},
		{"missing library", `{"extension": "x", "library": ["libgoractor-none.so.7"], "functions": [{"name": "abs", "signature": "func(int32) int32", "inputs": [[1]]}]}`, "libgoractor-none.so.7"},
		{"missing symbol", `{"extension": "x", "library": ["libc.so.6"], "functions": [{"name": "no_such_fn_xyz", "signature": "func(int32) int32", "inputs": [[1]]}]}`, "no_such_fn_xyz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, o, e := runArgs("check", writeManifest(t, tc.text))
			if code != 2 || !strings.Contains(e, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and a message containing %q (stdout %q)", code, e, tc.want, o)
			}
		})
	}
	if code, _, e := runArgs("check", filepath.Join(t.TempDir(), "absent.json")); code != 2 || !strings.Contains(e, "absent.json") {
		t.Errorf("absent manifest: exit %d, stderr %q", code, e)
	}
}

// crypt (MT-Unsafe: a static buffer) declared parallel-safe sometimes
// crashes the process when raced: with --isolate it is caught either way,
// as a violation or as crashed, and crypt_r with its own data is ok.
func TestCheckCryptIsolated(t *testing.T) {
	p := writeManifest(t, `{"extension": "libcrypt", "library": ["libcrypt.so.1"], "parallel_safe": true,
		"functions": [
			{"name": "crypt", "signature": "func(string, string) string",
			 "inputs": [["secret", "ab"], ["goractor", "xy"], ["password", "$1$salt$"]]},
			{"name": "crypt_r", "signature": "func(string, string, unsafe.Pointer) string",
			 "inputs": [["secret", "ab", {"buffer": 32768}], ["goractor", "xy", {"buffer": 32768}]]}
		]}`)
	code, doc := checkJSONDoc(t, "--isolate", "--calls", "64", p)
	if code != 1 || len(doc.Functions) != 2 {
		t.Fatalf("exit %d, %+v; want 1 and two functions", code, doc)
	}
	if f := doc.Functions[0]; f.Verdict != "violation" && f.Verdict != "crashed" {
		t.Errorf("crypt = %+v; want a violation or crashed", f)
	}
	if f := doc.Functions[1]; f.Verdict != "ok" {
		t.Errorf("crypt_r = %+v; want ok", f)
	}
}

// The example manifest in docs/extensions.md is examples/manifests/glibc.json,
// and goractor check finds what the glibc manual documents: each function
// documented MT-Unsafe for hidden state or a static buffer is a violation,
// each documented MT-Safe is ok.
func TestDocumentedExampleManifest(t *testing.T) {
	const file = "../../examples/manifests/glibc.json"
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/extensions.md")
	if err != nil {
		t.Fatal(err)
	}
	const marker = "<!-- examples/manifests/glibc.json -->\n```json\n"
	_, block, ok := strings.Cut(string(doc), marker)
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 || strings.TrimSpace(block) != strings.TrimSpace(string(want)) {
		t.Fatalf("docs/extensions.md does not show %s verbatim after %q", file, marker)
	}
	code, rep := checkJSONDoc(t, file)
	verdicts := map[string]string{
		"tmpnam": "violation", "gmtime": "violation", "getpwnam": "violation",
		"asctime": "violation", "strtok": "violation", "srand48-drand48": "violation",
		"random": "ok", "gmtime_r": "ok", "strtok_r": "ok",
	}
	if code != 1 || len(rep.Functions) != len(verdicts) {
		t.Fatalf("exit %d, %d functions; want 1 and %d", code, len(rep.Functions), len(verdicts))
	}
	for _, f := range rep.Functions {
		if f.Verdict != verdicts[f.Name] {
			t.Errorf("%s: %s (%s%s); want %s", f.Name, f.Verdict, f.Example, f.Reason, verdicts[f.Name])
		}
	}
}
