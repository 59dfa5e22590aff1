//go:build cgo && (darwin || freebsd || linux || netbsd)

package benchfix_test

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/benchfix"
)

// The paired callback benchmarks alternate goractor's callbacks and cgo's
// //export in batches of pairBatch callbacks, on the same locked thread, and
// report the median of the per-batch ratios (x_cgo): on a loaded machine a
// burst of interference lands on one or two batches, not on a whole side,
// as it does when the two are separate benchmarks.
//
//	go test -run '^$' -bench Paired -benchtime 1000000x ./internal/benchfix
const pairBatch = 20000

func benchPaired(b *testing.B, name string, cgo func(int) uintptr) {
	path := fixture(b)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var ratios, ours []float64
	for left := b.N; left > 0; left -= pairBatch {
		n := min(left, pairBatch)
		g, err := benchfix.MeasureCallback(path, name, n)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if cgo(n) != uintptr(n)*uintptr(n+1)/2 {
			b.Fatal("the cgo loop returned a wrong sum")
		}
		c := float64(time.Since(start).Nanoseconds()) / float64(n)
		ratios, ours = append(ratios, g/c), append(ours, g)
	}
	slices.Sort(ratios)
	slices.Sort(ours)
	b.ReportMetric(ratios[len(ratios)/2], "x_cgo")
	b.ReportMetric(ours[len(ours)/2], "ns/callback")
}

func BenchmarkPairedCallbackSync(b *testing.B) {
	benchPaired(b, benchfix.CallbackSync, benchfix.CgoCallbackN)
}

func BenchmarkPairedCallbackForeign(b *testing.B) {
	benchPaired(b, benchfix.CallbackForeign, benchfix.CgoCallbackNThread)
}
