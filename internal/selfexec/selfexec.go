// Package selfexec starts processes of the running program's own binary in
// another role (the os/exec self-exec pattern): node peers in tests, the
// bench's peer, the workers of examples/cluster.
//
// A child is selected by an environment variable it checks before doing
// anything else, announces itself with one line "ADDR <address>" on
// stdout, and runs until its stdin closes. It never outlives its parent:
// on Linux it gets SIGKILL when the parent dies (PR_SET_PDEATHSIG), and
// because that signal follows the thread that forked the child, not the
// process, the child is forked from a goroutine locked to a thread that
// lives exactly as long as the child. Elsewhere the closed stdin ends it.
package selfexec

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Child is a running child process.
type Child struct {
	Addr string // what it printed after "ADDR "

	cmd   *exec.Cmd
	stdin io.Closer
	done  chan struct{} // closed once the process has been waited for
	err   error         // its exit status, set before done is closed
}

// Start runs this program's binary with env ("NAME=value") added to the
// environment and waits up to timeout for its ADDR line. Every other line
// of its stdout goes to onLine (which may be nil), on another goroutine;
// its stderr is this process's.
func Start(env string, onLine func(string), timeout time.Duration) (*Child, error) {
	return StartWith(Options{Env: []string{env}, OnLine: onLine, Timeout: timeout})
}

// Options configure StartWith.
type Options struct {
	Env     []string      // "NAME=value" entries added to the environment
	OnLine  func(string)  // every stdout line but the ADDR one; may be nil
	Stderr  io.Writer     // the child's stderr; nil for this process's
	Timeout time.Duration // how long to wait for the ADDR line
}

// StartWith is Start with every option: it runs this program's binary and
// waits up to o.Timeout for its ADDR line.
func StartWith(o Options) (*Child, error) {
	env, onLine, timeout := o.Env, o.OnLine, o.Timeout
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("selfexec: %w", err)
	}
	// -test.run=^$ keeps a test binary from running tests should the
	// child's role not take over in TestMain; programs ignore it.
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	if o.Stderr != nil {
		cmd.Stderr = o.Stderr
	}
	setPdeathsig(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("selfexec: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("selfexec: %w", err)
	}
	c := &Child{cmd: cmd, stdin: stdin, done: make(chan struct{})}
	addr := make(chan string, 1)
	started := make(chan error, 1)
	go func() {
		defer close(c.done)
		runtime.LockOSThread() // never unlocked: the thread ends with the child
		if err := cmd.Start(); err != nil {
			c.err = err
			started <- err
			return
		}
		started <- nil
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "ADDR "); ok {
				select {
				case addr <- a:
				default:
				}
			} else if onLine != nil {
				onLine(sc.Text())
			}
		}
		close(addr)
		c.err = cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("selfexec: start: %w", err)
	}
	select {
	case a, ok := <-addr:
		if !ok {
			<-c.done
			return nil, fmt.Errorf("selfexec: child exited before announcing its address: %v", c.err)
		}
		c.Addr = a
		return c, nil
	case <-time.After(timeout):
		c.Kill()
		return nil, errors.New("selfexec: child did not announce its address within " + timeout.String())
	}
}

// Pid returns the child's process id.
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// State returns the child's exit state once Done is closed (nil before).
func (c *Child) State() *os.ProcessState {
	select {
	case <-c.done:
		return c.cmd.ProcessState
	default:
		return nil
	}
}

// Done is closed once the child has exited and been waited for.
func (c *Child) Done() <-chan struct{} { return c.done }

// Err returns the child's exit status once Done is closed.
func (c *Child) Err() error {
	<-c.done
	return c.err
}

// Stop closes the child's stdin and waits up to timeout for it to exit,
// then kills it. It returns an error if it had to kill it. Calling it
// again, or after Kill, only waits.
func (c *Child) Stop(timeout time.Duration) error {
	_ = c.stdin.Close()
	select {
	case <-c.done:
		return nil
	case <-time.After(timeout):
		c.Kill()
		return fmt.Errorf("selfexec: child %d did not exit within %v; killed", c.Pid(), timeout)
	}
}

// Kill ends the child with SIGKILL (by its PID) and waits for it.
func (c *Child) Kill() {
	_ = c.cmd.Process.Kill()
	<-c.done
}
