//go:build unix

package selfexec

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/internal/testlib"
)

const roleEnv = "GORACTOR_SELFEXEC_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "leaf":
		// Announce, print one more line, run until stdin closes.
		fmt.Println("ADDR leaf")
		fmt.Println("hello")
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	case "parent":
		// Start a leaf, print its PID, run until killed.
		c, err := Start(roleEnv+"=leaf", nil, 30*time.Second)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("ADDR %d\n", c.Pid())
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	case "silent":
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

func TestStartStop(t *testing.T) {
	lines := make(chan string, 4)
	c, err := Start(roleEnv+"=leaf", func(l string) { lines <- l }, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "leaf" {
		t.Errorf("Addr = %q; want leaf", c.Addr)
	}
	if err := c.Stop(20 * time.Second); err != nil {
		t.Error(err)
	}
	if err := c.Err(); err != nil {
		t.Errorf("exit status %v; want 0", err)
	}
	if l := <-lines; l != "hello" {
		t.Errorf("line %q; want hello", l)
	}
	if err := c.Stop(time.Second); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestNoAddress(t *testing.T) {
	start := time.Now()
	_, err := Start(roleEnv+"=silent", nil, 500*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not announce") {
		t.Errorf("Start of a silent child = %v; want a timeout error", err)
	}
	t.Logf("gave up after %v", time.Since(start))
}

// TestChildDiesWithParent kills a child (SIGKILL) that has a child of its
// own and checks, in /proc, that the grandchild is gone too.
func TestChildDiesWithParent(t *testing.T) {
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skip("no /proc on this system") // Linux CI has it; Pdeathsig is Linux-only
	}
	parent, err := Start(roleEnv+"=parent", nil, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := strconv.Atoi(parent.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(leaf, 0); err != nil {
		t.Fatalf("grandchild %d not running: %v", leaf, err)
	}
	parent.Kill()
	// The grandchild was reparented when its parent died; it is gone once
	// /proc/PID is gone or shows a zombie.
	for i := 0; i < 500; i++ { // 10 s at most
		if !testlib.Alive(leaf) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = syscall.Kill(leaf, syscall.SIGKILL) // ours: we started it through parent
	t.Fatalf("grandchild %d still alive 10 s after its parent was killed", leaf)
}
