package libc_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension/libc"
	"github.com/goractor/goractor/safety"
)

const freshEnv = "GORACTOR_TEST_B5_CHILD"

// B5 (reliability.md §4.2): the refusal of B1 in a fresh process where the
// main actor never loaded the extension — a worker loads it and calls an
// unsafe function first. The text is the same as in B1, nothing reaches
// stderr, and the main actor can still call the function afterwards.
func TestUnsafeExt_FreshProcess(t *testing.T) {
	if os.Getenv(freshEnv) == "1" {
		freshChild()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestUnsafeExt_FreshProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), freshEnv+"=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	want := `worker: safety: call "libc.l64a" from actor "worker-3": not parallel-safe, only the main actor may call it` + "\n" +
		`main: "./"` + "\n"
	if got := stdout.String(); !strings.Contains(got, want) {
		t.Errorf("child stdout = %q; want it to contain %q", got, want)
	}
	if s := stderr.String(); s != "" {
		t.Errorf("child stderr = %q; want nothing", s)
	}
}

// freshChild runs in the child process: the extension is opened for the
// first time inside a worker actor.
func freshChild() {
	err := actor.Run(func(ctx *actor.Context) error {
		w, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			l, err := libc.Open()
			if err != nil {
				return nil, err
			}
			defer l.Close()
			_, err = l.L64a(64)
			if !errors.Is(err, safety.ErrNotParallelSafe) {
				return nil, fmt.Errorf("l64a from a worker = %v; want ErrNotParallelSafe", err)
			}
			return err.Error(), nil
		}, actor.WithName("worker-3"))
		if err != nil {
			return err
		}
		v, err := w.Value(context.Background())
		if err != nil {
			return err
		}
		fmt.Printf("worker: %s\n", v)
		l, err := libc.Open()
		if err != nil {
			return err
		}
		defer l.Close()
		s, err := l.L64a(64)
		if err != nil {
			return err
		}
		fmt.Printf("main: %q\n", s)
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
