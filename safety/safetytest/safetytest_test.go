package safetytest_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/extension/libc"
	"github.com/goractor/goractor/extension/libm"
	"github.com/goractor/goractor/extension/sqlite3"
	"github.com/goractor/goractor/extension/zlib"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety/safetytest"
)

func calls() safetytest.Option {
	if testing.Short() {
		return safetytest.WithCalls(16)
	}
	return safetytest.WithCalls(48)
}

// The shipped extensions pass the suite (the in-repo consumer).
func TestShippedLibm(t *testing.T) {
	safetytest.Run(t, safetytest.Subject{Extension: libm.Name, Functions: []safetytest.Function{
		{Name: "cos", Signature: "func(float64) float64", Inputs: [][]any{{0.0}, {1.0}, {math.Pi}, {-2.5}}},
		{Name: "pow", Signature: "func(float64, float64) float64", Inputs: [][]any{{2.0, 10.0}, {1.5, 2.5}}},
		{Name: "hypot", Signature: "func(float64, float64) float64", Inputs: [][]any{{3.0, 4.0}, {5.0, 12.0}}},
		{Name: "sqrt", Signature: "func(float64) float64", Inputs: [][]any{{2.0}, {-1.0}}}, // NaN == NaN here
	}}, calls())
}

func TestShippedLibc(t *testing.T) {
	safetytest.Run(t, safetytest.Subject{Extension: libc.Name, Functions: []safetytest.Function{
		{Name: "strlen", Signature: "func(string) uint64", Inputs: [][]any{{"a"}, {"hello"}}},
		{Name: "atoi", Signature: "func(string) int32", Inputs: [][]any{{"42"}, {"-7"}}},
		{Name: "l64a", Signature: "func(int64) string", Inputs: [][]any{{1}, {64}, {123456}}},
		{Name: "strerror", Signature: "func(int32) string", Inputs: [][]any{{1}, {2}}},
		{Name: "rand", Signature: "func() int32", Inputs: [][]any{{}}},
	}}, calls())
}

func TestShippedZlib(t *testing.T) {
	z, err := zlib.Open()
	testlib.SkipIfLibraryMissing(t, "zlib (zlib1g)", err)
	defer z.Close()
	roundTrip := func(args ...any) (any, error) {
		c, err := z.Compress([]byte(args[0].(string)))
		if err != nil {
			return nil, err
		}
		out, err := z.Uncompress(c, 0)
		return string(out), err
	}
	safetytest.Run(t, safetytest.Subject{Extension: zlib.Name, Functions: []safetytest.Function{
		{Name: "compressBound", Signature: "func(uint64) uint64", Inputs: [][]any{{0}, {1000}, {1 << 20}}},
		{Name: "crc32", Signature: "func(uint64, string, uint32) uint64", Inputs: [][]any{{0, "hello", 5}, {0, "goractor", 8}}},
		{Name: "compress+uncompress", Call: roundTrip, Inputs: [][]any{{"hello hello hello"}, {strings.Repeat("ab", 500)}}},
	}}, calls())
}

func TestShippedSqlite3(t *testing.T) {
	l, err := sqlite3.Open()
	testlib.SkipIfLibraryMissing(t, "libsqlite3 (libsqlite3-0)", err)
	defer l.Close()
	// A connection per call: each actor opens its own, as the package demands.
	query := func(args ...any) (any, error) {
		c, err := l.Open(":memory:")
		if err != nil {
			return nil, err
		}
		defer c.Close()
		_, rows, err := c.Query(args[0].(string))
		if err != nil {
			return nil, err
		}
		return rows, nil
	}
	safetytest.Run(t, safetytest.Subject{Extension: sqlite3.Name, Functions: []safetytest.Function{
		{Name: "sqlite3_complete", Signature: "func(string) int32", Inputs: [][]any{{"SELECT 1;"}, {"SELECT"}}},
		{Name: "sqlite3_libversion_number", Signature: "func() int32", Inputs: [][]any{{}}},
		{Name: "query", Call: query, Inputs: [][]any{{"SELECT 6*7, 'x'"}, {"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM c WHERE n<50) SELECT sum(n) FROM c"}}},
	}}, calls())
}

