package actor_test

import (
	"testing"
	"time"

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
