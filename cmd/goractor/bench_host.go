package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/host"
)

// Figures of issue 12, part 2: a native call through a host (a child
// process of this binary, package host), and the time from a native crash
// in the host to the first call that succeeds after it. The baselines, in
// the same run: a request to an actor on another node
// (goractor.remote.request_rtt; a hosted call is that round trip plus the
// call), and a raw protoactor-go request, the transport's round trip
// (goractor.baseline.protoactor_remote.request_rtt).
// goractor.host.restart is measured with a spare process (host.WithSpare),
// goractor.host.restart_cold without one (a process start).
const (
	figHostCallAdd     = "goractor.host.call.add"
	figHostProtoRTT    = "goractor.baseline.host.protoactor_rtt"
	figHostRestart     = "goractor.host.restart"
	figHostRestartCold = "goractor.host.restart_cold"
)

func init() {
	host.Serve() // this binary, re-executed as the bench's host, serves here
}

func hostMeasurements() []measurement {
	return []measurement{
		{[]string{figHostCallAdd, figHostProtoRTT}, []string{"us/call", "us/roundtrip"}, measureHostCall},
		{[]string{figHostRestart, figHostRestartCold}, []string{"ms", "ms"}, measureHostRestart},
	}
}

func hostRatios() []ratio {
	return []ratio{
		{"goractor.ratio.host_call_vs_remote_rtt", figHostCallAdd, figRemoteRTT},
		// Against the transport itself: raw protoactor-go requests in blocks
		// alternated with the hosted calls'.
		{"goractor.ratio.host_call_vs_protoactor", figHostCallAdd, figHostProtoRTT},
	}
}

// benchHost is one of the bench's hosts, in the bench cluster's actor
// system and node (one node per process); it ends with the cluster.
type benchHost struct {
	h     *host.Host
	add   func(int32, int32) (int32, error)
	abort func() error // libc abort(): a real native crash
}

var (
	benchHostMu sync.Mutex
	benchHosts  map[string]*benchHost // by name, for benchHostCB
	benchHostCB *clusterBench
)

func startBenchHost(c *benchConfig, name string, opts ...host.Option) (*benchHost, error) {
	cb, err := benchCluster()
	if err != nil {
		return nil, err
	}
	benchHostMu.Lock()
	defer benchHostMu.Unlock()
	if benchHostCB != cb {
		benchHosts, benchHostCB = map[string]*benchHost{}, cb
	}
	if bh, ok := benchHosts[name]; ok {
		return bh, nil
	}
	type started struct {
		h   *host.Host
		err error
	}
	res := make(chan started, 1)
	opts = append([]host.Option{host.WithNode(cb.n), host.WithName(name), host.WithRestarts(1000, time.Second)}, opts...)
	cb.do <- func(cx *actor.Context) {
		h, err := host.Start(cx, opts...)
		res <- started{h, err}
	}
	r := <-res
	if r.err != nil {
		return nil, r.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bh := &benchHost{h: r.h}
	fix, err := r.h.Open(ctx, extension.Declaration{Name: "bench-fixture", Libraries: []string{c.lib}, Safety: extension.ParallelSafe})
	if err == nil {
		err = fix.Bind(&bh.add, "add")
	}
	if err == nil {
		var libc *host.Extension
		if libc, err = r.h.Open(ctx, extension.Declaration{Name: "bench-libc", Libraries: []string{"libc.so.6"}, Safety: extension.ParallelSafe}); err == nil {
			err = libc.Bind(&bh.abort, "abort")
		}
	}
	if err != nil {
		_ = r.h.Close()
		return nil, err
	}
	benchHosts[name] = bh
	return bh, nil
}

// closeRunHosts closes the hosts a bench run started in the bench's node.
func closeRunHosts() {
	clusterMu.Lock()
	cb := cluster
	clusterMu.Unlock()
	if cb != nil {
		closeBenchHosts(cb)
	}
}

// closeBenchHosts closes the hosts started in cb's system.
func closeBenchHosts(cb *clusterBench) {
	benchHostMu.Lock()
	defer benchHostMu.Unlock()
	if benchHostCB != cb {
		return
	}
	for _, bh := range benchHosts {
		_ = bh.h.Close()
	}
	benchHosts, benchHostCB = nil, nil
}

// measureHostCall: sequential add() calls through the host, in blocks
// alternated with blocks of raw protoactor-go requests to the bench's peer
// (goractor.baseline.host.protoactor_rtt), so that both see the same
// machine load.
func measureHostCall(c *benchConfig) ([]float64, error) {
	bh, err := startBenchHost(c, "bench")
	if err != nil {
		return nil, err
	}
	cb, err := benchCluster()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	add := func(_ context.Context, i int) error {
		v, err := bh.add(int32(i), 1)
		if err == nil && v != int32(i)+1 {
			err = fmt.Errorf("hosted add(%d, 1) = %d", i, v)
		}
		return err
	}
	d, err := alternate(ctx, c.n(4000, 200), add, cb.protoRequest)
	if err != nil {
		return nil, err
	}
	return []float64{d[0], d[1]}, nil
}

// alternate runs n calls of each side, in 4 blocks per side taken in
// turn, so that every side sees the same machine load, and returns each
// side's microseconds per call. A side gets the call's index.
func alternate(ctx context.Context, n int, sides ...func(context.Context, int) error) ([]float64, error) {
	total := make([]time.Duration, len(sides))
	for block := range 4 {
		for k, f := range sides {
			start := time.Now()
			for i := range n / 4 {
				if err := f(ctx, block*n+i); err != nil {
					return nil, err
				}
			}
			total[k] += time.Since(start)
		}
	}
	per := make([]float64, len(sides))
	for k, d := range total {
		per[k] = float64(d.Nanoseconds()) / float64(n/4*4) / 1000
	}
	return per, nil
}

// measureHostRestart crashes a host with a spare and one without with
// abort(), and times from the call that crashed each to the first add()
// that succeeds after it (which waits for the restarted host).
func measureHostRestart(c *benchConfig) ([]float64, error) {
	spare, err := startBenchHost(c, "bench-spare", host.WithSpare())
	if err != nil {
		return nil, err
	}
	cold, err := startBenchHost(c, "bench-cold")
	if err != nil {
		return nil, err
	}
	a, err := restartOnce(spare)
	if err != nil {
		return nil, err
	}
	b, err := restartOnce(cold)
	return []float64{a, b}, err
}

func restartOnce(bh *benchHost) (float64, error) {
	if _, err := bh.add(1, 1); err != nil { // a live host to crash
		return 0, err
	}
	start := time.Now()
	if err := bh.abort(); !errors.Is(err, host.ErrCrashed) {
		return 0, fmt.Errorf("hosted abort() = %v; want a crash", err)
	}
	// The first successful call: on a loaded machine a call may still meet
	// the end of the crashed process, or a host the failure detector gave
	// up on; at most 3 tries.
	for try := 1; ; try++ {
		v, err := bh.add(2, 3)
		if err == nil && v == 5 {
			break
		}
		if try == 3 || !errors.Is(err, actor.ErrNodeDown) {
			return 0, fmt.Errorf("add after the crash = %d, %v", v, err)
		}
	}
	return float64(time.Since(start).Microseconds()) / 1000, nil
}
