package ffi_test

import (
	"context"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/otelx"
)

func poolPoints(t *testing.T, r sdkmetric.Reader) map[string]int64 {
	t.Helper()
	pts, err := otelx.Int64Points(r)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, p := range pts {
		if p.Attr("pool") != "jobs" {
			t.Errorf("%s: pool attribute %q", p.Name, p.Attr("pool"))
		}
		got[p.Name] = p.Value
	}
	return got
}

// The pool's Stats, published while it is open; Close unregisters them.
func TestPoolMeterProvider(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	p := ffi.NewPool(3, 8, ffi.WithPoolMeterProvider(mp, "jobs"))
	for i := range 5 {
		if v, err := ffi.Go(context.Background(), p, func() (int, error) { return i, nil }).Wait(context.Background()); err != nil || v != i {
			t.Fatalf("job %d = %d, %v", i, v, err)
		}
	}
	// A worker counts a job completed just after its future resolves.
	for deadline := time.Now().Add(10 * time.Second); p.Stats().Completed < 5 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	got := poolPoints(t, reader)
	for name, want := range map[string]int64{
		"goractor.pool.size":           3,
		"goractor.pool.jobs.completed": 5,
		"goractor.pool.jobs.running":   0,
		"goractor.pool.queue.length":   0,
		"goractor.pool.panics":         0,
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %d (present %v), want %d", name, v, ok, want)
		}
	}
	if th := got["goractor.pool.threads"]; th < 1 || th > 3 {
		t.Errorf("goractor.pool.threads = %d, want 1..3", th)
	}
	p.Close()
	if after := poolPoints(t, reader); len(after) != 0 {
		t.Errorf("after Close the reader still collects %v", after)
	}
}

func TestPoolWithoutMeterProvider(t *testing.T) {
	p := ffi.NewPool(1, 1, ffi.WithPoolMeterProvider(nil, "none"))
	defer p.Close()
	if v, err := ffi.Go(context.Background(), p, func() (int, error) { return 7, nil }).Wait(context.Background()); err != nil || v != 7 {
		t.Fatalf("job = %d, %v", v, err)
	}
}
