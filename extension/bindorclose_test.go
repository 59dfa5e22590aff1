package extension_test

import (
	"errors"
	"testing"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/testlib"
)

// BindOrClose is all-or-nothing: a missing symbol fails the whole set, names the
// symbol, and closes the extension so nothing half-bound is used.
func TestBindOrClose(t *testing.T) {
	d := extension.Declaration{Name: "bindall-libm", Libraries: []string{"libm.so.6"}, Safety: extension.ParallelSafe}
	x, err := extension.Open(d)
	testlib.SkipIfLibraryMissing(t, "libm", err)

	var cos func(float64) float64
	if err := x.BindOrClose(map[string]any{"cos": &cos}); err != nil {
		t.Fatalf("BindOrClose(cos) = %v", err)
	}
	if got := cos(0); got != 1 {
		t.Errorf("cos(0) = %v; want 1", got)
	}

	var sin, missing func(float64) float64
	err = x.BindOrClose(map[string]any{"sin": &sin, "no_such_symbol": &missing})
	var le *ffi.LoadError
	if !errors.As(err, &le) || le.Symbol != "no_such_symbol" {
		t.Fatalf("BindOrClose with a missing symbol = %v; want a *ffi.LoadError naming it", err)
	}
	if missing != nil {
		t.Error("the missing symbol's target was assigned")
	}
	var tan func(float64) float64
	if err := x.Bind(&tan, "tan"); err == nil {
		t.Error("Bind after a failed BindOrClose succeeded; want the extension closed")
	}
}
