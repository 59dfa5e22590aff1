package ffi_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/cbuild"
)

// fixturePath is testdata/fixture.c built once for the whole package run
// ("" when there is no C compiler; tests that need it then skip).
var fixturePath string

func TestMain(m *testing.M) {
	if crashChildRole() {
		os.Exit(m.Run()) // it dies of its crash: leave no fixture directory behind
	}
	dir, err := os.MkdirTemp("", "ffi-fixture-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	p := filepath.Join(dir, "libfixture.so")
	if err := cbuild.SharedLib(p, []string{"testdata/fixture.c"}); err == nil {
		fixturePath = p
	} else if !errors.Is(err, cbuild.ErrNoCompiler) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		// The default offload pool lives for the whole process.
		if err := goleak.Find(goleak.IgnoreAnyFunction("github.com/goractor/goractor/ffi.(*Pool).worker")); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// fixture opens the fixture library for one test and closes it at cleanup.
func fixture(t testing.TB) *ffi.Library {
	t.Helper()
	if fixturePath == "" {
		t.Skip("no C compiler: fixture not built")
	}
	l, err := ffi.Open(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// bind is Library.Bind returning the function, for tests that bind many.
func bind[F any](l *ffi.Library, symbol string, opts ...ffi.BindOption) (F, error) {
	var f F
	err := l.Bind(&f, symbol, opts...)
	return f, err
}

// growStack recurses n frames of 256 bytes (n = 2000: about 600 KB), so a
// callback that calls it makes the runtime copy the calling goroutine's
// stack to a new place.
func growStack(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return growStack(n-1) + int(pad[n%256]&1)
}
