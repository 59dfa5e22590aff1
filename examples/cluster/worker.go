package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// worker is this program re-executed as a worker node (the os/exec
// self-exec pattern): the child serves with node.ServeChild, announces its
// address with one line "ADDR <address>" on stdout, and runs until its
// stdin reaches EOF. The parent holds the write end, so the child ends
// when the parent closes it or dies, even on kill -9.
type worker struct {
	Addr  string
	cmd   *exec.Cmd
	stdin io.Closer
	done  chan error // the child's exit status, once waited for
}

// startWorker runs this program's binary with env added to its environment
// and waits up to timeout for its ADDR line.
func startWorker(env string, timeout time.Duration) (*worker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// -test.run=^$ keeps a test binary from running its tests should
	// TestMain not hand over to the worker; a program ignores it.
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), env)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w := &worker{cmd: cmd, stdin: stdin, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		announced := false
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "ADDR "); ok && !announced {
				announced = true
				addr <- a
			}
		}
		if !announced {
			close(addr)
		}
		w.done <- cmd.Wait()
	}()
	select {
	case a, ok := <-addr:
		if ok {
			w.Addr = a
			return w, nil
		}
		err = errors.New("exited before announcing its address")
	case <-time.After(timeout):
		err = fmt.Errorf("announced no address within %v", timeout)
	}
	_ = w.stop(0)
	return nil, fmt.Errorf("worker %d: %w", cmd.Process.Pid, err)
}

// stop closes the worker's stdin and waits up to timeout for it to exit,
// then kills it (by its PID) and reports that it had to.
func (w *worker) stop(timeout time.Duration) error {
	_ = w.stdin.Close()
	select {
	case <-w.done:
		return nil
	case <-time.After(timeout):
		_ = w.cmd.Process.Kill()
		<-w.done
		return fmt.Errorf("worker %d did not exit within %v; killed", w.cmd.Process.Pid, timeout)
	}
}
