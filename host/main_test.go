//go:build linux

package host_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/host"
	"github.com/goractor/goractor/internal/cbuild"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/node"
)

// roleEnv gives the test binary another role in a process a test starts.
const roleEnv = "GORACTOR_HOST_TEST_ROLE"

var (
	testCx  *actor.Context
	fixture string      // path of the crashy fixture library
	onMain  chan func() // functions the main actor runs
)

func TestMain(m *testing.M) {
	host.Serve() // a host process never returns from here
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(parentMain(role))
	}
	dir, err := os.MkdirTemp("", "goractor-host-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixture = filepath.Join(dir, "libcrashy.so")
	if err := cbuild.SharedLib(fixture, []string{"testdata/crashy.c"}); err != nil {
		fmt.Fprintln(os.Stderr, "host test: build fixture:", err)
		os.Exit(1)
	}
	code := runTests(m)
	_ = os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(testlib.NodeLeakIgnores()...); err != nil {
			fmt.Fprintln(os.Stderr, "host test: goroutines leaked:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// runTests runs the tests while the main actor of one system (one node per
// process) serves onMain.
func runTests(m *testing.M) int {
	ready := make(chan struct{})
	onMain = make(chan func())
	ran := make(chan error, 1)
	go func() {
		ran <- actor.Run(func(cx *actor.Context) error {
			testCx = cx
			close(ready)
			for f := range onMain {
				f()
			}
			return nil
		}, actor.WithShutdownTimeout(20*time.Second))
	}()
	<-ready
	code := m.Run()
	close(onMain)
	if err := <-ran; err != nil {
		fmt.Fprintln(os.Stderr, "host test: Run:", err)
		code = 1
	}
	return code
}

// parentMain is a process that starts a host, prints the host's PID and
// runs until its stdin closes; then it closes the host (role "parent") or
// leaves it to Run's shutdown (role "shutdown").
func parentMain(role string) int {
	hostPid := 0
	err := actor.Run(func(cx *actor.Context) error {
		h, err := host.Start(cx, host.WithName("orphan"))
		if err != nil {
			return err
		}
		hostPid = h.Pid()
		fmt.Printf("ADDR %d\n", hostPid)
		_, _ = io.Copy(io.Discard, os.Stdin)
		if role == "shutdown" {
			return nil
		}
		return h.Close()
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "parent:", err)
		return 1
	}
	// Still alive here, so Pdeathsig has not fired: Run stopped the host.
	fmt.Printf("HOST ALIVE AFTER RUN %v\n", testlib.Alive(hostPid))
	return 0
}

// crashy is the fixture's functions bound through a host.
type crashy struct {
	add    func(int32, int32) (int32, error)
	check  func(int32) (int32, error)
	abort  func() error
	bus    func() error
	exit   func(int32) error
	sleep  func(int32) (int32, error)
	fill   func([]byte, int64, int32) (int64, error)
	getpid func() int32
}

func declaration() extension.Declaration {
	return extension.Declaration{Name: "crashy", Libraries: []string{fixture}, Safety: extension.ParallelSafe}
}

// startHost starts a host for one test and binds the fixture through it.
func startHost(t testing.TB, opts ...host.Option) (*host.Host, *crashy) {
	t.Helper()
	h, err := host.Start(testCx, append([]host.Option{host.WithName(t.Name())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	x, err := h.Open(ctx, declaration())
	if err != nil {
		t.Fatal(err)
	}
	c := &crashy{}
	for sym, f := range map[string]any{
		"crashy_add": &c.add, "crashy_check": &c.check, "crashy_abort": &c.abort, "crashy_bus": &c.bus,
		"crashy_exit": &c.exit, "crashy_sleep_ms": &c.sleep, "crashy_fill": &c.fill, "crashy_getpid": &c.getpid,
	} {
		if err := x.Bind(f, sym); err != nil {
			t.Fatal(err)
		}
	}
	return h, c
}

// inActor runs f in a new actor named name and returns its error.
func inActor(t *testing.T, name string, f func() error) error {
	t.Helper()
	ref, err := testCx.Spawn(func(*actor.Context) (any, error) { return nil, f() }, actor.WithName(name))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err = ref.Value(ctx)
	var re *actor.RemoteError
	if errors.As(err, &re) {
		return re.Cause
	}
	return err
}

func init() {
	node.RegisterHandlerKind("host-test.pid", func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			if msg == "pid?" {
				_ = hc.Respond(int64(os.Getpid()))
			}
		})
	})
}
