package main

import (
	"time"

	"github.com/goractor/goractor/internal/benchfix"
)

// Callback baselines (issue 13): a cgo //export callback, called by the
// fixture's C loops compiled into the binary on the calling thread and on a
// pthread, the same loops goractor.callback.sync and goractor.callback.foreign_thread
// run through goractor's trampolines. Only in cgo builds.
const (
	figCgoCallbackSync = "goractor.baseline.cgo.callback_sync"
	figCgoCallbackFgn  = "goractor.baseline.cgo.callback_foreign_thread"

	figRatioCallbackSync = "goractor.ratio.callback_sync_vs_cgo"
	figRatioCallbackFgn  = "goractor.ratio.callback_foreign_vs_cgo"
)

// callbackCgoMeasurements are the cgo callback baselines and goractor's
// callbacks set against them (none without cgo). The ratios are paired:
// each repetition measures goractor's callbacks right after cgo's, and the
// figure is the median of the repetitions' ratios. A ratio of two medians
// measured in different blocks, seconds apart, read up to 2.0 when
// interference on the shared machine hit one block and not the other.
func callbackCgoMeasurements() []measurement {
	if !benchfix.HaveCgo {
		return nil
	}
	return []measurement{{
		[]string{figCgoCallbackSync, figCgoCallbackFgn, figRatioCallbackSync, figRatioCallbackFgn},
		[]string{"ns/callback", "ns/callback", "x", "x"},
		measureCgoCallbacks,
	}}
}

// callbackCgoRatios: none of the ordinary kind (the paired ratios are
// measured, see callbackCgoMeasurements).
func callbackCgoRatios() []ratio { return nil }

// measureCgoCallbacks runs the cgo loops on a locked thread outside any
// actor, each followed by goractor's callbacks through the same C loop
// (benchfix.MeasureCallback, as goractor.callback.sync and
// goractor.callback.foreign_thread), with the counts goractor's callback
// figures use, and returns cgo's two figures and the two ratios.
func measureCgoCallbacks(c *benchConfig) ([]float64, error) {
	out := make([]float64, 4)
	err := onLockedThread(func() error {
		for i, f := range []struct {
			call func(int) uintptr
			ours string
			n    int
		}{
			{benchfix.CgoCallbackN, benchfix.CallbackSync, c.n(1_000_000, 100)},
			{benchfix.CgoCallbackNThread, benchfix.CallbackForeign, c.n(100_000, 100)},
		} {
			start := time.Now()
			if f.call(f.n) != uintptr(f.n)*uintptr(f.n+1)/2 {
				return errBadResult
			}
			out[i] = perOp(time.Since(start), f.n)
			ours, err := benchfix.MeasureCallback(c.lib, f.ours, f.n)
			if err != nil {
				return err
			}
			out[2+i] = ours / out[i]
		}
		return nil
	})
	return out, err
}
