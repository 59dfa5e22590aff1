//go:build linux && (amd64 || arm64)

package ffi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/cbuild"
	"github.com/goractor/goractor/internal/nativecrash"
)

// The native crash report (internal/nativecrash, docs/limits.md): every
// crash runs in a child process (this test binary again, selected by
// crashCaseEnv), and the parent reads the child's stderr and exit status.

const (
	crashCaseEnv = "GORACTOR_TEST_CRASH_CASE"
	crashLibEnv  = "GORACTOR_TEST_CRASH_LIB"
)

// crashLib builds testdata/crash.c once, next to the package's fixture (in
// the directory TestMain removes).
var crashLib = sync.OnceValues(func() (string, error) {
	p := filepath.Join(filepath.Dir(fixturePath), "libcrashfix.so")
	return p, cbuild.SharedLib(p, []string{"testdata/crash.c"})
})

func crashLibPath(t *testing.T) string {
	t.Helper()
	if fixturePath == "" {
		t.Skip("no C compiler: crash fixture not built")
	}
	p, err := crashLib()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func crashChildRole() bool { return os.Getenv(crashCaseEnv) != "" }

// TestNativeCrashChild is the child's role; it does nothing in a normal run.
func TestNativeCrashChild(t *testing.T) {
	c := os.Getenv(crashCaseEnv)
	if c == "" {
		t.Skip("runs only as the child of the native crash tests")
	}
	if err := runCrashCase(c, os.Getenv(crashLibEnv)); err != nil {
		fmt.Fprintln(os.Stderr, "crash case:", err)
		os.Exit(3)
	}
	fmt.Fprintln(os.Stderr, "crash case: survived")
	os.Exit(4)
}

// runCrashCase makes the crashing call of case c ("where/what": where is
// actor, native or goroutines; what is segv, abort, overflow (of the C
// stack) or thread, a SIGSEGV on a thread the C function creates). It returns only if
// the call did not crash.
func runCrashCase(c, lib string) error {
	where, what, _ := strings.Cut(c, "/")
	l, err := ffi.Open(lib)
	if err != nil {
		return err
	}
	var opts []ffi.BindOption
	switch where {
	case "native":
		opts = append(opts, ffi.WithPool(ffi.NewPool(2, 4, ffi.WithPoolName("crashpool"))))
	case "goroutines":
		opts = append(opts, ffi.WithPool(ffi.NewPool(2, 4, ffi.WithPoolName("gopool"), ffi.WithoutNativeThreads())))
	}
	var f *ffi.Func
	var args []any
	switch what {
	case "segv":
		f, err = l.FuncString("crash_segv", "func(p int64) int32", opts...)
		args = []any{int64(0)}
	case "abort":
		f, err = l.FuncString("crash_abort", "func()", opts...)
	case "thread":
		f, err = l.FuncString("crash_on_thread", "func() int32", opts...)
	case "overflow":
		f, err = l.FuncString("crash_overflow", "func(n int32) int32", opts...)
		args = []any{int32(0)}
	default:
		return fmt.Errorf("unknown case %q", c)
	}
	if err != nil {
		return err
	}
	if where != "actor" {
		_, err := f.Async(context.Background(), args...).Wait(context.Background())
		return err
	}
	return actor.Run(func(main *actor.Context) error {
		a, err := main.Spawn(func(cx *actor.Context) (any, error) {
			return f.Call(args...)
		}, actor.WithName("crasher"))
		if err != nil {
			return err
		}
		return a.Join(main)
	})
}

// crashChild runs case c in a child and returns its stderr and exit error.
func crashChild(t *testing.T, c string, env ...string) (string, error) {
	t.Helper()
	lib := crashLibPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestNativeCrashChild$")
	cmd.Env = append(os.Environ(), crashCaseEnv+"="+c, crashLibEnv+"="+lib)
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stderr.String(), err
}

// reportLine returns the child's one native crash line.
func reportLine(t *testing.T, stderr string) string {
	t.Helper()
	var lines []string
	for _, ln := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(ln, nativecrash.Prefix) {
			lines = append(lines, ln)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("want one %q line, got %d; stderr:\n%s", nativecrash.Prefix, len(lines), stderr)
	}
	return lines[0]
}

// crashCase is one crash and the report line and death it must give.
type crashCase struct {
	c, signal, at, call, caller string
	sigDeath                    syscall.Signal // the child dies of it (0: Go's own report exits 2)
}

// nativeCase is a crash in a call offloaded to a pool with native threads
// where the platform has them (linux/amd64): the thread is named by its
// index and the process dies of the signal. Elsewhere the pool's workers
// are goroutines, named by worker, and Go's report ends the process.
func nativeCase(c, signal, at, call string, sig syscall.Signal) crashCase {
	if runtime.GOARCH == "amd64" {
		return crashCase{c, signal, at, call, "pool crashpool thread 0", sig}
	}
	return crashCase{c, signal, at, call, `pool crashpool worker \d+`, 0}
}

func TestNativeCrashReport(t *testing.T) {
	if !nativecrash.Installed() {
		t.Fatal("the native crash handler is not installed")
	}
	cases := []crashCase{
		{"actor/segv", "SIGSEGV", "libcrashfix.so:crash_segv", "libcrashfix.so:crash_segv", "actor crasher", 0},
		{"actor/abort", "SIGABRT", `libc\.so\.6[:+]\S+`, "libcrashfix.so:crash_abort", "actor crasher", 0},
		// On linux/amd64 a pool runs offloaded calls on native threads (the
		// report needs each thread's alternate signal stack, overflow shows
		// it); elsewhere on Go worker goroutines, which Go's report follows.
		nativeCase("native/segv", "SIGSEGV", "libcrashfix.so:crash_segv", "libcrashfix.so:crash_segv", syscall.SIGSEGV),
		nativeCase("native/overflow", "SIGSEGV", "libcrashfix.so:crash_overflow", "libcrashfix.so:crash_overflow", syscall.SIGSEGV),
		nativeCase("native/abort", "SIGABRT", `libc\.so\.6[:+]\S+`, "libcrashfix.so:crash_abort", syscall.SIGABRT),
		{"goroutines/segv", "SIGSEGV", "libcrashfix.so:crash_segv", "libcrashfix.so:crash_segv", `pool gopool worker \d+`, 0},
		{"goroutines/abort", "SIGABRT", `libc\.so\.6[:+]\S+`, "libcrashfix.so:crash_abort", `pool gopool worker \d+`, 0},
		// A thread C created: no stack to scan, no name; the process dies
		// of the signal, as Go's handler would make it.
		{"actor/thread", "SIGSEGV", `libcrashfix\.so[:+]\S+`, "?", "foreign", syscall.SIGSEGV},
	}
	for _, tc := range cases {
		t.Run(tc.c, func(t *testing.T) {
			stderr, err := crashChild(t, tc.c)
			line := reportLine(t, stderr)
			want := `^goractor: native crash: signal=` + tc.signal + ` code=-?\d+ addr=\S+ pc=0x[0-9a-f]+ at=` +
				regexp.QuoteMeta(tc.at) + `(\+0x[0-9a-f]+)? call=` + regexp.QuoteMeta(tc.call) +
				` tid=\d+ caller=` + tc.caller + `$`
			if strings.Contains(tc.at, `\`) {
				want = strings.Replace(want, regexp.QuoteMeta(tc.at), tc.at, 1)
			}
			if !regexp.MustCompile(want).MatchString(line) {
				t.Fatalf("report line\n%s\ndoes not match\n%s\nstderr:\n%s", line, want, stderr)
			}
			if tc.signal == "SIGSEGV" && !strings.HasSuffix(tc.c, "/overflow") && !strings.Contains(line, " addr=0x0 ") {
				t.Errorf("fault address: want 0x0 (a NULL read): %s", line)
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("child: want it to die, got %v; stderr:\n%s", err, stderr)
			}
			ws := ee.Sys().(syscall.WaitStatus)
			switch {
			case tc.sigDeath != 0 && (!ws.Signaled() || ws.Signal() != tc.sigDeath):
				t.Fatalf("child: want death by %v, got %v; stderr:\n%s", tc.sigDeath, ws, stderr)
			case tc.sigDeath == 0 && (ws.Signaled() || ws.ExitStatus() != 2 || !strings.Contains(stderr, "signal arrived during cgo execution")):
				t.Fatalf("child: want Go's own report after the line (exit 2), got %v; stderr:\n%s", ws, stderr)
			}
		})
	}
}

// With GOTRACEBACK=crash Go's report still follows the line and the child
// dies of SIGABRT, as Go makes it.
func TestNativeCrashReportGotracebackCrash(t *testing.T) {
	stderr, err := crashChild(t, "actor/segv", "GOTRACEBACK=crash")
	line := reportLine(t, stderr)
	if !strings.Contains(line, "caller=actor crasher") {
		t.Fatalf("line: %s", line)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() {
		t.Fatalf("child: want death by a signal, got %v; stderr:\n%s", err, stderr)
	}
}
