// Package signature holds the cases of the text-signature check.
package signature

import "github.com/goractor/goractor/ffi"

const bad = "func(x float32, ...int32)"

func positives(l *ffi.Library) {
	_, _ = l.Func("f", ffi.MustSignature("func(n int32, xs ...float64) int32")) // want `goractor: ffi: signature func\(n int32, xs ...float64\) int32: parameter 1 xs \(...float64\): float arguments to a C variadic function are not supported`
	_, _ = ffi.ParseSignature("func(int32")                                     // want `goractor: ffi: signature func\(int32: .*cannot parse`
	_ = ffi.MustSignature("int32")                                              // want `not a func type`
	_, _ = ffi.ParseSignature(bad)                                              // want `goractor: ffi: signature`
}

func negatives(l *ffi.Library, text string) {
	_, _ = l.Func("abs", ffi.MustSignature("func(int32) int32"))
	_, _ = ffi.ParseSignature(text) // not a constant
	_ = ffi.MustSignature("func(s string) (n uint64, err error)")
	_, _ = ffi.ParseSignature("func(map[int]int)") //goractor:ignore refused on purpose
}
