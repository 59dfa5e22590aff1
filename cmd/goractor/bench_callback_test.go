package main

import (
	"testing"

	"github.com/goractor/goractor/internal/benchfix"
)

// TestBench_CallbackRatiosPaired: with cgo, the callback ratios against cgo
// are figures of the measurement that runs the cgo loops (each repetition
// measures goractor's callbacks right after cgo's), not ratios of medians
// measured apart; their values are positive. Without cgo there is neither
// baseline nor ratio.
func TestBench_CallbackRatiosPaired(t *testing.T) {
	ms := callbackCgoMeasurements()
	for _, r := range callbackCgoRatios() {
		if r.name == figRatioCallbackSync || r.name == figRatioCallbackFgn {
			t.Errorf("%s is a ratio of medians (%s / %s), not paired", r.name, r.num, r.den)
		}
	}
	if !benchfix.HaveCgo {
		if len(ms) != 0 {
			t.Errorf("%d cgo callback measurements without cgo", len(ms))
		}
		return
	}
	if len(ms) != 1 {
		t.Fatalf("%d cgo callback measurements; want 1", len(ms))
	}
	checkPaired(t, &ms[0], []string{figCgoCallbackSync, figCgoCallbackFgn, figRatioCallbackSync, figRatioCallbackFgn},
		[]string{"ns/callback", "ns/callback", "x", "x"})
}
