package main

import (
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/selfexec"
	"github.com/goractor/goractor/internal/testlib"
)

// TestCheckIsolateParentKilled: the children of goractor check --isolate
// die with it, also when it is killed with SIGKILL. The parent checks a
// function that sleeps a minute; its children are found in /proc.
func TestCheckIsolateParentKilled(t *testing.T) {
	p := writeManifest(t, `{"extension": "libc-sleep", "library": ["libc.so.6"], "parallel_safe": true,
		"functions": [{"name": "sleep", "signature": "func(uint32) uint32", "inputs": [[60]]}]}`)
	parent, err := selfexec.StartWith(selfexec.Options{Env: []string{childEnv + "=1"},
		Args: []string{"check", "--isolate", "--json", "--calls", "1", p}, Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	var kids []int
	for i := 0; i < 1500 && len(kids) == 0; i++ { // 30 s at most
		time.Sleep(20 * time.Millisecond)
		kids = children(parent.Pid())
	}
	parent.Kill()
	if len(kids) == 0 {
		t.Fatalf("goractor check --isolate (pid %d) started no child within 30 s", parent.Pid())
	}
	for _, pid := range kids {
		for i := 0; i < 500 && testlib.Alive(pid); i++ { // 10 s at most
			time.Sleep(20 * time.Millisecond)
		}
		if testlib.Alive(pid) {
			_ = syscall.Kill(pid, syscall.SIGKILL) // ours: started by the parent we started
			t.Errorf("child %d still alive 10 s after its parent was killed", pid)
		}
	}
}

// children returns the PIDs of the running processes whose parent is pid,
// from /proc/*/stat.
func children(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone
		}
		// After the parenthesised command name: state, then the parent's PID.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) && testlib.Alive(child) {
			out = append(out, child)
		}
	}
	return out
}
