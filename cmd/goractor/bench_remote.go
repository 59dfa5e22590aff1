package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/protoref"
	"github.com/goractor/goractor/internal/selfexec"
	"github.com/goractor/goractor/node"
)

// Figures of issue 12: a request to an actor on another node against the
// same request made with raw protoactor-go remote and a protobuf message,
// both over one loopback connection to one peer process, in the same run.
const (
	figRemoteRTT       = "goractor.remote.request_rtt"
	figProtoRemoteRTT  = "goractor.baseline.protoactor_remote.request_rtt"
	figRemoteRate      = "goractor.remote.request_rate_c64"
	figProtoRemoteRate = "goractor.baseline.protoactor_remote.request_rate_c64"
)

func remoteMeasurements() []measurement {
	return []measurement{
		{[]string{figRemoteRTT, figProtoRemoteRTT}, []string{"us/roundtrip", "us/roundtrip"}, measureRemoteRTT},
		{[]string{figRemoteRate, figProtoRemoteRate}, []string{"requests/s", "requests/s"}, measureRemoteRate},
	}
}

func remoteRatios() []ratio {
	return []ratio{
		{"goractor.ratio.remote_rtt_vs_protoactor", figRemoteRTT, figProtoRemoteRTT},
		// Throughput: > 1 means goractor is faster.
		{"goractor.ratio.remote_rate_c64_vs_protoactor", figRemoteRate, figProtoRemoteRate},
	}
}

// benchPeerEnv makes this binary the bench's peer node (self-exec).
const benchPeerEnv = "GORACTOR_BENCH_PEER"

const benchEchoKind, benchEchoProto = "goractor.bench.echo", "goractor-bench-echo"

func init() {
	node.RegisterHandlerKind(benchEchoKind, func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			if v, ok := msg.(int); ok {
				_ = hc.Respond(v)
			}
		})
	}, actor.Unpinned())
	if os.Getenv(benchPeerEnv) != "" {
		os.Exit(benchPeer())
	}
}

// benchPeer runs the peer node until stdin closes: goractor's echo kind and
// a raw protoactor echo actor answering Int64Value.
func benchPeer() int {
	err := actor.Run(func(cx *actor.Context) error {
		n, err := node.Start(cx)
		if err != nil {
			return err
		}
		defer n.Close()
		ps, _ := protoref.Of(cx.Self())
		if _, err := ps.Root.SpawnNamed(proto.PropsFromFunc(func(c proto.Context) {
			if m, ok := c.Message().(*wrapperspb.Int64Value); ok {
				c.Respond(m)
			}
		}), benchEchoProto); err != nil {
			return err
		}
		fmt.Printf("ADDR %s\n", n.Addr())
		_, _ = io.Copy(io.Discard, os.Stdin)
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench peer:", err)
		return 1
	}
	return 0
}

// clusterMu guards cluster, the node of this process and its peer: started
// by the first remote measurement and kept for the process's life (main
// and TestMain call closeBenchCluster as they exit), since a process holds
// one node (package node): a second node's start writes grpc's
// process-wide logger while the goroutines of a connection protoactor
// leaked for the first (a failed connect to a crashed host) read it. The
// peer also dies with this process (its stdin closes; Pdeathsig on Linux).
var (
	clusterMu sync.Mutex
	cluster   *clusterBench
)

func benchCluster() (*clusterBench, error) {
	clusterMu.Lock()
	defer clusterMu.Unlock()
	if cluster != nil {
		return cluster, nil
	}
	cb, err := startCluster()
	if err != nil {
		return nil, err
	}
	cluster = cb
	return cb, nil
}

// closeBenchCluster stops the bench's node and its peer, if started.
func closeBenchCluster() {
	clusterMu.Lock()
	cb := cluster
	cluster = nil
	clusterMu.Unlock()
	if cb == nil {
		return
	}
	closeBenchHosts(cb) // their connections end before the node shuts down
	close(cb.quit)
	<-cb.ran
	_ = cb.peerProc.Stop(20 * time.Second)
}

func startCluster() (*clusterBench, error) {
	peer, err := selfexec.Start(benchPeerEnv+"=1", nil, 30*time.Second)
	if err != nil {
		return nil, err
	}
	cb := &clusterBench{peerProc: peer, peer: peer.Addr, quit: make(chan struct{}), ran: make(chan struct{}), do: make(chan func(*actor.Context))}
	ready := make(chan error, 1)
	go func() {
		defer close(cb.ran)
		_ = actor.Run(func(cx *actor.Context) error {
			n, err := node.Start(cx)
			if err != nil {
				ready <- err
				return err
			}
			cb.n = n
			cb.ps, _ = protoref.Of(cx.Self())
			ready <- nil
			for {
				select {
				case f := <-cb.do:
					f(cx)
				case <-cb.quit:
					return n.Close()
				}
			}
		})
	}()
	if err := <-ready; err != nil {
		_ = peer.Stop(20 * time.Second)
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if cb.echo, err = cb.n.Spawn(ctx, cb.peer, benchEchoKind); err != nil {
		close(cb.quit)
		<-cb.ran
		_ = peer.Stop(20 * time.Second)
		return nil, err
	}
	cb.raw = &proto.PID{Address: cb.peer, Id: benchEchoProto}
	return cb, nil
}

type clusterBench struct {
	n        *node.Node
	ps       *proto.ActorSystem
	peer     string
	peerProc *selfexec.Child
	echo     *actor.Ref
	raw      *proto.PID
	do       chan func(*actor.Context) // functions the node's main actor runs
	quit     chan struct{}             // closed to end the node's system
	ran      chan struct{}             // closed when it has ended
}

func (cb *clusterBench) goractorRequest(ctx context.Context, i int) error {
	v, err := cb.echo.Request(ctx, i)
	if err == nil && v != i {
		err = fmt.Errorf("echo answered %v to %d", v, i)
	}
	return err
}

func (cb *clusterBench) protoRequest(_ context.Context, i int) error {
	v, err := cb.ps.Root.RequestFuture(cb.raw, &wrapperspb.Int64Value{Value: int64(i)}, 30*time.Second).Result()
	if err == nil {
		if m, ok := v.(*wrapperspb.Int64Value); !ok || m.Value != int64(i) {
			err = fmt.Errorf("raw echo answered %v to %d", v, i)
		}
	}
	return err
}

// measureRemoteRTT alternates blocks of goractor and raw protoactor
// requests, one at a time, so that both see the same machine load.
func measureRemoteRTT(c *benchConfig) ([]float64, error) {
	cb, err := benchCluster()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return alternate(ctx, c.n(2000, 200), cb.goractorRequest, cb.protoRequest)
}

// measureRemoteRate runs 64 concurrent requesters against each side.
func measureRemoteRate(c *benchConfig) ([]float64, error) {
	cb, err := benchCluster()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const conc = 64
	n := c.n(20000, 2000)
	rate := func(f func(context.Context, int) error) (float64, error) {
		var wg sync.WaitGroup
		errs := make(chan error, conc)
		start := time.Now()
		for w := range conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range n / conc {
					if err := f(ctx, w*n+i); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return 0, err
		}
		return float64(n/conc*conc) / time.Since(start).Seconds(), nil
	}
	g, err := rate(cb.goractorRequest)
	if err != nil {
		return nil, err
	}
	p, err := rate(cb.protoRequest)
	if err != nil {
		return nil, err
	}
	return []float64{g, p}, nil
}
