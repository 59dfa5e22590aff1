//go:build linux

package host_test

import (
	"context"
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

func init() {
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
	b.Run("add", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if v, err := c.add(int32(i), 1); err != nil || v != int32(i)+1 {
				b.Fatalf("add(%d, 1) = %d, %v", i, v, err)
			}
		}
	})
	b.Run("node", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if v, err := echo.Request(ctx, i); err != nil || v != i {
				b.Fatalf("echo(%d) = %v, %v", i, v, err)
			}
		}
	})
	b.Run("protoactor", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			v, err := ps.Root.RequestFuture(raw, &wrapperspb.Int64Value{Value: int64(i)}, 30*time.Second).Result()
			if m, ok := v.(*wrapperspb.Int64Value); err != nil || !ok || m.Value != int64(i) {
				b.Fatalf("raw echo(%d) = %v, %v", i, v, err)
			}
		}
	})
}
