package testlib

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/cbuild"
)

// SharedLib compiles the C sources srcs (paths, usually testdata/x.c) into a
// shared library in tb.TempDir() and returns its path. extra is appended to
// the compiler command line (for example "-lm", "-lz"). It skips the test with
// a clear message when no C compiler is installed, and fails it when the
// compiler reports an error.
func SharedLib(tb testing.TB, srcs []string, extra ...string) string {
	tb.Helper()
	if runtime.GOOS == "windows" {
		tb.Skip("testlib: C fixtures are built for Unix systems only")
	}
	out := filepath.Join(tb.TempDir(), "lib"+strings.TrimSuffix(filepath.Base(srcs[0]), ".c")+".so")
	if err := cbuild.SharedLib(out, srcs, extra...); err != nil {
		if errors.Is(err, cbuild.ErrNoCompiler) {
			tb.Skipf("testlib: skipping, no C compiler to build fixtures: %v", err)
		}
		tb.Fatal(err)
	}
	return out
}

// Threads returns the number of OS threads of this process, from the
// "Threads:" line of /proc/self/status (it counts threads Go did not create
// too). It returns -1 where /proc is not available.
func Threads() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// SkipIfLibraryMissing skips the test when err says that a system library
// could not be opened (an *ffi-style load error with no symbol: the library
// itself is missing), unless the CI environment variable is set: CI installs
// every library the tests use, so there a missing library is a failure. Any
// other error fails the test.
func SkipIfLibraryMissing(tb testing.TB, lib string, err error) {
	tb.Helper()
	if err == nil {
		return
	}
	var le interface{ MissingLibrary() bool }
	if errors.As(err, &le) && le.MissingLibrary() && os.Getenv("CI") == "" {
		tb.Skipf("testlib: skipping, %s is not installed (install it, or run .ci/run): %v", lib, err)
	}
	tb.Fatalf("open %s: %v", lib, err)
}

// ChildEnv is set, in a child process started by RunSelf, to the name of the
// test the child runs.
const ChildEnv = "GORACTOR_TEST_CHILD"

// InChild reports whether this process is the child RunSelf started to run tb.
func InChild(tb testing.TB) bool { return os.Getenv(ChildEnv) == tb.Name() }

// RunSelf runs test tb again in a child process: the test binary, with
// -test.run matching tb alone and ChildEnv set to its name, plus env. Tests
// whose failure would crash or hang the process run their body in the child
// (when InChild) and check the child's exit and output in the parent. The
// child is killed (by its PID) after timeout. It returns what the child
// wrote to stdout and stderr, combined, and its exit error.
func RunSelf(tb testing.TB, timeout time.Duration, env ...string) (string, error) {
	tb.Helper()
	parts := strings.Split(tb.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+strings.Join(parts, "/"), "-test.count=1", "-test.v")
	cmd.Env = append(append(os.Environ(), ChildEnv+"="+tb.Name()), env...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("child killed after %v: %w", timeout, ctx.Err())
	}
	return out.String(), err
}
