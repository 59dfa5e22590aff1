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

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

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

// rand declared parallel-safe: its results differ between two serial runs,
// which makes it inconclusive, not a violation. cos comes from the
// function's own library list.
func TestCheckInconclusive(t *testing.T) {
	p := writeManifest(t, `{"extension": "libc-rand", "library": ["libc.so.6"], "parallel_safe": true,
		"functions": [{"name": "rand", "signature": "func() int32", "inputs": [[]]},
			{"name": "cos", "library": ["libm.so.6"], "signature": "func(float64) float64", "inputs": [[0.5]]}]}`)
	code, o, e := runArgs("check", "--json", "--calls", "8", p)
	if code != 0 || !strings.Contains(o, `"verdict": "inconclusive"`) || !strings.Contains(o, `"verdict": "ok"`) {
		t.Errorf("exit %d; want 0 and an inconclusive verdict\nstdout:\n%s\nstderr:\n%s", code, o, e)
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
