//go:build unix

package selfexec

import (
	"context"
	"errors"
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
	case "report":
		// A reporting child: its arguments on stdout, a line on stderr.
		fmt.Println(strings.Join(os.Args[1:], " "))
		fmt.Fprintln(os.Stderr, "report done")
		os.Exit(3)
	case "hang":
		// A reporting child that never reports: it ends when its stdin does.
		ExitOnStdinEOF(7)
		select {}
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

// TestReportingChild: a child given Args and Stdout is not waited for an
// ADDR line; its stdout and stderr are complete once it has exited.
func TestReportingChild(t *testing.T) {
	var stdout, stderr strings.Builder
	c, err := StartWith(Options{Env: []string{roleEnv + "=report"}, Args: []string{"one", "two"},
		Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = c.Wait(ctx)
	if st := c.State(); st == nil || st.ExitCode() != 3 || err == nil {
		t.Errorf("exit %v, %v; want status 3", st, err)
	}
	if stdout.String() != "one two\n" || stderr.String() != "report done\n" {
		t.Errorf("stdout %q, stderr %q; want the arguments and the stderr line", stdout.String(), stderr.String())
	}
	if c.Addr != "" {
		t.Errorf("Addr = %q for a reporting child", c.Addr)
	}
}

// TestWaitKills: Wait kills (by PID) a child still running when its
// context ends.
func TestWaitKills(t *testing.T) {
	c, err := StartWith(Options{Env: []string{roleEnv + "=hang"}, Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := c.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v; want a kill for the deadline", err)
	}
	ws, ok := c.State().Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("child ended %v; want SIGKILL", c.State())
	}
}

// TestExitOnStdinEOF: a reporting child exits when its stdin ends, which is
// what happens when its parent dies where PR_SET_PDEATHSIG does not.
func TestExitOnStdinEOF(t *testing.T) {
	c, err := StartWith(Options{Env: []string{roleEnv + "=hang"}, Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	if st := c.State(); st.ExitCode() != 7 {
		t.Errorf("child ended %v; want status 7 from ExitOnStdinEOF", st)
	}
}
