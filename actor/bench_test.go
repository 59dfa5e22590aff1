package actor_test

import (
	"slices"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/actorbench"
)

// Each benchmark runs one measurement of b.N operations and reports ns/op;
// baselines run in the same `go test -bench` invocation. Compare
// goractor.pingpong.pinned with goractor.baseline.c_sem_pingpong, and
// goractor.pingpong.unpinned with goractor.baseline.protoactor_pingpong.
func BenchmarkActor(b *testing.B) {
	for _, name := range actorbench.Names() {
		b.Run(name, func(b *testing.B) {
			n := max(b.N, 1)
			per, err := actorbench.Measure(name, n)
			if err != nil {
				b.Skipf("%s: %v", name, err)
			}
			b.ReportMetric(float64(per.Nanoseconds()), "ns/op")
			if per > 0 {
				b.ReportMetric(float64(time.Second)/float64(per), "ops/s")
			}
		})
	}
}

func BenchmarkIdleRSS(b *testing.B) {
	const n = 1000
	per, err := actorbench.IdleRSS(n)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(per)/1024, "KiB/actor")
}

// BenchmarkPairedPingPong alternates the pinned ping-pong with the C
// sem_post/sem_wait baseline round by round, so each ratio compares two
// measurements taken seconds apart (the shared VM's wake-up latency drifts
// between modes). It logs per-round figures and reports the medians, the
// median of per-round ratios and their min-max. Run it with
// -benchtime 1x: each round does rounds*n round trips of each.
//
// "default" is the default adaptive spin (10 µs budget), "park" never spins
// (WithSpin(0)), "spin5us" and "spin20us" bracket the default.
func BenchmarkPairedPingPong(b *testing.B) {
	b.Run("default", func(b *testing.B) { pairedPingPong(b) })
	b.Run("park", func(b *testing.B) { pairedPingPong(b, actor.WithSpin(0)) })
	b.Run("spin5us", func(b *testing.B) { pairedPingPong(b, actor.WithSpin(5*time.Microsecond)) })
	b.Run("spin20us", func(b *testing.B) { pairedPingPong(b, actor.WithSpin(20*time.Microsecond)) })
}

func pairedPingPong(b *testing.B, opts ...actor.Option) {
	const rounds, n = 15, 10000
	for range b.N {
		var goNs, cNs, ratios []float64
		for r := range rounds {
			g, err := actorbench.PinnedPingPong(n, opts...)
			if err != nil {
				b.Fatal(err)
			}
			c, err := actorbench.CSemPingPong(n)
			if err != nil {
				b.Skipf("C baseline: %v", err)
			}
			goNs = append(goNs, float64(g.Nanoseconds()))
			cNs = append(cNs, float64(c.Nanoseconds()))
			ratios = append(ratios, float64(g)/float64(c))
			b.Logf("round %d: goractor %v, C sem %v, ratio %.2f", r, g, c, float64(g)/float64(c))
		}
		b.ReportMetric(median(goNs), "goractor-ns/rt")
		b.ReportMetric(median(cNs), "csem-ns/rt")
		b.ReportMetric(median(ratios), "ratio-median")
		b.ReportMetric(slices.Min(ratios), "ratio-min")
		b.ReportMetric(slices.Max(ratios), "ratio-max")
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
