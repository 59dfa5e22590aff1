package main

import (
	"errors"
	"io"
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

func TestMain(m *testing.M) { testlib.ExampleMain(m, main, testlib.ThrottleIgnore) }

func TestRun(t *testing.T) {
	if _, err := compiler(); errors.Is(err, errNoCompiler) {
		t.Skipf("the example compiles C at run time: %v", err)
	}
	testlib.ExampleRun(t, func(w io.Writer) error { return run(w, 3, 200) },
		"600 events from 3 foreign threads", "processed 1000 messages meanwhile", "exceptional 0")
}
