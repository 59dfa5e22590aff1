//go:build linux

package host_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/protoref"
	"github.com/goractor/goractor/node"
)

// Kinds the benchmark spawns in a host: a goractor echo, and an actor that
// starts a raw protoactor-go echo (protobuf messages) in the host's
// protoactor system, for the baseline.
const (
	benchEchoKind  = "host-test.echo"
	benchProtoKind = "host-test.protoecho"
	benchProtoName = "host-test-protoecho"
)

// benchCallMsg is shaped like a call to a host as it crossed before
// callFrame: strings, type codes, and the arguments in an []any.
type benchCallMsg struct {
	Names []string
	Codes []uint8
	Args  []any
}

func init() {
	node.RegisterType[benchCallMsg]("host-test.callmsg")
	node.RegisterHandlerKind(benchEchoKind, func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) { _ = hc.Respond(msg) })
	}, actor.Unpinned())
	node.RegisterKind(benchProtoKind, func(cx *actor.Context) (any, error) {
		ps, _ := protoref.Of(cx.Self())
		pid, err := ps.Root.SpawnNamed(proto.PropsFromFunc(func(c proto.Context) {
			if m, ok := c.Message().(*wrapperspb.Int64Value); ok {
				c.Respond(m)
			}
		}), benchProtoName)
		if err != nil {
			return nil, err
		}
		<-cx.Done()
		return nil, ps.Root.StopFuture(pid).Wait()
	})
}

// BenchmarkHostCall mirrors goractor bench's goractor.host.call.add: one
// add() after another through a host, against, in the same host process
// and run, a goractor request to an echo actor there (the node's round
// trip) and a raw protoactor-go request with a protobuf message (the
// transport's). The difference between add and node is what package host
// adds; between node and protoactor, what package node adds.
func BenchmarkHostCall(b *testing.B) {
	h, c := startHost(b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	echo, err := h.Spawn(ctx, benchEchoKind)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := h.Spawn(ctx, benchProtoKind); err != nil {
		b.Fatal(err)
	}
	ps, _ := protoref.Of(testCx.Self())
	raw := &proto.PID{Address: h.Addr(), Id: benchProtoName}
	for try := 0; ; try++ { // the raw echo starts on its own
		if _, err := ps.Root.RequestFuture(raw, &wrapperspb.Int64Value{}, time.Second).Result(); err == nil {
			break
		} else if try == 30 {
			b.Fatal(err)
		}
	}
	// Blocks of each kind of call, alternated, so that all see the same
	// machine load; b.N blocks of each.
	const block = 50
	m := benchCallMsg{Names: []string{"crashy", "crashy_add", "main"}, Codes: []uint8{5, 5, 5}}
	sides := []struct {
		name string
		f    func(i int) error
		d    time.Duration
	}{
		{name: "add", f: func(i int) error {
			if v, err := c.add(int32(i), 1); err != nil || v != int32(i)+1 {
				return fmt.Errorf("add(%d, 1) = %d, %v", i, v, err)
			}
			return nil
		}},
		{name: "node", f: func(i int) error {
			if v, err := echo.Request(ctx, i); err != nil || v != i {
				return fmt.Errorf("echo(%d) = %v, %v", i, v, err)
			}
			return nil
		}},
		{name: "node_struct", f: func(i int) error {
			m.Args = []any{int32(i), int32(1)}
			_, err := echo.Request(ctx, m)
			return err
		}},
		{name: "protoactor", f: func(i int) error {
			v, err := ps.Root.RequestFuture(raw, &wrapperspb.Int64Value{Value: int64(i)}, 30*time.Second).Result()
			if m, ok := v.(*wrapperspb.Int64Value); err != nil || !ok || m.Value != int64(i) {
				return fmt.Errorf("raw echo(%d) = %v, %v", i, v, err)
			}
			return nil
		}},
	}
	n := 0
	for b.Loop() {
		for k := range sides {
			s := &sides[k]
			start := time.Now()
			for i := range block {
				if err := s.f(n*block + i); err != nil {
					b.Fatal(err)
				}
			}
			s.d += time.Since(start)
		}
		n++
	}
	for _, s := range sides {
		b.ReportMetric(float64(s.d.Microseconds())/float64(n*block), s.name+"-us/call")
	}
	b.ReportMetric(float64(sides[0].d)/float64(sides[3].d), "add/protoactor")
	b.ReportMetric(float64(sides[0].d)/float64(sides[1].d), "add/node")
	b.ReportMetric(0, "ns/op")
}
