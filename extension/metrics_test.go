package extension

import (
	"context"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// point identifies one data point: instrument and attribute values.
type point struct{ name, function, route, reason string }

func collectExt(t *testing.T, r sdkmetric.Reader) (sums map[point]int64, hist map[point]uint64) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	sums, hist = map[point]int64{}, map[point]uint64{}
	str := func(s attribute.Set, k string) string { v, _ := s.Value(attribute.Key(k)); return v.AsString() }
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					if str(p.Attributes, "extension") != "metered" {
						t.Errorf("%s: extension attribute %q", m.Name, str(p.Attributes, "extension"))
					}
					sums[point{m.Name, str(p.Attributes, "function"), str(p.Attributes, "route"), str(p.Attributes, "reason")}] = p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					hist[point{m.Name, "", str(p.Attributes, "route"), ""}] = p.Count
				}
			}
		}
	}
	return sums, hist
}

// Calls, refusals and hand-offs are counted per extension, function, route
// and reason; a parallel-safe function is counted too (it is gated only
// because a provider is set); every call's latency lands in the histogram.
func TestMeterProviderCountsCalls(t *testing.T) {
	t.Run("names", func(t *testing.T) {
		meterCalls(t, nil, "goractor.extension.call_gate.refusals", "goractor.extension.call_gate.handoffs")
	})
	// The deprecation path docs/metrics.md gives for dashboards that still
	// read the names before the rename: a View per renamed instrument.
	t.Run("views restore the old names", func(t *testing.T) {
		var views []sdkmetric.View
		for _, n := range []string{"refusals", "handoffs"} {
			views = append(views, sdkmetric.NewView(
				sdkmetric.Instrument{Name: "goractor.extension.call_gate." + n},
				sdkmetric.Stream{Name: "goractor.extension.gate." + n}))
		}
		meterCalls(t, views, "goractor.extension.gate.refusals", "goractor.extension.gate.handoffs")
	})
}

// meterCalls runs calls, refusals and hand-offs through an extension whose
// provider has views and checks them under the names refusals and handoffs.
func meterCalls(t *testing.T, views []sdkmetric.View, refusals, handoffs string) {
	c := buildCounter(t)
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader), sdkmetric.WithView(views...))
	defer mp.Shutdown(context.Background())
	x := load(t, register(t, Declaration{Name: "metered", Libraries: []string{c.path}, Policy: Serialize,
		Functions: map[string]Safety{"fx_enter": NotParallelSafe, "fx_fired": ParallelSafe}}), "metered", WithMeterProvider(mp))
	var enter func(int32) (int32, error)
	var fired func() int32
	x.MustBind(&enter, "fx_enter")
	x.MustBind(&fired, "fx_fired")
	w := startActor(t, "worker", false)
	w.do(func() {
		for k := range 3 {
			if _, err := enter(int32(k)); err != nil {
				t.Error(err)
			}
		}
		_ = fired()
	})
	// A second extension with the default policy refuses a non-main caller.
	y := load(t, register(t, Declaration{Name: "metered", Libraries: []string{c.path}}), "metered", WithMeterProvider(mp))
	var raise func(int32) (int32, error)
	y.MustBind(&raise, "fx_enter")
	w.do(func() {
		if _, err := raise(1); err == nil {
			t.Error("a non-main call of an undeclared function was not refused")
		}
	})
	sums, hist := collectExt(t, reader)
	for p, want := range map[point]int64{
		{"goractor.extension.calls", "fx_enter", "serialized", ""}: 3,
		{"goractor.extension.calls", "fx_fired", "direct", ""}:     1,
		{handoffs, "fx_enter", "serialized", ""}:                   3,
		{refusals, "fx_enter", "", "not_parallel_safe"}:            1,
	} {
		if got := sums[p]; got != want {
			t.Errorf("%+v = %d, want %d (all: %v)", p, got, want, sums)
		}
	}
	if _, ok := sums[point{handoffs, "fx_fired", "direct", ""}]; ok {
		t.Error("a direct call was counted as a hand-off")
	}
	if got := hist[point{"goractor.extension.call.duration", "", "serialized", ""}]; got != 3 {
		t.Errorf("serialized latency count = %d, want 3", got)
	}
	if got := hist[point{"goractor.extension.call.duration", "", "direct", ""}]; got != 1 {
		t.Errorf("direct latency count = %d, want 1", got)
	}
}

// Without a provider nothing changes: a parallel-safe function stays
// ungated (WithTrace, which sees gated calls only, sees none of it); with
// one, the same call goes through the gate.
func TestMeterProviderGatesOnlyWhenSet(t *testing.T) {
	c := buildCounter(t)
	w := startActor(t, "worker", false)
	for _, withProvider := range []bool{false, true} {
		var traced atomic.Int32
		opts := []LoadOption{WithTrace(func(CallInfo) { traced.Add(1) })}
		if withProvider {
			opts = append(opts, WithMeterProvider(sdkmetric.NewMeterProvider()))
		}
		x := load(t, register(t, Declaration{Name: "plain", Libraries: []string{c.path}, Safety: ParallelSafe}), "plain", opts...)
		if (x.metrics != nil) != withProvider {
			t.Fatalf("provider %v: metrics set = %v", withProvider, x.metrics != nil)
		}
		var fired func() int32
		x.MustBind(&fired, "fx_fired")
		w.do(func() { _ = fired() })
		if want := map[bool]int32{false: 0, true: 1}[withProvider]; traced.Load() != want {
			t.Errorf("provider %v: %d gated calls, want %d", withProvider, traced.Load(), want)
		}
	}
}
