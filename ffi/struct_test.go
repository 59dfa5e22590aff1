package ffi_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/goractor/goractor/ffi"
)

type (
	tPoint struct{ X, Y int32 }
	tBig   struct{ A, B, C int64 }
	tDI    struct {
		X float64
		N int64
	}
	tID struct {
		N int64
		X float64
	}
	tF2 struct{ A, B float32 }
	tIF struct {
		A int32
		B float32
	}
	tRGB struct{ R, G, B uint8 }
	tF3  struct{ A, B, C float32 }
)

// TestTyped_Structs passes and returns small structs of every System V class
// mix on the register trampoline, and larger or overflowing ones through the
// purego fallback, on the typed (Fn) path and through Bind.
func TestTyped_Structs(t *testing.T) {
	l := fixture(t)
	padd, err := bind[func(tPoint, tPoint) (tPoint, error)](l, "point_add")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := padd(tPoint{1, 2}, tPoint{10, -20}); err != nil || got != (tPoint{11, -18}) {
		t.Errorf("point_add = %v, %v", got, err)
	}
	// On arm64 purego passes a {double, int64} argument's double in a float
	// register where AAPCS64 wants a general one: refused there, by name.
	mixedRefused := runtime.GOARCH == "arm64"
	refusedOnArm64 := func(sym string, err error) bool {
		t.Helper()
		if !mixedRefused {
			if err != nil {
				t.Fatalf("%s: %v", sym, err)
			}
			return false
		}
		var se *ffi.SignatureError
		if !errors.As(err, &se) || !strings.Contains(se.Reason, runtime.GOOS+"/arm64") {
			t.Errorf("%s on arm64: %v, want a *SignatureError naming the platform", sym, err)
		}
		return true
	}
	di, err := bind[func(tDI, int32) (tDI, error)](l, "di_mix")
	if !refusedOnArm64("di_mix", err) {
		if got, _ := di(tDI{1.5, 7}, 3); got != (tDI{4.5, 10}) {
			t.Errorf("di_mix = %v", got)
		}
	}
	id, err := bind[func(tID, float64) (tID, error)](l, "id_mix")
	if !refusedOnArm64("id_mix", err) {
		if got, _ := id(tID{21, 0.5}, 2); got != (tID{42, 2.5}) {
			t.Errorf("id_mix = %v", got)
		}
	}
	f2, _ := bind[func(tF2) (tF2, error)](l, "f2_swap")
	if got, _ := f2(tF2{1.25, -3}); got != (tF2{-3, 1.25}) {
		t.Errorf("f2_swap = %v", got)
	}
	ifm, _ := bind[func(tIF) (tIF, error)](l, "if_mix")
	if got, _ := ifm(tIF{41, 1.5}); got != (tIF{42, 3}) {
		t.Errorf("if_mix = %v", got)
	}
	rgb, _ := bind[func(tRGB) (tRGB, error)](l, "rgb_inv")
	if got, _ := rgb(tRGB{0, 10, 255}); got != (tRGB{255, 245, 0}) {
		t.Errorf("rgb_inv = %v", got)
	}
	f3, _ := bind[func(tF3, float32) (tF3, error)](l, "f3_scale")
	if got, _ := f3(tF3{1, 2, 3}, 2); got != (tF3{2, 4, 6}) {
		t.Errorf("f3_scale = %v", got)
	}
	// A 24-byte struct (memory class) takes the purego fallback; a
	// one-register struct after five integers and four {double, int64}
	// structs (4 + 4 registers) still fit the registers.
	big, err := bind[func(tBig, tBig) (tBig, error)](l, "big_add")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := big(tBig{1, 2, 3}, tBig{10, 20, 30}); err != nil || got != (tBig{11, 22, 33}) {
		t.Errorf("big_add = %v, %v", got, err)
	}
	var stp func(int64, int64, int64, int64, int64, tPoint) (int64, error)
	l.MustBind(&stp, "six_then_point")
	if got, err := stp(1, 2, 3, 4, 5, tPoint{7, 8}); err != nil || got != 15+708 {
		t.Errorf("six_then_point = %v, %v; want %d", got, err, 15+708)
	}
	// A struct the ABI puts on the stack after the registers ran out is
	// refused (purego would split it between registers and stack).
	var ftp func(int64, int64, int64, int64, int64, struct{ A, B int64 }) int64
	err = l.Bind(&ftp, "five_then_pair")
	var se *ffi.SignatureError
	if runtime.GOARCH == "amd64" && (!errors.As(err, &se) || se.Param != 5) {
		t.Errorf("five_then_pair: %v, want a *SignatureError for parameter 5", err)
	}
	var sum func(tDI, tDI, tDI, tDI) float64
	if !refusedOnArm64("di_sum", l.Bind(&sum, "di_sum")) {
		if got := sum(tDI{1, 2}, tDI{3, 4}, tDI{5, 6}, tDI{7, 8}); got != 36 {
			t.Errorf("di_sum = %v", got)
		}
	}
	fast := map[string]bool{}
	for sym, sig := range map[string]string{
		"point_add":      "func(a, b struct{ X, Y int32 }) struct{ X, Y int32 }",
		"di_mix":         "func(a struct{ X float64; N int64 }, k int32) struct{ X float64; N int64 }",
		"big_add":        "func(a, b struct{ A, B, C int64 }) struct{ A, B, C int64 }",
		"six_then_point": "func(a, b, c, d, e int64, p struct{ X, Y int32 }) int64",
		"di_sum":         "func(a, b, c, d struct{ X float64; N int64 }) float64",
	} {
		if mixedRefused && (sym == "di_mix" || sym == "di_sum") {
			continue
		}
		fast[sym] = mustFunc(t, l, sym, sig).Fast()
	}
	if want := map[string]bool{"point_add": true, "di_mix": true, "big_add": false, "six_then_point": true, "di_sum": true}; ffiFast(l) && !mapsEqual(fast, want) {
		t.Errorf("fast engine per function %v, want %v", fast, want)
	}
	// Through Bind (reflect.MakeFunc, the register trampoline underneath).
	var bpadd func(tPoint, tPoint) tPoint
	var bid func(tID, float64) (tID, error)
	l.MustBind(&bpadd, "point_add")
	if got := bpadd(tPoint{1, 1}, tPoint{2, 2}); got != (tPoint{3, 3}) {
		t.Errorf("bound point_add = %v", got)
	}
	if !refusedOnArm64("bound id_mix", l.Bind(&bid, "id_mix")) {
		if got, err := bid(tID{1, 1}, 1); err != nil || got != (tID{2, 2}) {
			t.Errorf("bound id_mix = %v, %v", got, err)
		}
	}
}

func ffiFast(l *ffi.Library) bool {
	f, err := l.Func("add", ffi.MustSignature("func(int32, int32) int32"))
	return err == nil && f.Fast()
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
