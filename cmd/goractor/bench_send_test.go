package main

import "testing"

// TestBench_SendBaseline runs the Go channel baseline of the copied send at
// a tiny size and checks that its ratio to goractor.send.copy_array1000_int
// is registered.
func TestBench_SendBaseline(t *testing.T) {
	ms := sendMeasurements()
	if len(ms) != 1 || ms[0].names[0] != "goractor.baseline.go_chan.send_copy_array1000_int" || ms[0].units[0] != "msgs/s" {
		t.Fatalf("send measurements = %+v", ms)
	}
	vals, err := ms[0].run(tinyConfig(""))
	if err != nil || len(vals) != 1 || !(vals[0] > 0) {
		t.Fatalf("baseline = %v, %v; want one positive rate", vals, err)
	}
	found := false
	for _, r := range ratios() {
		found = found || r.name == "goractor.ratio.send_copy_vs_go_chan" && r.num == figSendCopy && r.den == figChanCopy
	}
	if !found {
		t.Error("goractor.ratio.send_copy_vs_go_chan is not send.copy / go_chan baseline")
	}
}
