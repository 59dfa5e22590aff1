package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/internal/cbuild"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1"))
}

func TestRun(t *testing.T) {
	if _, err := cbuild.CC(); errors.Is(err, cbuild.ErrNoCompiler) {
		t.Skipf("the example compiles C at run time: %v", err)
	}
	var out bytes.Buffer
	err := run(&out, 3, 200)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, want := range []string{"600 events from 3 foreign threads", "processed 1000 messages meanwhile", "exceptional 0"} {
		if got := strings.Count(out.String(), want); got == 0 {
			t.Errorf("output lacks %q", want)
		}
	}
}
