package ffi_test

import (
	"slices"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/execctx"
)

// lendPairBatch is the number of calls in one batch of BenchmarkLendPaired.
const lendPairBatch = 20000

// BenchmarkLendPaired is what a thread-safe callback's existence adds to a
// native call (the lend around it), measured paired: on one actor's thread,
// batches of lendPairBatch typed calls of add, alternately without and with
// a lend counted on the actor (RetainLend, as creating a thread-safe
// callback does), the two in either order. It reports the median over batch
// pairs of the difference (lend_ns) and of each side's ns/call: on a loaded
// machine a burst of interference lands on a batch or two, not on a side.
//
//	go test -run '^$' -bench LendPaired -benchtime 2000000x ./ffi/
func BenchmarkLendPaired(b *testing.B) {
	var add func(int32, int32) (int32, error)
	if err := fixture(b).Bind(&add, "add"); err != nil {
		b.Fatal(err)
	}
	batch := func(n int) float64 { return timeAdds(b, add, n) }
	var diffs, ords, lends []float64
	asActorLending(b, false, func() {
		e := execctx.Current()
		lent := func(n int) float64 {
			e.RetainLend()
			defer e.ReleaseLend()
			return batch(n)
		}
		for k, left := 0, b.N; left > 0; k++ {
			n := max(1, min(left, 2*lendPairBatch)/2)
			left -= 2 * n
			var o, g float64
			if k%2 == 0 {
				o, g = batch(n), lent(n)
			} else {
				g, o = lent(n), batch(n)
			}
			diffs, ords, lends = append(diffs, g-o), append(ords, o), append(lends, g)
		}
	})
	for _, m := range []struct {
		xs   []float64
		unit string
	}{{diffs, "lend_ns"}, {ords, "ordinary_ns/call"}, {lends, "lending_ns/call"}} {
		slices.Sort(m.xs)
		b.ReportMetric(m.xs[len(m.xs)/2], m.unit)
	}
}

// timeAdds calls add(i, 1) for i in [0, n) and returns the mean time of a
// call in nanoseconds, checking the sum.
func timeAdds(b *testing.B, add func(int32, int32) (int32, error), n int) float64 {
	s := int32(0)
	start := time.Now()
	for i := 0; i < n; i++ {
		r, _ := add(int32(i), 1)
		s += r
	}
	d := time.Since(start)
	if want := int32(n) * int32(n+1) / 2; s != want {
		b.Fatalf("add summed to %d, want %d", s, want)
	}
	return float64(d.Nanoseconds()) / float64(n)
}
