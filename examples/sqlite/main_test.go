package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1"))
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	err := run(&out, filepath.Join(t.TempDir(), "test.db"), 5000, 3)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, want := range []string{"with 5000 rows", "sync.Mutex is not shareable", "3 actors agree with the main actor: 5000 rows"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
