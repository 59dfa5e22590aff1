// Package selfexec starts processes of the running program's own binary in
// another role (the os/exec self-exec pattern): hosts (package host), node
// peers in tests, the bench's peer, and goractor check's isolated children
// and fresh-process draws. It is the module's one way to start such a
// child (the examples, which use the public API only, start theirs with
// os/exec).
//
// A child is selected by an environment variable it checks before doing
// anything else. A server child announces itself with one line
// "ADDR <address>" on stdout and runs until its stdin closes; a reporting
// child ([Options.Stdout]) writes its report on stdout and exits, and
// [Child.Wait] bounds how long it may take.
//
// A child never outlives its parent: on Linux it gets SIGKILL when the
// parent dies (PR_SET_PDEATHSIG), and because that signal follows the
// thread that forked the child, not the process, the child is forked from
// a goroutine locked to a thread that lives exactly as long as the child.
// Elsewhere, and should that signal not fire, the child's stdin — a pipe
// from the parent — reaches EOF when the parent dies: a server child's
// role ends there, and a reporting child calls [ExitOnStdinEOF] first.
package selfexec

import (
	"bufio"
	"context"
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
	Addr string // what it printed after "ADDR " ("" for a reporting child)

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
	Env []string // "NAME=value" entries added to the environment
	// Args are the child's arguments. The default, "-test.run=^$", keeps a
	// test binary from running tests should the child's role not take over
	// in TestMain (programs ignore it); a child given Args must take over
	// before a test binary's m.Run parses them.
	Args   []string
	OnLine func(string) // every stdout line but the ADDR one; may be nil
	// Stdout, when set, makes the child a reporting child: all its stdout
	// goes to Stdout, no ADDR line is awaited, and StartWith returns once
	// the process runs. Stdout is complete once Done is closed.
	Stdout  io.Writer
	Stderr  io.Writer     // the child's stderr; nil for this process's
	Timeout time.Duration // how long to wait for the ADDR line
}

// StartWith is Start with every option: it runs this program's binary and
// waits up to o.Timeout for its ADDR line (not for a reporting child).
func StartWith(o Options) (*Child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("selfexec: %w", err)
	}
	args := o.Args
	if args == nil {
		args = []string{"-test.run=^$"}
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.Stderr = os.Stderr
	if o.Stderr != nil {
		cmd.Stderr = o.Stderr
	}
	setPdeathsig(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("selfexec: %w", err)
	}
	var stdout io.Reader
	if o.Stdout != nil {
		cmd.Stdout = o.Stdout
	} else if stdout, err = cmd.StdoutPipe(); err != nil {
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
		if stdout != nil {
			scanAddr(stdout, addr, o.OnLine)
		}
		c.err = cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("selfexec: start: %w", err)
	}
	if stdout == nil {
		return c, nil
	}
	t := time.NewTimer(o.Timeout)
	defer t.Stop()
	select {
	case a, ok := <-addr:
		if !ok {
			<-c.done
			return nil, fmt.Errorf("selfexec: child exited before announcing its address: %v", c.err)
		}
		c.Addr = a
		return c, nil
	case <-t.C:
		c.Kill()
		return nil, errors.New("selfexec: child did not announce its address within " + o.Timeout.String())
	}
}

// scanAddr reads a server child's stdout to its end: the first ADDR line
// goes to addr, every other line to onLine; addr is closed at the end.
func scanAddr(stdout io.Reader, addr chan<- string, onLine func(string)) {
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

// Wait waits for the child to exit and returns its exit status. When ctx
// ends first it kills the child by its PID, waits for it, and returns an
// error wrapping ctx's error instead.
func (c *Child) Wait(ctx context.Context) error {
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		c.Kill()
		return fmt.Errorf("selfexec: child %d killed: %w", c.Pid(), context.Cause(ctx))
	}
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

// ExitOnStdinEOF is a reporting child's side of the fallback: it returns at
// once and, on a goroutine of its own, reads stdin until it ends (the
// parent died, or closed it) and then exits the process with code. A
// server child's role reads its stdin itself.
func ExitOnStdinEOF(code int) {
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(code)
	}()
}
