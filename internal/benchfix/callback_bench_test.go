//go:build darwin || freebsd || linux || netbsd

package benchfix_test

import (
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/goractor/goractor/internal/benchfix"
	"github.com/goractor/goractor/internal/cbuild"
)

var built struct {
	sync.Once
	path string
	err  error
}

// fixture builds the benchmark fixture once per test binary; a missing C
// compiler skips (the benchmarks measure C code the binary cannot build).
func fixture(tb testing.TB) string {
	tb.Helper()
	built.Do(func() {
		built.path, built.err = benchfix.Build(tmpDir)
	})
	if errors.Is(built.err, cbuild.ErrNoCompiler) {
		tb.Skipf("no C compiler: %v", built.err)
	}
	if built.err != nil {
		tb.Fatal(built.err)
	}
	return built.path
}

func benchCallback(b *testing.B, name string) {
	path := fixture(b)
	b.ResetTimer()
	ns, err := benchfix.MeasureCallback(path, name, b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(ns, "ns/callback")
}

// BenchmarkCallbackSync is goractor.callback.sync; BenchmarkRawCallbackSync
// is the bare purego baseline of the same C loop.
func BenchmarkCallbackSync(b *testing.B)       { benchCallback(b, benchfix.CallbackSync) }
func BenchmarkRawCallbackSync(b *testing.B)    { benchCallback(b, benchfix.RawCallbackSync) }
func BenchmarkCallbackForeign(b *testing.B)    { benchCallback(b, benchfix.CallbackForeign) }
func BenchmarkRawCallbackForeign(b *testing.B) { benchCallback(b, benchfix.RawCallbackForeign) }

// BenchmarkCgoCallbackSync and BenchmarkCgoCallbackForeign are the cgo
// baselines of the same C loops (goractor.baseline.cgo.callback_*).
func BenchmarkCgoCallbackSync(b *testing.B) {
	if !benchfix.HaveCgo {
		b.Skip("the cgo baseline needs CGO_ENABLED=1")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	benchfix.CgoCallbackN(b.N)
}

func BenchmarkCgoCallbackForeign(b *testing.B) {
	if !benchfix.HaveCgo {
		b.Skip("the cgo baseline needs CGO_ENABLED=1")
	}
	benchfix.CgoCallbackNThread(b.N)
}

// Every measurement runs and checks the C loop's sum and the handler's
// count itself; an unknown name is an error.
func TestMeasureCallback(t *testing.T) {
	path := fixture(t)
	for _, name := range []string{benchfix.CallbackSync, benchfix.CallbackForeign, benchfix.RawCallbackSync, benchfix.RawCallbackForeign} {
		ns, err := benchfix.MeasureCallback(path, name, 1000)
		if err != nil || ns <= 0 {
			t.Errorf("MeasureCallback(%s) = %v, %v; want a positive time", name, ns, err)
		}
	}
	if _, err := benchfix.MeasureCallback(path, "no.such.measurement", 10); err == nil {
		t.Error("an unknown measurement gave no error")
	}
}
