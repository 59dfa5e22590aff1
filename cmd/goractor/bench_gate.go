package main

import (
	"fmt"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
)

// Figures of issue 13 item 4: the extension call gate on the main actor,
// against an ungated (parallel-safe) binding of the same C function, in the
// same run.
const (
	figGateMain      = "goractor.gate.main_direct"
	figGateSerialize = "goractor.gate.serialize"
	figGateUngated   = "goractor.baseline.gate.ungated"
)

func gateMeasurements() []measurement {
	return []measurement{
		{[]string{figGateMain, figGateSerialize, figGateUngated}, []string{"ns/call", "ns/call", "ns/call"}, measureGate},
	}
}

func gateRatios() []ratio {
	return []ratio{
		{"goractor.ratio.gate_main_vs_ungated", figGateMain, figGateUngated},
		{"goractor.ratio.gate_serialize_vs_ungated", figGateSerialize, figGateUngated},
	}
}

// measureGate calls the fixture's add from the main actor through three
// extensions over the same library: not parallel-safe (the main actor calls
// it directly), not parallel-safe with Policy Serialize (under the
// extension's lock), and parallel-safe (not gated). The three alternate in
// short rounds, so that each sees the same load of this shared machine, and
// each figure is the median of its rounds (a round hit by another process's
// burst does not move it).
func measureGate(c *benchConfig) ([]float64, error) {
	decls := []extension.Declaration{
		{Name: "bench-gate-main"},
		{Name: "bench-gate-serialize", Policy: extension.Serialize},
		{Name: "bench-gate-ungated", Safety: extension.ParallelSafe},
	}
	adds := make([]func(int32, int32) int32, len(decls))
	for i, d := range decls {
		d.Libraries = []string{c.lib}
		x, err := extension.Open(d)
		if err != nil {
			return nil, err
		}
		defer x.Close()
		if err := x.Bind(&adds[i], "add"); err != nil {
			return nil, err
		}
	}
	const rounds = 100
	per := c.n(1_000_000, 1000)/rounds + 1
	samples := make([][]float64, len(adds))
	err := inActor(func(*actor.Context) error {
		for i, add := range adds {
			if r := add(40, 2); r != 42 {
				return fmt.Errorf("%s: add(40, 2) = %d: %w", decls[i].Name, r, errBadResult)
			}
		}
		for range rounds {
			for i, add := range adds {
				start := time.Now()
				for j := range per {
					sinkI += add(int32(j), 1)
				}
				samples[i] = append(samples[i], perOp(time.Since(start), per))
			}
		}
		return nil
	})
	out := make([]float64, len(adds))
	for i, s := range samples {
		out[i] = median(s)
	}
	return out, err
}
