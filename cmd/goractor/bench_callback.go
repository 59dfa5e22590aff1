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
// callbacks set against them (none without cgo). The ratios are paired, as
// internal/benchfix's BenchmarkPairedCallback* are: each repetition runs
// its callbacks in batches of callbackPairBatch, each batch of cgo's
// followed by one of goractor's through the same C loop, and the ratio is
// the median of the batches' ratios (the figure, as every figure, the
// median over repetitions). A ratio of two medians measured in different
// blocks, seconds apart, read from 0.4 to 2.5 on the shared VM when
// interference hit one block and not the other.
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

// callbackPairBatch is the number of callbacks in one batch of a paired
// callback measurement.
const callbackPairBatch = 20_000

// measureCgoCallbacks runs the cgo loops on a locked thread outside any
// actor, each batch followed by goractor's callbacks through the same C
// loop (benchfix.MeasureCallback, as goractor.callback.sync and
// goractor.callback.foreign_thread), with the counts goractor's callback
// figures use, and returns cgo's two figures (over all batches) and the two
// ratios (the median of the batches').
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
			var total time.Duration
			var ratios []float64
			for left := f.n; left > 0; left -= callbackPairBatch {
				n := min(left, callbackPairBatch)
				start := time.Now()
				if f.call(n) != uintptr(n)*uintptr(n+1)/2 {
					return errBadResult
				}
				d := time.Since(start)
				total += d
				ours, err := benchfix.MeasureCallback(c.lib, f.ours, n)
				if err != nil {
					return err
				}
				ratios = append(ratios, ours/perOp(d, n))
			}
			out[i] = perOp(total, f.n)
			out[2+i] = median(ratios)
		}
		return nil
	})
	return out, err
}
