package conformance_test

import (
	"testing"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/safety/conformance"
)

// Layouts of glibc's struct tm, struct passwd and struct hostent on 64-bit
// Linux.
var (
	tmLayout = &conformance.Layout{Fields: []conformance.Field{
		{Name: "sec", Type: "int32"}, {Name: "min", Type: "int32"}, {Name: "hour", Type: "int32"},
		{Name: "mday", Type: "int32"}, {Name: "mon", Type: "int32"}, {Name: "year", Type: "int32"},
		{Name: "wday", Type: "int32"}, {Name: "yday", Type: "int32"}, {Name: "isdst", Type: "int32"},
		{Name: "gmtoff", Type: "int64"}, {Name: "zone", Type: "string"},
	}}
	passwdLayout = &conformance.Layout{Fields: []conformance.Field{
		{Name: "name", Type: "string"}, {Name: "passwd", Type: "string"}, {Name: "uid", Type: "uint32"},
		{Name: "gid", Type: "uint32"}, {Name: "gecos", Type: "string"}, {Name: "dir", Type: "string"},
		{Name: "shell", Type: "string"},
	}}
	hostentLayout = &conformance.Layout{Fields: []conformance.Field{
		{Name: "name", Type: "string"}, {Name: "aliases", Type: "pointer"},
		{Name: "addrtype", Type: "int32"}, {Name: "length", Type: "int32"}, {Name: "addr_list", Type: "pointer"},
	}}
)

// tmValue is a struct tm as asctime reads it (9 ints, then tm_gmtoff and
// tm_zone, left 0/NULL).
func tmValue(sec, min, hour, mday, mon, year int32) conformance.PtrTo {
	return conformance.PtrTo{Value: [14]int32{sec, min, hour, mday, mon, year, 0, 0, 0}}
}

var times = [][]any{
	{conformance.PtrTo{Value: int64(0)}}, {conformance.PtrTo{Value: int64(86400*365 + 3723)}},
	{conformance.PtrTo{Value: int64(1700000000)}}, {conformance.PtrTo{Value: int64(951782400)}},
	{conformance.PtrTo{Value: int64(2000000000)}},
}

// glibcUnsafe are glibc functions whose man page says MT-Unsafe because of
// hidden state or a static buffer, each (wrongly) declared parallel-safe.
// crypt is among them but is checked with goractor check --isolate
// (cmd/goractor TestCheckCryptIsolated): racing, it sometimes crashes the
// process.
func glibcUnsafe() []conformance.Function {
	return []conformance.Function{
		// Stateful: results differ even serially. (drand48 and lrand48
		// are in TestUnlockedGeneratorAlone, judged in fresh processes.)
		{Name: "tmpnam", Signature: "func(unsafe.Pointer) string", Inputs: [][]any{{nil}}},
		// Struct results.
		{Name: "gmtime", Signature: "func(unsafe.Pointer) unsafe.Pointer", Result: tmLayout, Inputs: times},
		{Name: "localtime", Signature: "func(unsafe.Pointer) unsafe.Pointer", Result: tmLayout, Inputs: times},
		{Name: "getpwnam", Signature: "func(string) unsafe.Pointer", Result: passwdLayout,
			Inputs: [][]any{{"root"}, {"daemon"}, {"bin"}, {"nobody"}}},
		// Numeric addresses: no lookup leaves the process, and h_name is
		// a copy of the argument in the static struct's buffer.
		{Name: "gethostbyname", Signature: "func(string) unsafe.Pointer", Result: hostentLayout,
			Inputs: [][]any{{"127.0.0.1"}, {"127.0.0.2"}, {"10.1.2.3"}}},
		// String arguments, static buffers.
		{Name: "asctime", Signature: "func(unsafe.Pointer) string",
			Inputs: [][]any{{tmValue(1, 2, 3, 4, 5, 70)}, {tmValue(59, 59, 23, 31, 11, 99)}, {tmValue(30, 30, 12, 15, 6, 123)}}},
		{Name: "ctime", Signature: "func(unsafe.Pointer) string", Inputs: times},
		// Call protocols.
		{Name: "strtok", Steps: []conformance.Step{
			{Name: "strtok", Signature: "func(unsafe.Pointer, string) string"},
			{Name: "strtok", Signature: "func(unsafe.Pointer, string) string"},
			{Name: "strtok", Signature: "func(unsafe.Pointer, string) string"},
		}, Inputs: [][]any{
			{[]any{"a,b,c", ","}, []any{nil, ","}, []any{nil, ","}},
			{[]any{"one two three", " "}, []any{nil, " "}, []any{nil, " "}},
			{[]any{"x:y:z", ":"}, []any{nil, ":"}, []any{nil, ":"}},
		}},
		{Name: "srand48+drand48", Steps: []conformance.Step{
			{Name: "srand48", Signature: "func(int64)"},
			{Name: "drand48", Signature: "func() float64"},
			{Name: "drand48", Signature: "func() float64"},
		}, Inputs: [][]any{
			{[]any{1}, []any{}, []any{}}, {[]any{2}, []any{}, []any{}}, {[]any{3}, []any{}, []any{}},
		}},
	}
}

