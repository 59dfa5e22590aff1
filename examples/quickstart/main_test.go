package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

func TestMain(m *testing.M) { testlib.ExampleMain(m, main, testlib.ThrottleIgnore) }

// TestRun runs every step of the tour; each step checks its own result.
func TestRun(t *testing.T) {
	var headers []string
	for i, s := range steps {
		headers = append(headers, fmt.Sprintf("%d. %s\n", i+1, s.title))
	}
	// Run from a test, the main actor has a dedicated thread.
	out := testlib.ExampleRun(t, run, append(headers, "dedicated thread")...)
	if got, want := strings.Count(out, "\n   ok ("), len(steps); got != want {
		t.Errorf("%d steps reported ok; want %d", got, want)
	}
}

// TestProgram runs the tour as a program (from the main goroutine): the
// main actor must report the main thread (tid == pid) and the exit status
// must be 0.
func TestProgram(t *testing.T) {
	testlib.ExampleProgram(t, "tid == pid", fmt.Sprintf("all %d steps behaved", len(steps)))
}

// TestCorpus checks the deterministic text generator the zlib step uses.
func TestCorpus(t *testing.T) {
	a, b := corpus(3, 1000), corpus(3, 1000)
	for i := range a {
		if len(a[i]) != 1000 || a[i] != b[i] {
			t.Fatalf("chunk %d: len %d, equal to itself on a second run: %v; want 1000 and true", i, len(a[i]), a[i] == b[i])
		}
	}
	if a[0] == a[1] {
		t.Errorf("chunks 0 and 1 are equal; want different windows")
	}
}
