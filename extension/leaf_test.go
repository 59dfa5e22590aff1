package extension

import (
	"testing"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/gatehook"
)

// A function listed in Declaration.Leaf is bound WithLeaf (leaf calls when
// the process allows them); when it is gated, its calls are leaf calls only
// where the gate's first phase admits them on the caller's goroutine.
func TestDeclaration_LeafFunctions(t *testing.T) {
	x, err := Open(Declaration{
		Name: "leafm", Libraries: []string{"libm.so.6"}, Safety: ParallelSafe,
		Functions: map[string]Safety{"fmin": NotParallelSafe},
		Leaf:      []string{"fmax", "fmin"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	fmax, err := x.Func("fmax", ffi.MustSignature("func(float64, float64) float64"))
	if err != nil {
		t.Fatal(err)
	}
	if fmax.Leaf() != ffi.LeafCalls() || gatehook.Gated(fmax) {
		t.Errorf("declared leaf fmax: Leaf() = %v, Gated() = %v; want %v, false", fmax.Leaf(), gatehook.Gated(fmax), ffi.LeafCalls())
	}
	if r, err := fmax.Call(2.0, 3.0); err != nil || r != 3.0 {
		t.Errorf("fmax(2, 3) = %v, %v", r, err)
	}
	fmin, err := x.Func("fmin", ffi.MustSignature("func(float64, float64) float64"))
	if err != nil {
		t.Fatal(err)
	}
	if fmin.Leaf() != ffi.LeafCalls() || !gatehook.Gated(fmin) {
		t.Errorf("gated leaf fmin: Leaf() = %v, Gated() = %v; want %v, true", fmin.Leaf(), gatehook.Gated(fmin), ffi.LeafCalls())
	}
	fabs, err := x.Func("fabs", ffi.MustSignature("func(float64) float64"))
	if err != nil {
		t.Fatal(err)
	}
	if fabs.Leaf() {
		t.Error("fabs, not declared leaf, is a leaf function")
	}
	// The declaration a caller reads back is a copy.
	d := x.Declaration()
	d.Leaf[0] = "changed"
	if x.Declaration().Leaf[0] != "fmax" {
		t.Error("Declaration() shares its Leaf slice")
	}
}
