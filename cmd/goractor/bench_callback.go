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
)

// callbackCgoMeasurements are the cgo callback baselines (none without cgo).
func callbackCgoMeasurements() []measurement {
	if !benchfix.HaveCgo {
		return nil
	}
	return []measurement{{[]string{figCgoCallbackSync, figCgoCallbackFgn}, []string{"ns/callback", "ns/callback"}, measureCgoCallbacks}}
}

// callbackCgoRatios set goractor's callbacks against cgo's, same run.
func callbackCgoRatios() []ratio {
	return []ratio{
		{"goractor.ratio.callback_sync_vs_cgo", figCallbackSync, figCgoCallbackSync},
		{"goractor.ratio.callback_foreign_vs_cgo", figCallbackForeign, figCgoCallbackFgn},
	}
}

// measureCgoCallbacks runs the cgo loops on a locked thread outside any
// actor, with the counts goractor's callback figures use.
func measureCgoCallbacks(c *benchConfig) ([]float64, error) {
	out := make([]float64, 2)
	err := onLockedThread(func() error {
		for i, f := range []struct {
			call func(int) uintptr
			n    int
		}{{benchfix.CgoCallbackN, c.n(1_000_000, 100)}, {benchfix.CgoCallbackNThread, c.n(100_000, 100)}} {
			start := time.Now()
			if f.call(f.n) != uintptr(f.n)*uintptr(f.n+1)/2 {
				return errBadResult
			}
			out[i] = perOp(time.Since(start), f.n)
		}
		return nil
	})
	return out, err
}
