package callback

import (
	"testing"
)

func benchMeasure(b *testing.B, name string) {
	f := loadFixture(b)
	_ = f
	path := testlibPath(b)
	b.ResetTimer()
	ns, err := Measure(path, name, b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(ns, "ns/callback")
}

// BenchmarkSync is goractor.callback.sync; BenchmarkRawSync is the bare
// purego baseline measured in the same run.
func BenchmarkSync(b *testing.B)          { benchMeasure(b, BenchSync) }
func BenchmarkRawSync(b *testing.B)       { benchMeasure(b, BenchRawSync) }
func BenchmarkForeignThread(b *testing.B) { benchMeasure(b, BenchForeignThread) }
func BenchmarkRawForeign(b *testing.B)    { benchMeasure(b, BenchRawForeign) }