func fixture(t *testing.T) *extension.Registry {
	lib := testlib.SharedLib(t, []string{"testdata/staticbuf.c"})
	r := extension.NewRegistry()
	// fmt_num writes into a static buffer but is (wrongly) declared
	// parallel-safe along with the rest of the extension.
	r.MustRegister(extension.Declaration{Name: "staticbuf", Libraries: []string{lib}, Safety: extension.ParallelSafe})
	return r
}

var fmtNum = safetytest.Function{Name: "fmt_num", Signature: "func(int32) string", Inputs: [][]any{{1}, {22}, {333}, {4444}, {55555}}}

// A static-buffer function wrongly declared parallel-safe fails the suite.
func TestStaticBufferWronglyDeclaredFails(t *testing.T) {
	r := fixture(t)
	subj := safetytest.Subject{Extension: "staticbuf", Registry: r, Functions: []safetytest.Function{
		fmtNum, {Name: "twice", Signature: "func(int32) int32", Inputs: [][]any{{1}, {2}, {3}}},
	}}
	// The suite has possible false negatives (a race must happen during the
	// run to be seen); give it up to five runs, as -count would.
	var rep *safetytest.Report
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		if rep, err = safetytest.Check(subj, safetytest.WithCalls(500)); err != nil {
			t.Fatal(err)
		}
		if err = rep.Err(); err != nil {
			break
		}
		t.Logf("attempt %d: no overlap observed", attempt)
	}
	var v *safetytest.Violation
	if !errors.As(err, &v) {
		t.Fatalf("TestExtension on a static-buffer function declared parallel-safe = %v; want a *Violation", err)
	}
	if v.Function != "fmt_num" || v.Case != "ParallelCalls" || !strings.Contains(v.Source, "rules.go:") {
		t.Errorf("violation = %+v; want function fmt_num, case ParallelCalls, a source line in rules.go", v)
	}
	t.Logf("found: %v", err)
	for _, f := range rep.Functions {
		switch f.Name {
		case "fmt_num":
			if f.Verdict != safetytest.VerdictViolation || f.Mismatches == 0 || f.Example == "" {
				t.Errorf("fmt_num report = %+v; want a violation with mismatches and an example", f)
			}
		case "twice":
			if f.Verdict != safetytest.VerdictOK || f.Mismatches != 0 || f.Calls == 0 {
				t.Errorf("twice report = %+v; want ok with calls and no mismatches", f)
			}
		}
	}
}

var sumTo = safetytest.Function{Name: "sum_to", Signature: "func(int32) int32", Inputs: [][]any{{10}, {50}, {100}, {200}}}

// Declared not parallel-safe, a function with static state passes: the gate
// keeps other actors out (Raise), or apart (Serialize, OnMain, a dedicated
// thread), and the results match the serial run.
func TestStaticStateDeclaredUnsafePasses(t *testing.T) {
	r := fixture(t)
	base, _ := r.Lookup("staticbuf")
	// Precondition: declared parallel-safe, sum_to fails.
	caught := false
	for attempt := 1; attempt <= 5 && !caught; attempt++ {
		err := safetytest.TestExtension(safetytest.Subject{Extension: "staticbuf", Registry: r, Functions: []safetytest.Function{sumTo}}, safetytest.WithCalls(300))
		caught = err != nil
		if !caught {
			t.Logf("attempt %d: no overlap observed", attempt)
		}
	}
	if !caught {
		t.Fatal("precondition: sum_to declared parallel-safe passed the suite 5 times; the fixture shows no race")
	}
	for _, tc := range []struct {
		name     string
		policy   extension.Policy
		affinity extension.Affinity
		safety   extension.Safety
	}{
		{"raise", extension.Raise, extension.AnyThread, extension.NotParallelSafe},
		{"serialize", extension.Serialize, extension.AnyThread, extension.NotParallelSafe},
		{"on-main", extension.OnMain, extension.AnyThread, extension.NotParallelSafe},
		{"dedicated-thread", extension.Raise, extension.DedicatedThread, extension.ParallelSafe},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := base
			d.Safety, d.Policy, d.Affinity = tc.safety, tc.policy, tc.affinity
			r2 := extension.NewRegistry()
			r2.MustRegister(d)
			rep, err := safetytest.Check(safetytest.Subject{Extension: "staticbuf", Registry: r2, Functions: []safetytest.Function{sumTo}}, safetytest.WithCalls(50))
			if err != nil {
				t.Fatal(err)
			}
			f := rep.Functions[0]
			if rep.Err() != nil || f.Verdict != safetytest.VerdictOK || f.Calls == 0 {
				t.Errorf("report %+v, violations %v; want ok with calls", f, rep.Err())
			}
			if tc.affinity == extension.DedicatedThread && f.Threads != 1 {
				t.Errorf("dedicated thread: calls ran on %d threads; want 1", f.Threads)
			}
			if tc.policy == extension.OnMain && f.Threads != 1 {
				t.Errorf("on-main: forwarded calls ran on %d threads; want 1 (the main actor's)", f.Threads)
			}
			if tc.policy == extension.Raise && tc.affinity == extension.AnyThread && f.Refused != f.Calls {
				t.Errorf("raise: %d of %d calls refused; want all", f.Refused, f.Calls)
			}
		})
	}
}

