package actor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/testlib"
)

func init() {
	helpers["goexit-main"] = helperGoexitMain
}

// helperGoexitMain is a program whose main() calls Run and whose main actor
// calls runtime.Goexit, with a worker blocked in Receive. Go ends the main
// goroutine without returning to main(), so Run cannot return; the process
// must still shut down (the worker stopped, the main actor's Done, Join and
// Value resolved with ErrGoexit), say why, and end with status 2 instead of
// hanging. exitProcess is replaced to print what the main actor's Ref reports
// at that moment.
func helperGoexitMain() int {
	var self *Ref
	exitProcess = func(code int) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		select {
		case <-self.Done():
			fmt.Println("done: closed")
		default:
			fmt.Println("done: open")
		}
		_, verr := self.Value(ctx)
		jerr := self.Join(ctx)
		var re *RemoteError
		fmt.Printf("value: goexit=%v remote=%v; join: goexit=%v\n", errors.Is(verr, ErrGoexit), errors.As(verr, &re), errors.Is(jerr, ErrGoexit))
		os.Exit(code)
	}
	err := Run(func(ctx *Context) error {
		self = ctx.Self()
		w, err := ctx.Spawn(func(cx *Context) (any, error) {
			defer fmt.Println("worker: stopped")
			_, err := cx.Receive()
			return nil, err
		})
		if err != nil {
			return err
		}
		if err := w.Send("hello"); err != nil {
			return err
		}
		runtime.Goexit()
		return nil
	})
	fmt.Println("Run returned:", err) // unreachable: Go never resumes main after Goexit
	return 0
}

// Issue 11 item 3, the main goroutine: runtime.Goexit in the main actor of a
// program whose main() called Run used to leave the process running forever
// without its main goroutine (Run never returned, nothing was reported).
func TestGoexit_MainActorOnProgramMainGoroutine(t *testing.T) {
	cmd := testlib.ProgramCmd("goexit-main")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	kill := time.AfterFunc(2*time.Minute, func() { _ = cmd.Process.Kill() }) // a hang ends the child, by its PID
	err := cmd.Wait()
	hung := !kill.Stop()
	out, errOut := stdout.String(), stderr.String()
	if hung {
		t.Fatalf("child %d hung after Goexit in the main actor\nstdout:\n%s\nstderr:\n%s", pid, out, errOut)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 {
		t.Errorf("child exit = %v; want status 2\nstderr:\n%s", err, errOut)
	}
	for _, want := range []string{"worker: stopped", "done: closed", "value: goexit=true remote=true; join: goexit=true"} {
		if !strings.Contains(out, want) {
			t.Errorf("child stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Run returned") {
		t.Errorf("Run returned after Goexit on the main goroutine:\n%s", out)
	}
	for _, want := range []string{"runtime.Goexit called", "main goroutine", "exiting with status 2"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("child stderr lacks %q:\n%s", want, errOut)
		}
	}
}
