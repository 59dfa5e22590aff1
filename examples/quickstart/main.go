package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/goractor/goractor/actor"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// step is one stop of the tour. It prints what it shows to r and returns an
// error when what it checks did not hold.
type step struct {
	title string
	run   func(ctx *actor.Context, r *report) error
}

// report writes the tour's output: a header per step, indented lines, and
// the step's verdict.
type report struct {
	w      io.Writer
	onMain bool // run was called on the process's main thread (from main())
}

func (r *report) line(format string, args ...any) {
	fmt.Fprintf(r.w, "   "+format+"\n", args...)
}

var steps = []step{
	{"the main actor owns the main thread", stepMainThread},
	{"actors on their own OS threads compress with zlib in parallel", stepParallelZlib},
	{"a send that cannot cross is rejected with its path", stepRejectedSend},
	{"a frozen table is shared without copying", stepFrozenTable},
	{"a function that is not parallel-safe: refused in a worker, fine on main", stepUnsafeCall},
	{"a callback from a thread the runtime did not create", stepForeignCallback},
	{"offloaded native calls complete as futures", stepAsync},
}

// run runs the tour, writing the report to w. It returns an error naming
// every step that did not behave.
func run(w io.Writer) error {
	// On Linux the main thread is the one whose id is the process id.
	r := &report{w: w, onMain: gettid() == os.Getpid()}
	fmt.Fprintf(w, "goractor quickstart: %d steps on %s/%s, %d CPUs, GOMAXPROCS=%d\n",
		len(steps), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	start := time.Now()
	var failed []string
	err := actor.Run(func(ctx *actor.Context) error {
		for i, s := range steps {
			fmt.Fprintf(w, "\n%d. %s\n", i+1, s.title)
			t0 := time.Now()
			if err := s.run(ctx, r); err != nil {
				fmt.Fprintf(w, "   FAILED: %v\n", err)
				failed = append(failed, fmt.Sprintf("step %d (%s): %v", i+1, s.title, err))
				continue
			}
			fmt.Fprintf(w, "   ok (%s)\n", round(time.Since(t0)))
		}
		return nil
	}, actor.WithShutdownTimeout(5*time.Second))
	if err != nil {
		failed = append(failed, "actor system: "+err.Error())
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "\n%d of %d steps FAILED in %s\n", len(failed), len(steps), round(time.Since(start)))
		return errors.New(strings.Join(failed, "; "))
	}
	fmt.Fprintf(w, "\nall %d steps behaved, in %s\n", len(steps), round(time.Since(start)))
	return nil
}

// round shortens a duration for display.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// bg is the context for waits that the actor system bounds itself.
func bg() context.Context { return context.Background() }

// withTimeout bounds a wait of the tour, so that a misbehaving step fails
// instead of hanging.
func withTimeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 20*time.Second)
}
