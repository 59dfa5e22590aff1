package main

import (
	"bytes"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1"))
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	// 2 MiB and 3 workers: enough blocks for every worker, small for -race.
	if err := run(&out, text(2<<20), 3); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	t.Log("\n" + out.String())
	for _, want := range []string{"8 blocks", "3 actors:", "verified by uncompressing"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestRun_ShortInput(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, "a short input, one block", 2); err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out.String(), "1 blocks") {
		t.Errorf("output %q; want one block", out.String())
	}
}
