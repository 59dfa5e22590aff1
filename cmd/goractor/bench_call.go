package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/benchfix"
	"github.com/goractor/goractor/internal/dl"
)

// Leaf call figures (issue 13). Fixed names: never rename one.
const (
	figCallAddLeaf    = "goractor.call.add_leaf"
	figCallNoopLeaf   = "goractor.call.noop_leaf"
	figRatioAddLeafVs = "goractor.ratio.call_add_leaf_vs_cgo"
	// figRatioAddVs is issue 4's name, with the leaf ratio measured paired
	// by measureCgo (bench_measure.go).
	figRatioAddVs = "goractor.ratio.call_add_vs_cgo"
)

// callMeasurements are the leaf call figures, measured like measureCalls.
func callMeasurements() []measurement {
	return []measurement{
		{[]string{figCallAddLeaf, figCallNoopLeaf}, []string{"ns/call", "ns/call"}, measureLeafCalls},
	}
}

// callRatios: none of the ordinary kind; the ratios of add against cgo are
// measured paired (measureCgo).
func callRatios() []ratio { return nil }

// measureLeafCalls: add and noop bound WithLeaf, called from an actor. Where
// leaf calls are off (race detector, GORACTOR_FFI_LEAF=off, no amd64
// trampoline) they measure the ordinary path the functions then take.
func measureLeafCalls(c *benchConfig) ([]float64, error) {
	l, err := ffi.Open(c.lib)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	var add func(int32, int32) (int32, error)
	var noop func() error
	err = l.BindAll(ffi.Binding{Symbol: "add", Target: &add, Options: []ffi.BindOption{ffi.WithLeaf()}},
		ffi.Binding{Symbol: "noop", Target: &noop, Options: []ffi.BindOption{ffi.WithLeaf()}})
	if err != nil {
		return nil, err
	}
	n := c.n(5_000_000, 1000)
	out := make([]float64, 2)
	err = inActor(func(*actor.Context) error {
		if r, err := add(40, 2); err != nil || r != 42 {
			return fmt.Errorf("leaf add(40, 2) = %d, %v: %w", r, err, errBadResult)
		}
		start := time.Now()
		for i := range n {
			r, _ := add(int32(i), 1)
			sinkI += r
		}
		out[0] = perOp(time.Since(start), n)
		start = time.Now()
		for range n {
			_ = noop()
		}
		out[1] = perOp(time.Since(start), n)
		return nil
	})
	return out, err
}

// optionalSymbols are fixture functions only a baseline calls: a --lib
// library without one gets that baseline skipped, with the reason in the
// output, instead of failing (docs/performance.md lists the seven it must
// export).
var optionalSymbols = map[string][]string{
	"sleep_ms_threads": {figAsyncCThreads},
}

// fixtureSkips opens lib and looks up every symbol the measurements call.
// A missing required symbol is an error; a missing optional one gives the
// figures to skip, each with its reason.
func fixtureSkips(lib string) (map[string]string, error) {
	h, err := dl.Open(lib)
	if err != nil {
		return nil, fmt.Errorf("--lib %s: %w", lib, err)
	}
	defer dl.Close(h)
	var required []string
	for _, s := range benchfix.Symbols {
		if _, ok := optionalSymbols[s]; !ok {
			required = append(required, s)
		}
	}
	skips := map[string]string{}
	for _, s := range benchfix.Symbols {
		if _, err := dl.Sym(h, s); err != nil {
			figs, optional := optionalSymbols[s]
			if !optional {
				return nil, fmt.Errorf("--lib %s does not export %s (want: %s): %w", lib, s, strings.Join(required, ", "), err)
			}
			for _, f := range figs {
				skips[f] = fmt.Sprintf("--lib %s does not export %s", lib, s)
			}
		}
	}
	return skips, nil
}

// skipped is the value a measurement reports for a figure it skipped (see
// benchConfig.skip); bench leaves such figures out.
var skipped = math.NaN()

// skipLines formats the skipped figures for the text output, sorted.
func skipLines(skips map[string]string) []string {
	var out []string
	for f, why := range skips {
		out = append(out, fmt.Sprintf("# skipped %s: %s", f, why))
	}
	sort.Strings(out)
	return out
}

// The leaf figures are fixed names too (issue 13); the ratio needs cgo.
func init() { fixedFigures = append(fixedFigures, figCallAddLeaf, figCallNoopLeaf) }
