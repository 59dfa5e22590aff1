package node

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/actor"
)

// peerEnv makes the test binary a peer node: protoactor-go remote keeps
// process-wide state (grpc's logger), so each node of a test runs in a
// process of its own, as in production.
const peerEnv = "GORACTOR_NODE_TEST_PEER"

func TestMain(m *testing.M) {
	if os.Getenv(peerEnv) != "" {
		os.Exit(peerMain())
	}
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1"),
		// grpc and protoactor remote goroutines that end after Close
		// returns (connection teardown).
		goleak.IgnoreAnyFunction("google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run"),
		goleak.IgnoreAnyFunction("google.golang.org/grpc.(*addrConn).resetTransport"),
		goleak.IgnoreAnyFunction("google.golang.org/grpc/internal/transport.(*http2Client).keepalive"),
		goleak.IgnoreAnyFunction("google.golang.org/grpc/internal/transport.newHTTP2Client.func6"),
		goleak.IgnoreAnyFunction("google.golang.org/grpc/internal/transport.(*controlBuffer).get"),
	)
}

// peerMain runs a node until its stdin closes (the parent ended or closed
// it), printing its address first.
func peerMain() int {
	err := actor.Run(func(cx *actor.Context) error {
		n, err := Start(cx)
		if err != nil {
			return err
		}
		fmt.Printf("ADDR %s\n", n.Addr())
		_, _ = io.Copy(io.Discard, os.Stdin)
		return n.Close()
	}, actor.WithShutdownTimeout(10*time.Second))
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		return 1
	}
	return 0
}

// proc is a peer node process started by a test.
type proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	addr  string
	done  chan error
}

// startPeer starts a peer node process and returns it once it listens. It
// ends with the test: stdin closed, then killed (by its PID) if it has not
// exited within 20 s. The peer also dies with this process (Pdeathsig).
func startPeer(t *testing.T) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), peerEnv+"=1")
	cmd.Stderr = os.Stderr
	setPdeathsig(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stdin: stdin, done: make(chan error, 1)}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "ADDR "); ok {
				line <- a
			}
		}
		close(line)
		p.done <- cmd.Wait()
	}()
	select {
	case a, ok := <-line:
		if !ok {
			t.Fatalf("peer exited before listening: %v", <-p.done)
		}
		p.addr = a
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("peer did not start within 30s")
	}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop closes the peer's stdin and waits for it, killing it after 20 s.
func (p *proc) stop(t *testing.T) {
	_ = p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Errorf("peer %d did not exit within 20s; killing it", p.cmd.Process.Pid)
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// kill ends the peer with SIGKILL and waits for it.
func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
	p.done <- nil // for stop
}
