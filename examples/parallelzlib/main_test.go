package main

import (
	"io"
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

func TestMain(m *testing.M) { testlib.ExampleMain(m, main, testlib.ThrottleIgnore) }

func TestRun(t *testing.T) {
	// 2 MiB and 3 workers: enough blocks for every worker, small for -race.
	testlib.ExampleRun(t, func(w io.Writer) error { return run(w, text(2<<20), 3) },
		"8 blocks", "3 actors:", "verified by uncompressing")
}

func TestRun_ShortInput(t *testing.T) {
	testlib.ExampleRun(t, func(w io.Writer) error { return run(w, "a short input, one block", 2) }, "1 blocks")
}
