package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

func TestMain(m *testing.M) { testlib.ExampleMain(m, main, testlib.ThrottleIgnore) }

// The workload's counts, read back from the Prometheus scrape.
func TestRunExportsTheWorkload(t *testing.T) {
	var wants []string
	for _, line := range []string{
		`goractor_actor_messages_sent_total 102`,
		`goractor_actor_messages_received_total 101`,
		`goractor_actor_messages_rejected_total{reason="isolation"} 1`,
		`goractor_actor_messages_rejected_total{reason="mailbox_full"} 0`,
		`goractor_actor_spawned_total 3`,
		`goractor_extension_calls_total{extension="libc",function="strlen",route="direct"} 100`,
		`goractor_extension_call_duration_seconds_count{extension="libc",route="direct"} 100`,
		`goractor_extension_call_gate_refusals_total{extension="libc",function="rand",reason="not_parallel_safe"} 1`,
		`goractor_pool_jobs_completed_total{pool="work"} 8`,
		`goractor_pool_size{pool="work"} 2`,
	} {
		wants = append(wants, line+"\n") // whole lines of the scrape
	}
	testlib.ExampleRun(t, run, wants...)
}

// `go run ./examples/metrics` as a user runs it: exit 0 and the lines.
func TestGoRun(t *testing.T) {
	cmd := exec.Command("go", "run", ".")
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "goractor_actor_messages_sent_total 102\n") {
		t.Errorf("output lacks the sent counter:\n%s", out)
	}
}
