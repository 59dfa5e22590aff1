package benchfix

import "unsafe"

// Stack depths for call benchmarks. On the 2-vCPU AMD EPYC VM of
// docs/performance.md an ordinary native call read anywhere in 1.08–1.49x
// cgo depending on the 8-byte alignment of its caller's stack within a
// cache line, so a benchmark that calls from one depth measures one draw of
// that alignment. The call benchmarks (ffi's BenchmarkCallDepths, `goractor
// bench`'s call ratios) spread their batches over Depths depths instead.

// Depths is the number of depths: 16 steps of AtDepth's frame visit every
// offset within a 64-byte cache line that the stack's alignment allows (8
// on amd64, 4 on arm64) at least twice.
const Depths = 16

// AtDepth calls fn d frames deeper than its caller. Its frame is that of
// the instantiation of atDepth whose size, on this platform and compiler,
// steps through the most offsets in a cache line. Frame sizes differ by
// platform: 56 bytes for the three-word pad on amd64 with Go 1.26, which
// visits all eight offsets; a frame of 64 bytes, as a three-word pad's was on
// arm64, would visit one (TestAtDepth_VisitsEveryAlignment).
var AtDepth = pickDepth()

// atDepth is AtDepth's recursion with a frame that holds a P: each array
// size is its own instantiation, with its own frame size.
func atDepth[P any](d int, fn func()) {
	var pad P
	if d > 0 {
		atDepth[P](d-1, fn)
	} else {
		fn()
	}
	sinkPad = *(*uintptr)(unsafe.Pointer(&pad))
}

var sinkPad uintptr

// pickDepth returns the recursion whose frame step reaches the most
// distinct offsets in a 64-byte line over Depths steps.
func pickDepth() func(int, func()) {
	best, most := (func(int, func()))(nil), 0
	for _, f := range []func(int, func()){
		atDepth[[3]uintptr], atDepth[[2]uintptr], atDepth[[4]uintptr], atDepth[[5]uintptr],
	} {
		f(4*Depths, func() {}) // grow the stack first: the depths below must not move it
		seen := map[uintptr]bool{}
		for d := range Depths {
			f(d, func() { seen[spHere()%64] = true })
		}
		if len(seen) > most {
			best, most = f, len(seen)
		}
	}
	return best
}

// spHere returns the address of a local of its own frame: where its
// caller's stack ends.
//
//go:noinline
func spHere() uintptr {
	var x byte
	return uintptr(unsafe.Pointer(&x))
}
