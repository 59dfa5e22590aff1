package node

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/protoref"
)

// The two remote figures of `goractor bench` (cmd/goractor/bench_remote.go),
// as Go benchmarks for quick A/B runs: a request to an echo actor on a peer
// node, against the same request made with raw protoactor-go remote and a
// protobuf message, sequential (rtt) and from 64 goroutines (c64). Compare
// each goractor figure with its protoactor one of the same run.

const benchEchoKind, rawEchoName = "bench-echo", "raw-echo"

func init() {
	RegisterHandlerKind(benchEchoKind, func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			if v, ok := msg.(int); ok {
				_ = hc.Respond(v)
			}
		})
	}, actor.Unpinned())
}

// spawnRawEcho starts, in a peer, the raw protoactor actor answering
// Int64Value.
func spawnRawEcho(cx *actor.Context) error {
	ps, _ := protoref.Of(cx.Self())
	_, err := ps.Root.SpawnNamed(proto.PropsFromFunc(func(c proto.Context) {
		if m, ok := c.Message().(*wrapperspb.Int64Value); ok {
			c.Respond(m)
		}
	}), rawEchoName)
	return err
}

func BenchmarkRemote(b *testing.B) {
	p := startPeer(b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	echo, err := testNode.Spawn(ctx, p.addr, benchEchoKind)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = echo.Stop(ctx) }()
	raw := &proto.PID{Address: p.addr, Id: rawEchoName}
	ps, _ := protoref.Of(testCx.Self())
	sides := []struct {
		name string
		req  func(i int) error
	}{
		{"goractor", func(i int) error {
			v, err := echo.Request(ctx, i)
			if err == nil && v != i {
				err = fmt.Errorf("echo answered %v to %d", v, i)
			}
			return err
		}},
		{"protoactor", func(i int) error {
			v, err := ps.Root.RequestFuture(raw, &wrapperspb.Int64Value{Value: int64(i)}, 30*time.Second).Result()
			if m, ok := v.(*wrapperspb.Int64Value); err == nil && (!ok || m.Value != int64(i)) {
				err = fmt.Errorf("raw echo answered %v to %d", v, i)
			}
			return err
		}},
	}
	for _, s := range sides {
		b.Run("rtt/"+s.name, func(b *testing.B) {
			defer reportCPU(b, cpuTicks())
			for i := range b.N {
				if err := s.req(i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, s := range sides {
		b.Run("c64/"+s.name, func(b *testing.B) {
			const conc = 64
			defer reportCPU(b, cpuTicks())
			var wg sync.WaitGroup
			errs := make(chan error, conc)
			for w := range conc {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < b.N; i += conc {
						if err := s.req(i); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
		})
	}
}

// cpuTicks returns the CPU time (user and system, in clock ticks of 10 ms)
// this process and its child processes (the peer) have used so far. On a
// shared, loaded machine the CPU a request costs both sides is steadier
// than its wall time.
func cpuTicks() int64 {
	var total int64
	pids := []string{strconv.Itoa(os.Getpid())}
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		pids = append(pids, strings.Fields(string(b))...)
	}
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command (which may hold spaces): utime is the
		// 14th field, stime the 15th.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			total += u + s
		}
	}
	return total
}

// reportCPU reports the CPU both processes used per request since start.
func reportCPU(b *testing.B, start int64) {
	b.ReportMetric(float64(cpuTicks()-start)*10000/float64(b.N), "cpu-us/op")
}
