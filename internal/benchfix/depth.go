package benchfix

// Stack depths for call benchmarks. On the 2-vCPU AMD EPYC VM of
// docs/performance.md an ordinary native call read anywhere in 1.08–1.49x
// cgo depending on the 8-byte alignment of its caller's stack within a
// cache line, so a benchmark that calls from one depth measures one draw of
// that alignment. The call benchmarks (ffi's BenchmarkCallDepths, `goractor
// bench`'s call ratios) spread their batches over Depths depths instead.

// Depths is the number of depths: 16 steps of AtDepth's frame (7 words on
// amd64 with Go 1.26) visit every 8-byte alignment of the calling frame in
// a 64-byte cache line twice.
const Depths = 16

// AtDepth calls fn d frames deeper than its caller.
//
//go:noinline
func AtDepth(d int, fn func()) {
	var pad [3]uintptr
	if d > 0 {
		AtDepth(d-1, fn)
	} else {
		fn()
	}
	sinkPad = pad[0]
}

var sinkPad uintptr
