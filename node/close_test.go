package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/selfexec"
)

// closeStormMode makes a test process the node of TestCloseDuringTraffic
// (a node of its own, since it is closed: one node per process).
const closeStormMode = "closestorm:"

const closeStormSenders = 8

// TestCloseDuringTraffic closes a node while eight goroutines send and
// request to an actor on a peer as fast as they can, in a process of its
// own built like this one (under -race when this test is). protoactor-go
// remote's Shutdown writes its endpoint manager's state without a lock and
// leaves it without connections, so a send that overlaps it is a data race
// and can dereference nil: Close must let no send reach the transport once
// it shuts it down. Every sender must end with an error wrapping
// actor.ErrNodeDown, nothing else, and the process must exit cleanly.
func TestCloseDuringTraffic(t *testing.T) {
	peer := startPeer(t)
	var out, errOut bytes.Buffer
	c, err := selfexec.StartWith(selfexec.Options{
		Env:    []string{peerEnv + "=" + closeStormMode + peer.addr},
		Stdout: &out,
		Stderr: &errOut,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.Wait(ctx); err != nil {
		t.Fatalf("close-storm process: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	var ok, down, other int
	var first string
	line := strings.TrimSpace(out.String())
	if _, err := fmt.Sscanf(line, "RESULT %d %d %d", &ok, &down, &other); err != nil {
		t.Fatalf("close-storm process printed %q: %v\nstderr:\n%s", line, err, errOut.String())
	}
	if i := strings.Index(line, " | "); i >= 0 {
		first = line[i+3:]
	}
	if ok < 100 || down != closeStormSenders || other != 0 {
		t.Errorf("%d calls answered, %d senders ended by node-down, %d by another error (%s); want >= 100, %d, 0",
			ok, down, other, first, closeStormSenders)
	}
}

// closeStorm is the process of TestCloseDuringTraffic: it starts a node,
// spawns an echo on the peer at addr, and closes its node once the senders
// have had 100 answers. It prints "RESULT answered down other | first other
// error".
func closeStorm(addr string) int {
	selfexec.ExitOnStdinEOF(3)
	var ok, down, other atomic.Int64
	var firstOther atomic.Value
	err := ownNode(func(ctx context.Context, n *Node) error {
		echo, err := n.Spawn(ctx, addr, "echo")
		if err != nil {
			return err
		}
		enough := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		for s := range closeStormSenders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 1_000_000 && ctx.Err() == nil; i++ {
					var err error
					if i%2 == 0 {
						err = echo.Send("silent")
					} else {
						var v any
						if v, err = echo.Request(ctx, s); err == nil && v != s+1 {
							err = fmt.Errorf("echo answered %v to %d", v, s)
						}
					}
					if err == nil {
						if ok.Add(1) >= 100 {
							once.Do(func() { close(enough) })
						}
						continue
					}
					if errors.Is(err, actor.ErrNodeDown) {
						down.Add(1)
					} else {
						other.Add(1)
						firstOther.CompareAndSwap(nil, err.Error())
					}
					return
				}
			}()
		}
		select {
		case <-enough:
		case <-ctx.Done():
		}
		err = n.Close()
		wg.Wait()
		return err
	})
	first, _ := firstOther.Load().(string)
	fmt.Printf("RESULT %d %d %d | %s\n", ok.Load(), down.Load(), other.Load(), first)
	if err != nil {
		fmt.Println("run:", err)
		return 1
	}
	return 0
}

// closeLeaveMode makes a test process the node of TestCloseAsPeersLeave.
const closeLeaveMode = "closeleave"

const closeLeavePeers = 4

// TestCloseAsPeersLeave closes a node while the peers it talks to die, in a
// process of its own that starts the peers (so that it ends them, by PID).
// A peer's connection lost is an endpoint event protoactor-go remote
// handles on a goroutine of its own, reading state its Shutdown writes
// without a lock: Close must wait for such a handler (endpointEvents).
// Under -race a missed one is a data race the child reports as it exits.
func TestCloseAsPeersLeave(t *testing.T) {
	for round := range 1 {
		var out, errOut bytes.Buffer
		c, err := selfexec.StartWith(selfexec.Options{
			Env:    []string{peerEnv + "=" + closeLeaveMode},
			Stdout: &out,
			Stderr: &errOut,
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		err = c.Wait(ctx)
		cancel()
		if err != nil {
			t.Fatalf("round %d: close-leave process: %v\nstdout:\n%s\nstderr:\n%s", round, err, out.String(), errOut.String())
		}
		if got := strings.TrimSpace(out.String()); got != "CLOSED" {
			t.Fatalf("round %d: close-leave process printed %q; want CLOSED\nstderr:\n%s", round, got, errOut.String())
		}
	}
}

// closeLeave is the process of TestCloseAsPeersLeave: it starts
// closeLeavePeers peers, spawns an echo on each, then stops them all and
// closes its node while they close theirs.
func closeLeave() int {
	selfexec.ExitOnStdinEOF(3)
	var peers []*selfexec.Child
	defer func() {
		for _, p := range peers {
			p.Kill()
		}
	}()
	for range closeLeavePeers {
		p, err := selfexec.Start(peerEnv+"=1", nil, 30*time.Second)
		if err != nil {
			fmt.Println("peer:", err)
			return 1
		}
		peers = append(peers, p)
	}
	err := ownNode(func(ctx context.Context, n *Node) error {
		for _, p := range peers {
			echo, err := n.Spawn(ctx, p.Addr, "echo")
			if err != nil {
				return err
			}
			if _, err := echo.Request(ctx, 1); err != nil {
				return err
			}
		}
		// Each peer closes its node as it exits: a DisconnectRequest, then
		// the connection lost, two endpoint events here. This node closes
		// as the first peer has exited, while the others go.
		var wg sync.WaitGroup
		for i, p := range peers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(i) * time.Millisecond)
				_ = p.Stop(20 * time.Second)
			}()
		}
		<-peers[0].Done()
		err := n.Close()
		wg.Wait()
		// A peer closed its node as this one closed: it must have exited
		// cleanly too (under -race, a race makes it exit 66).
		for _, p := range peers {
			if perr := p.Err(); perr != nil && err == nil {
				err = fmt.Errorf("peer %d: %w", p.Pid(), perr)
			}
		}
		return err
	})
	if err != nil {
		fmt.Println("run:", err)
		return 1
	}
	fmt.Println("CLOSED")
	return 0
}

// ownNode runs fn with a node started in a system of this process's own,
// which fn closes, and a context that ends after a minute.
func ownNode(fn func(ctx context.Context, n *Node) error) error {
	return actor.Run(func(cx *actor.Context) error {
		n, err := Start(cx)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return fn(ctx, n)
	}, actor.WithShutdownTimeout(10*time.Second))
}
