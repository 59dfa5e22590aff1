package main

import "github.com/goractor/goractor/internal/actorbench"

// The same-run baseline of goractor.send.copy_array1000_int (issue 13,
// "Also"): a Go channel send of slices.Clone of the same 1000-int slice, the
// peers' go.chan.send_copy_array1000_int.
const figChanCopy = actorbench.BaselineChanCopy // goractor.baseline.go_chan.send_copy_array1000_int

func sendMeasurements() []measurement {
	return []measurement{
		{[]string{figChanCopy}, []string{"msgs/s"}, actorMeasure(figChanCopy, 100_000, true)},
	}
}

func sendRatios() []ratio {
	// Throughput: > 1 means goractor is faster.
	return []ratio{{"goractor.ratio.send_copy_vs_go_chan", figSendCopy, figChanCopy}}
}
