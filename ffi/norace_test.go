//go:build !race

package ffi_test

import (
	"testing"

	"github.com/goractor/goractor/ffi"
)

const raceEnabled = false

// TestFastPath_NoAllocs checks that the typed and common-shape bound calls
// allocate nothing (skipped under -race, which allocates).
func TestFastPath_NoAllocs(t *testing.T) {
	l := fixture(t)
	add, _ := bind[func(int32, int32) (int32, error)](l, "add")
	hyp, _ := bind[func(float64, float64) (float64, error)](l, "hypot2")
	var bAdd func(int32, int32) int32
	l.MustBind(&bAdd, "add")
	type addFn func(int32, int32) int32 // a named type gets its underlying type's shape
	var nAdd addFn
	l.MustBind(&nAdd, "add")
	slen, _ := bind[func(string) (uint64, error)](l, "my_strlen")
	var bSlen func(string) uint64
	l.MustBind(&bSlen, "my_strlen")
	sum, _ := bind[func([]byte, int32) int64](l, "sum_bytes")
	buf := []byte{1, 2, 3}
	greet, _ := bind[func() (string, error)](l, "greeting")
	type point struct{ X, Y int32 }
	padd, _ := ffi.TypedFn2[point, point, point](l, "point_add") // the typed closure, which no listed shape with a struct reaches
	if !mustFunc(t, l, "add", "func(int32, int32) int32").Fast() {
		t.Skip("no register trampoline on this platform")
	}
	for name, f := range map[string]func(){
		"Bind add error":    func() { _, _ = add(1, 2) },
		"Bind hypot2 error": func() { _, _ = hyp(3, 4) },
		"Bind add":          func() { _ = bAdd(1, 2) },
		"Bind named add":    func() { _ = nAdd(1, 2) },
		"Bind strlen error": func() { _, _ = slen("hello") },
		"Bind strlen":       func() { _ = bSlen("hello") },
		"Bind []byte":       func() { _ = sum(buf, 3) },
		"typed struct":      func() { _, _ = padd(point{1, 2}, point{3, 4}) },
		"actor add":         nil,
	} {
		if f == nil {
			continue
		}
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%s: %v allocs per call, want 0", name, n)
		}
	}
	if n := testing.AllocsPerRun(1000, func() { _, _ = greet() }); n != 1 {
		t.Errorf("string result: %v allocs per call, want 1 (the copy)", n)
	}
}
