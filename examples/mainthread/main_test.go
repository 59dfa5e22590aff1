package main

import (
	"io"
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

func TestMain(m *testing.M) { testlib.ExampleMain(m, main, testlib.ThrottleIgnore) }

// TestRun: from a test the main actor has a dedicated thread; forwarded
// calls must run there.
func TestRun(t *testing.T) {
	testlib.ExampleRun(t, func(w io.Writer) error { return run(w, 3, 10) },
		"a dedicated thread", "10 calls, all ran on thread", "thread-affine, called from the wrong thread", "on-main 30")
}

// TestProgram runs the example as the program does: the library must run
// on the process's main thread.
func TestProgram(t *testing.T) {
	testlib.ExampleProgram(t, "the process's main thread")
}