// A function whose results differ between serial runs and repeat within one
// is inconclusive, not a violation: there is nothing left to compare.
func TestInconclusive(t *testing.T) {
	r := fixture(t)
	rep, err := safetytest.Check(safetytest.Subject{Extension: "staticbuf", Registry: r, Functions: []safetytest.Function{
		{Name: "coin", Signature: "func() int32", Inputs: [][]any{{}}},
	}}, safetytest.WithCalls(4))
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Functions[0].Verdict; got != safetytest.VerdictInconclusive || rep.Err() != nil {
		t.Errorf("coin verdict = %v, err %v; want inconclusive, nil", got, rep.Err())
	}
}

func TestSetupErrors(t *testing.T) {
	r := fixture(t)
	_, err := safetytest.Check(safetytest.Subject{Extension: "staticbuf", Registry: r, Functions: []safetytest.Function{
		{Name: "no_such_symbol", Signature: "func() int32", Inputs: [][]any{{}}},
	}})
	if err == nil || !strings.Contains(err.Error(), "no_such_symbol") {
		t.Errorf("missing symbol: %v; want an error naming it", err)
	}
	if _, err := safetytest.Check(safetytest.Subject{}); !errors.Is(err, safetytest.ErrSetup) {
		t.Errorf("empty subject: %v; want ErrSetup", err)
	}
}

// RunInActors runs a test body in N actors at once.
func TestRunInActors(t *testing.T) {
	m, err := libm.Open()
	testlib.SkipIfLibraryMissing(t, "libm", err)
	defer m.Close()
	seen := make(chan string, 4)
	safetytest.RunInActors(t, 4, func(t testing.TB, ctx *actor.Context) {
		seen <- ctx.Name()
		for i := range 100 {
			x := float64(i) / 10
			if got, want := m.Hypot(x, x), math.Sqrt2*x; math.Abs(got-want) > 1e-9 {
				t.Fatalf("hypot(%v, %v) = %v; want %v", x, x, got, want)
			}
		}
	})
	close(seen)
	names := map[string]bool{}
	for n := range seen {
		names[n] = true
	}
	if len(names) != 4 {
		t.Errorf("bodies ran in actors %v; want 4 distinct actors", names)
	}
}

// A static-buffer function that returns at once (l64a's shape) is caught in
// every run, not now and then: the suite also reads each returned string a
// while after the call, when another actor's call has overwritten the
// buffer. The same function writing a thread-local buffer passes.
func TestFastStaticBufferCaughtEveryRun(t *testing.T) {
	r := fixture(t)
	inputs := [][]any{{1}, {22}, {333}, {4444}}
	subj := safetytest.Subject{Extension: "staticbuf", Registry: r, Functions: []safetytest.Function{
		{Name: "fast_num", Signature: "func(int32) string", Inputs: inputs},
		{Name: "tls_num", Signature: "func(int32) string", Inputs: inputs},
	}}
	for run := 1; run <= 3; run++ {
		rep, err := safetytest.Check(subj, safetytest.WithCalls(200))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Functions {
			switch f.Name {
			case "fast_num":
				if f.Verdict != safetytest.VerdictViolation || f.Mismatches == 0 {
					t.Errorf("run %d: fast_num = %+v; want a violation", run, f)
				}
			case "tls_num":
				if f.Verdict != safetytest.VerdictOK || f.Mismatches != 0 {
					t.Errorf("run %d: tls_num = %+v; want ok (a thread-local buffer is parallel-safe)", run, f)
				}
			}
		}
		if run == 1 {
			t.Logf("fast_num: %s", rep.Functions[0].Example)
		}
	}
}
