package main

import (
	"slices"
	"testing"

	"github.com/goractor/goractor/internal/benchfix"
)

// TestBench_CallRatiosPaired: with cgo, the ratios of add (ordinary and
// leaf) to cgo's are figures of the measurement that times cgo's add (its
// batches alternate with goractor's in each repetition), not ratios of
// medians measured apart, and their values are positive. Without cgo there
// is neither baseline nor ratio.
func TestBench_CallRatiosPaired(t *testing.T) {
	for _, r := range ratios() {
		if r.name == figRatioAddVs || r.name == figRatioAddLeafVs {
			t.Errorf("%s is a ratio of medians (%s / %s), not paired", r.name, r.num, r.den)
		}
	}
	var m *measurement
	for _, x := range measurements() {
		if slices.Contains(x.names, figCgoAdd) {
			m = &x
		}
	}
	if !benchfix.HaveCgo {
		if m != nil {
			t.Errorf("a cgo measurement (%v) without cgo", m.names)
		}
		return
	}
	if m == nil {
		t.Fatalf("no measurement yields %s", figCgoAdd)
	}
	checkPaired(t, m, []string{figCgoAdd, figRatioAddVs, figRatioAddLeafVs}, []string{"ns/call", "x", "x"})
}

// checkPaired checks that m, a measurement with paired ratios, yields the
// figures names in units, and that one tiny run gives each a positive value.
func checkPaired(t *testing.T, m *measurement, names, units []string) {
	t.Helper()
	if !slices.Equal(m.names, names) || !slices.Equal(m.units, units) {
		t.Fatalf("measurement yields %v in %v; want %v in %v", m.names, m.units, names, units)
	}
	vals, err := m.run(tinyConfig(benchFixture(t)))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		if !(v > 0) {
			t.Errorf("%s = %v; want a positive value", m.names[i], v)
		}
	}
}
