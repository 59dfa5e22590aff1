//go:build cgo

package ffi_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/benchfix"
)

func cgoBaselines() map[string]func(b *testing.B) {
	nul := []byte("hello, world\x00")
	return map[string]func(b *testing.B){
		"add": func(b *testing.B) {
			s := int32(0)
			for i := 0; i < b.N; i++ {
				s += benchfix.CgoAdd(int32(i), 1)
			}
			sink32 = s
		},
		"hypot2": func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sinkF = benchfix.CgoHypot2(3, 4)
			}
		},
		"noop": func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchfix.CgoNoop()
			}
		},
		"strlen": func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink64 = benchfix.CgoStrlen(nul)
			}
		},
		"struct": func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sinkP = benchfix.CgoPointAdd(benchfix.Point{X: 1, Y: 2}, benchfix.Point{X: 3, Y: 4})
			}
		},
	}
}

var sinkP benchfix.Point

// callPairBatch is the batch of BenchmarkCallPaired: goractor's calls and
// cgo's alternate in batches this long.
const callPairBatch = 20000

// BenchmarkCallPaired alternates goractor's typed calls of add, hypot2 and
// noop (ordinary from an actor, the same with a thread-safe callback alive
// so the token is lent, and leaf) with cgo's calls of the same functions in
// batches of callPairBatch, on one actor's thread, and reports the median of
// the per-batch ratios (x_cgo) and goractor's median ns/call: a burst of
// interference on the shared machine lands on a batch or two, not on a
// whole side as it does when the two are separate benchmarks.
//
//	go test -run '^$' -bench CallPaired -benchtime 2000000x ./ffi/
func BenchmarkCallPaired(b *testing.B) {
	l := fixture(b)
	add, err := bind[func(int32, int32) (int32, error)](l, "add")
	if err != nil {
		b.Fatal(err)
	}
	hyp, _ := bind[func(float64, float64) (float64, error)](l, "hypot2")
	noop, _ := bind[func() error](l, "noop")
	lAdd, _ := bind[func(int32, int32) (int32, error)](l, "add", ffi.WithLeaf())
	lHyp, _ := bind[func(float64, float64) (float64, error)](l, "hypot2", ffi.WithLeaf())
	lNoop, _ := bind[func() error](l, "noop", ffi.WithLeaf())
	type pair struct{ ours, cgo func(n int) }
	hypOf := func(f func(float64, float64) (float64, error)) func(n int) {
		return func(n int) {
			for i := 0; i < n; i++ {
				sinkF, _ = f(3, 4)
			}
		}
	}
	cgoHyp := func(n int) {
		for i := 0; i < n; i++ {
			sinkF = benchfix.CgoHypot2(3, 4)
		}
	}
	for _, op := range []struct {
		name string
		p    pair
		lend bool
	}{
		{"add/ordinary", pair{addOf(add), cgoAdd}, false},
		{"add/lending", pair{addOf(add), cgoAdd}, true},
		{"add/leaf", pair{addOf(lAdd), cgoAdd}, false},
		{"hypot2/ordinary", pair{hypOf(hyp), cgoHyp}, false},
		{"hypot2/leaf", pair{hypOf(lHyp), cgoHyp}, false},
		{"noop/ordinary", pair{noopOf(noop), cgoNoop}, false},
		{"noop/leaf", pair{noopOf(lNoop), cgoNoop}, false},
	} {
		b.Run(op.name, func(b *testing.B) {
			b.ReportAllocs()
			var ratios, ours []float64
			asActorLending(b, op.lend, func() {
				for left := b.N; left > 0; left -= callPairBatch {
					n := min(left, callPairBatch)
					start := time.Now()
					op.p.ours(n)
					g := float64(time.Since(start).Nanoseconds()) / float64(n)
					start = time.Now()
					op.p.cgo(n)
					c := float64(time.Since(start).Nanoseconds()) / float64(n)
					ratios, ours = append(ratios, g/c), append(ours, g)
				}
			})
			reportMedian(b, ratios, "x_cgo")
			reportMedian(b, ours, "ns/call")
		})
	}
}

// reportMedian reports the median of xs as b's metric unit.
func reportMedian(b *testing.B, xs []float64, unit string) {
	slices.Sort(xs)
	b.ReportMetric(xs[len(xs)/2], unit)
}

// BenchmarkCallDepths is BenchmarkCallPaired's add, noop and lending add
// made from benchfix.Depths stack depths, one small frame deeper each step
// (benchfix.AtDepth): the call's time relative to cgo's moves with the
// alignment of the caller's stack, so a benchmark at one depth can read 0.2
// better or worse than one at another. It reports the ratio of the means
// over depths of goractor's and cgo's ns/call (x_cgo_mean), the lowest and
// highest per-depth ratios, and goractor's mean ns/call; each depth's
// figure is the fastest of its paired batches.
//
//	go test -run '^$' -bench CallDepths -benchtime 3200000x ./ffi/
func BenchmarkCallDepths(b *testing.B) {
	l := fixture(b)
	add, err := bind[func(int32, int32) (int32, error)](l, "add")
	if err != nil {
		b.Fatal(err)
	}
	noop, _ := bind[func() error](l, "noop")
	ours := map[string]func(n int){"add": addOf(add), "noop": noopOf(noop)}
	cgo := map[string]func(n int){"add": cgoAdd, "noop": cgoNoop}
	for _, op := range []struct {
		name, fn string
		lend     bool
	}{{"add", "add", false}, {"noop", "noop", false}, {"add-lending", "add", true}} {
		b.Run(op.name, func(b *testing.B) {
			b.ReportAllocs()
			per := max(1, b.N/benchfix.Depths)
			var og, oc, lo, hi float64
			lo = math.Inf(1)
			asActorLending(b, op.lend, func() {
				benchfix.AtDepth(4*benchfix.Depths, func() {}) // grow the stack once, before timing
				for d := range benchfix.Depths {
					g, c := math.Inf(1), math.Inf(1)
					benchfix.AtDepth(d, func() {
						for left := per; left > 0; left -= callPairBatch {
							n := min(left, callPairBatch)
							start := time.Now()
							ours[op.fn](n)
							g = min(g, float64(time.Since(start).Nanoseconds())/float64(n))
							start = time.Now()
							cgo[op.fn](n)
							c = min(c, float64(time.Since(start).Nanoseconds())/float64(n))
						}
					})
					og, oc = og+g, oc+c
					lo, hi = min(lo, g/c), max(hi, g/c)
				}
			})
			b.ReportMetric(og/oc, "x_cgo_mean")
			b.ReportMetric(lo, "x_cgo_min")
			b.ReportMetric(hi, "x_cgo_max")
			b.ReportMetric(og/benchfix.Depths, "ns/call")
		})
	}
}

// addOf, noopOf, cgoAdd and cgoNoop are the paired benchmarks' loops: n
// calls of goractor's add or noop, or of cgo's (add's results summed into a
// sink, so that the calls stay).
func addOf(f func(int32, int32) (int32, error)) func(n int) {
	return func(n int) {
		s := int32(0)
		for i := 0; i < n; i++ {
			r, _ := f(int32(i), 1)
			s += r
		}
		sink32 = s
	}
}

func noopOf(f func() error) func(n int) {
	return func(n int) {
		for i := 0; i < n; i++ {
			_ = f()
		}
	}
}

func cgoAdd(n int) {
	s := int32(0)
	for i := 0; i < n; i++ {
		s += benchfix.CgoAdd(int32(i), 1)
	}
	sink32 = s
}

func cgoNoop(n int) {
	for i := 0; i < n; i++ {
		benchfix.CgoNoop()
	}
}
