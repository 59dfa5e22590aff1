//go:build darwin || freebsd || linux || netbsd

package benchfix_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/internal/benchfix"
	"github.com/goractor/goractor/internal/cbuild"
)

func TestBuildExportsTheABI(t *testing.T) {
	path, err := benchfix.Build(t.TempDir())
	if errors.Is(err, cbuild.ErrNoCompiler) {
		t.Skipf("no C compiler: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		t.Fatal(err)
	}
	defer purego.Dlclose(h)
	for _, s := range benchfix.Symbols {
		if _, err := purego.Dlsym(h, s); err != nil {
			t.Errorf("symbol %s: %v", s, err)
		}
	}
	var add func(int32, int32) int32
	purego.RegisterLibFunc(&add, h, "add")
	if got := add(2, 3); got != 5 {
		t.Errorf("add(2, 3) = %d; want 5", got)
	}
}

func TestCgoAdd(t *testing.T) {
	if !benchfix.HaveCgo {
		defer func() {
			if recover() == nil {
				t.Errorf("CgoAdd without cgo did not panic")
			}
		}()
		benchfix.CgoAdd(1, 2)
		return
	}
	if got := benchfix.CgoAdd(40, 2); got != 42 {
		t.Errorf("CgoAdd(40, 2) = %d; want 42", got)
	}
}

// The cgo callback baseline runs the fixture's loops, on both paths, and
// computes what they compute through goractor's callbacks.
func TestCgoCallbackN(t *testing.T) {
	if !benchfix.HaveCgo {
		for _, f := range []func(int) uintptr{benchfix.CgoCallbackN, benchfix.CgoCallbackNThread} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("a cgo callback baseline without cgo did not panic")
					}
				}()
				f(1)
			}()
		}
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if got := benchfix.CgoCallbackN(100); got != 5050 {
		t.Errorf("CgoCallbackN(100) = %d, want 5050", got)
	}
	if got := benchfix.CgoCallbackNThread(100); got != 5050 {
		t.Errorf("CgoCallbackNThread(100) = %d, want 5050", got)
	}
}
