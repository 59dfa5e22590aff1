package main

import (
	"testing"

	"github.com/goractor/goractor/internal/benchfix"
)

// TestBench_GateFigures runs the gate measurement at a tiny size: three
// positive figures in ns/call, registered once each with their ratios.
func TestBench_GateFigures(t *testing.T) {
	lib := benchFixture(t)
	vals, err := measureGate(tinyConfig(lib))
	if err != nil {
		t.Fatal(err)
	}
	ms := gateMeasurements()
	if len(ms) != 1 || len(ms[0].names) != len(vals) {
		t.Fatalf("%d values for %v", len(vals), ms)
	}
	for i, name := range ms[0].names {
		if !(vals[i] > 0) || ms[0].units[i] != "ns/call" {
			t.Errorf("%s = %v %s; want a positive ns/call", name, vals[i], ms[0].units[i])
		}
	}
	want := map[string]bool{"goractor.gate.main_direct": true, "goractor.gate.serialize": true, "goractor.baseline.gate.ungated": true}
	listed := map[string]int{}
	for _, m := range measurements() {
		for _, n := range m.names {
			listed[n]++
		}
	}
	for n := range want {
		if listed[n] != 1 {
			t.Errorf("figure %s listed %d times; want once", n, listed[n])
		}
	}
	ratioOK := false
	for _, r := range ratios() {
		if r.name == "goractor.ratio.gate_main_vs_ungated" && r.num == figGateMain && r.den == figGateUngated {
			ratioOK = true
		}
	}
	if !ratioOK {
		t.Error("goractor.ratio.gate_main_vs_ungated is not main_direct / ungated")
	}
}

// BenchmarkGateFigures prints the gate figures at full size (go test -bench).
func BenchmarkGateFigures(b *testing.B) {
	path, err := benchfix.Build(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		vals, err := measureGate(&benchConfig{lib: path, reps: 1, scale: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(vals[0], "main-ns/call")
		b.ReportMetric(vals[1], "serialize-ns/call")
		b.ReportMetric(vals[2], "ungated-ns/call")
		b.ReportMetric(vals[0]/vals[2], "main/ungated")
		b.ReportMetric(vals[1]/vals[2], "serialize/ungated")
	}
}