// glibcSafe are glibc functions documented MT-Safe, declared parallel-safe.
func glibcSafe() []conformance.Function {
	return []conformance.Function{
		{Name: "random", Signature: "func() int64", Inputs: [][]any{{}}},
		{Name: "gmtime_r", Signature: "func(unsafe.Pointer, unsafe.Pointer) unsafe.Pointer", Inputs: [][]any{
			{times[0][0], conformance.Out(*tmLayout)}, {times[1][0], conformance.Out(*tmLayout)}, {times[2][0], conformance.Out(*tmLayout)},
		}},
		{Name: "strtok_r", Steps: []conformance.Step{
			{Name: "strtok_r", Signature: "func(unsafe.Pointer, string, unsafe.Pointer) string"},
			{Name: "strtok_r", Signature: "func(unsafe.Pointer, string, unsafe.Pointer) string"},
			{Name: "strtok_r", Signature: "func(unsafe.Pointer, string, unsafe.Pointer) string"},
		}, Inputs: [][]any{
			{[]any{"a,b,c", ",", conformance.Buffer(8)}, []any{nil, ",", conformance.StepArg{Step: 0, Arg: 2}}, []any{nil, ",", conformance.StepArg{Step: 0, Arg: 2}}},
			{[]any{"one two three", " ", conformance.Buffer(8)}, []any{nil, " ", conformance.StepArg{Step: 0, Arg: 2}}, []any{nil, " ", conformance.StepArg{Step: 0, Arg: 2}}},
		}},
		{Name: "strlen", Signature: "func(string) uint64", Inputs: [][]any{{"a"}, {"hello"}}},
		{Name: "strerror_r", Signature: "func(int32, unsafe.Pointer, uint64) string", Inputs: [][]any{
			{int32(1), conformance.Buffer(128), uint64(128)}, {int32(2), conformance.Buffer(128), uint64(128)},
		}},
	}
}

func libcSubject(fns []conformance.Function) conformance.Subject {
	return conformance.Subject{Declaration: &extension.Declaration{
		Name: "glibc", Libraries: []string{"libc.so.6"}, Safety: extension.ParallelSafe,
	}, Functions: fns}
}

// Every glibc function documented MT-Unsafe for hidden state or a static
// buffer, declared parallel-safe, is a violation in every run; every one
// documented MT-Safe is not.
func TestGlibcDocumented(t *testing.T) {
	runs := 3
	if testing.Short() {
		runs = 1
	}
	for run := 1; run <= runs; run++ {
		rep, err := conformance.Check(libcSubject(append(glibcUnsafe(), glibcSafe()...)))
		if err != nil {
			t.Fatal(err)
		}
		unsafe := map[string]bool{}
		for _, f := range glibcUnsafe() {
			unsafe[f.Name] = true
		}
		for _, f := range rep.Functions {
			want := conformance.VerdictOK
			if unsafe[f.Name] {
				want = conformance.VerdictViolation
			}
			if f.Verdict != want {
				t.Errorf("run %d: %s = %v (%d of %d mismatched; %s%s); want %v", run, f.Name, f.Verdict, f.Mismatches, f.Calls, f.Example, f.Reason, want)
			}
			if run == 1 {
				t.Logf("%s: %v, %d of %d: %s%s", f.Name, f.Verdict, f.Mismatches, f.Calls, f.Example, f.Reason)
			}
		}
	}
}
