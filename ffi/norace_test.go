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
	add, _ := ffi.Fn2[int32, int32, int32](l, "add")
	hyp, _ := ffi.Fn2[float64, float64, float64](l, "hypot2")
	var bAdd func(int32, int32) int32
	l.MustBind(&bAdd, "add")
	slen, _ := ffi.Fn1[string, uint64](l, "my_strlen")
	var bSlen func(string) uint64
	l.MustBind(&bSlen, "my_strlen")
	sum, _ := ffi.Fn2[[]byte, int32, int64](l, "sum_bytes")
	buf := []byte{1, 2, 3}
	greet, _ := ffi.Fn0[string](l, "greeting")
	type point struct{ X, Y int32 }
	padd, _ := ffi.Fn2[point, point, point](l, "point_add")
	if !mustFunc(t, l, "add", "func(int32, int32) int32").Fast() {
		t.Skip("no register trampoline on this platform")
	}
	for name, f := range map[string]func(){
		"Fn2 add":     func() { _, _ = add(1, 2) },
		"Fn2 hypot2":  func() { _, _ = hyp(3, 4) },
		"Bind add":    func() { _ = bAdd(1, 2) },
		"Fn1 strlen":  func() { _, _ = slen("hello") },
		"Bind strlen": func() { _ = bSlen("hello") },
		"Fn2 []byte":  func() { _, _ = sum(buf, 3) },
		"Fn2 struct":  func() { _, _ = padd(point{1, 2}, point{3, 4}) },
		"actor add":   nil,
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
