package node

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/selfexec"
	"github.com/goractor/goractor/internal/testlib"
)

// peerEnv makes the test binary a peer node: protoactor-go remote keeps
// process-wide state (grpc's logger), so each node of a test runs in a
// process of its own, as in production.
const peerEnv = "GORACTOR_NODE_TEST_PEER"

// peerProfileEnv names a file a peer writes its CPU profile to.
const peerProfileEnv = "GORACTOR_NODE_TEST_PEER_CPUPROFILE"

// testNode is the node of the test process and testCx the Context of its
// main actor. protoactor-go remote sets grpc's process-wide logger on every
// start, racing with the transport goroutines of any node already in the
// process: so a process holds one node for its whole life, as in
// production, and every peer runs in a process of its own.
var (
	testNode *Node
	testCx   *actor.Context
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(peerEnv); mode != "" {
		if addr, ok := strings.CutPrefix(mode, closeStormMode); ok {
			os.Exit(closeStorm(addr))
		}
		if mode == closeLeaveMode {
			os.Exit(closeLeave())
		}
		os.Exit(peerMain(mode))
	}
	ready := make(chan error, 1)
	quit := make(chan struct{})
	ran := make(chan error, 1)
	go func() {
		ran <- actor.Run(func(cx *actor.Context) error {
			n, err := Start(cx)
			if err != nil {
				ready <- err
				return err
			}
			testNode, testCx = n, cx
			ready <- nil
			<-quit
			return n.Close()
		}, actor.WithShutdownTimeout(10*time.Second))
	}()
	if err := <-ready; err != nil {
		fmt.Fprintln(os.Stderr, "node test: start:", err)
		os.Exit(1)
	}
	code := m.Run()
	close(quit)
	if err := <-ran; err != nil {
		fmt.Fprintln(os.Stderr, "node test: Run:", err)
		code = 1
	}
	if code == 0 {
		if err := goleak.Find(testlib.NodeLeakIgnores()...); err != nil {
			fmt.Fprintln(os.Stderr, "node test: goroutines leaked:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// peerMain runs a node until its stdin closes (the parent ended or closed
// it), printing its address first.
func peerMain(mode string) int {
	if path := os.Getenv(peerProfileEnv); path != "" {
		// A CPU profile of the peer, for BenchmarkRemote's readers.
		if f, err := os.Create(path); err == nil {
			if err := pprof.StartCPUProfile(f); err == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	err := actor.Run(func(cx *actor.Context) error {
		if addr, ok := strings.CutPrefix(mode, "listen:"); ok {
			_, err := Start(cx, WithAddress(addr))
			fmt.Printf("ADDR %v\n", err) // the error stands for the address
			return nil
		}
		n, err := Start(cx)
		if err != nil {
			return err
		}
		if err := spawnRawEcho(cx); err != nil {
			return err
		}
		fmt.Printf("ADDR %s\n", n.Addr())
		_, _ = io.Copy(io.Discard, os.Stdin)
		err = n.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := cx.System().Stop(ctx); err != nil {
			return err
		}
		st := cx.System().Stats()
		fmt.Printf("STATS %d %d %d %d %d\n", st.Sent, st.Received, st.Rejected, st.Dropped, st.DeadLetters)
		return err
	}, actor.WithShutdownTimeout(10*time.Second))
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		return 1
	}
	return 0
}

// proc is a peer node process started by a test.
type proc struct {
	*selfexec.Child
	addr  string
	stats chan actor.Stats // the peer's counters, printed as it exits
}

// startPeer starts a peer node process and returns it once it listens. It
// ends with the test: stdin closed, then killed (by its PID) if it has not
// exited within 20 s. The peer also dies with this process (Pdeathsig).
func startPeer(t testing.TB) *proc {
	t.Helper()
	p := &proc{stats: make(chan actor.Stats, 1)}
	c, err := selfexec.Start(peerEnv+"=1", func(line string) {
		if a, ok := strings.CutPrefix(line, "STATS "); ok {
			var st actor.Stats
			if _, err := fmt.Sscan(a, &st.Sent, &st.Received, &st.Rejected, &st.Dropped, &st.DeadLetters); err == nil {
				p.stats <- st
			}
		}
	}, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	p.Child, p.addr = c, c.Addr
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop closes the peer's stdin and waits for it, killing it after 20 s.
// Calling it again does nothing.
func (p *proc) stop(t testing.TB) {
	if err := p.Stop(20 * time.Second); err != nil {
		t.Error(err)
	}
}

// kill ends the peer with SIGKILL and waits for it.
func (p *proc) kill() { p.Kill() }
