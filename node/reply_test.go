package node

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/goractor/goractor/actor"
)

// TestLateReplyDropped: the reply to a request that gave up waiting (its
// context ended) reaches the reply process after the request is gone. It
// is dropped and counted, and the next request to the same actor, whose
// reply follows it on the same connection, gets its own answer.
func TestLateReplyDropped(t *testing.T) {
	p := startPeer(t)
	withNode(t, func(cx *actor.Context, n *Node) error {
		ctx := timeout(t, 30*time.Second)
		slow := spawn(t, ctx, p.addr, "slow") // answers each string after 1 s
		late := n.replies.late.Load()
		gone, cancel := context.WithCancel(ctx)
		cancel()
		if v, err := slow.Request(gone, "first"); !errors.Is(err, context.Canceled) {
			t.Fatalf("Request with an ended context = %v, %v; want context.Canceled", v, err)
		}
		// The peer answers "first" before "second", on the same stream.
		if v, err := slow.Request(ctx, "second"); err != nil || v != "second" {
			t.Errorf("next Request = %v, %v; want its own answer", v, err)
		}
		if got := n.replies.late.Load() - late; got != 1 {
			t.Errorf("%d late replies counted; want 1", got)
		}
		return nil
	})
}

// TestReplyAfterNodeDownDropped: a request failed by its node being
// declared down (as Close and the failure detector do) is not revived by
// the reply that arrives afterwards: that reply is dropped and counted,
// and later requests to the node get their own answers.
func TestReplyAfterNodeDownDropped(t *testing.T) {
	p := startPeer(t)
	withNode(t, func(cx *actor.Context, n *Node) error {
		ctx := timeout(t, 30*time.Second)
		slow := spawn(t, ctx, p.addr, "slow")
		late := n.replies.late.Load()
		res := make(chan error, 1)
		go func() {
			_, err := slow.Request(ctx, "hello")
			res <- err
		}()
		// Wait (bounded) until the request is in flight.
		for i := 0; !inFlight(n, p.addr); i++ {
			if i == 3000 {
				t.Fatal("request not in flight after 30 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		n.Down(p.addr, "declared down by the test")
		if err := <-res; !errors.Is(err, actor.ErrNodeDown) {
			t.Fatalf("request = %v; want ErrNodeDown", err)
		}
		// The slow actor still answers, about a second later.
		for i := 0; n.replies.late.Load() == late; i++ {
			if i == 3000 {
				t.Fatal("no late reply counted after 30 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		echo := spawn(t, ctx, p.addr, "echo")
		for i := range 10 {
			if v, err := echo.Request(ctx, i); err != nil || v != i+1 {
				t.Errorf("Request(%d) after the late reply = %v, %v; want %d", i, v, err, i+1)
			}
		}
		if got := n.replies.late.Load() - late; got != 1 {
			t.Errorf("%d late replies counted; want 1", got)
		}
		return nil
	})
}

func inFlight(n *Node, addr string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, p := range n.pending {
		if p.addr == addr {
			return true
		}
	}
	return false
}

// TestReplyProcessRefusesForeign: the reply process, reached by protoactor
// directly, answers a message that is not an envelope with an error text,
// as the endpoint does, and drops an envelope no request waits for.
func TestReplyProcessRefusesForeign(t *testing.T) {
	p := startPeer(t)
	withNode(t, func(cx *actor.Context, n *Node) error {
		ctx := timeout(t, 30*time.Second)
		target := &proto.PID{Address: p.addr, Id: replyName, RequestId: 12345}
		res, err := n.ps.Root.RequestFuture(target, &wrapperspb.StringValue{Value: "hello"}, 10*time.Second).Result()
		if sv, ok := res.(*wrapperspb.StringValue); err != nil || !ok || !strings.HasPrefix(sv.Value, "node: ") {
			t.Errorf("foreign message to the reply process: answer %v, %v; want an error text", res, err)
		}
		// Garbage and a stray reply: nobody waits, the peer keeps serving.
		n.ps.Root.Send(target, &wrapperspb.BytesValue{Value: []byte("\xff\x00garbage")})
		if b, err := marshalWire(&wire{Op: opReply, Seq: 12345, From: n.addr}); err == nil {
			n.ps.Root.Send(target, &wrapperspb.BytesValue{Value: b})
		}
		echo := spawn(t, ctx, p.addr, "echo")
		if v, err := echo.Request(ctx, 41); err != nil || v != 42 {
			t.Errorf("Request after stray replies = %v, %v; want 42", v, err)
		}
		// Locally, too: a foreign message is counted, a stray envelope is
		// late.
		late, foreign := n.replies.late.Load(), n.replies.foreign.Load()
		local := &proto.PID{Address: n.addr, Id: replyName, RequestId: 12345}
		n.replies.SendUserMessage(local, &wrapperspb.StringValue{Value: "hello"})
		n.replies.SendUserMessage(local, &wrapperspb.BytesValue{Value: []byte("GRN")})
		if l, f := n.replies.late.Load()-late, n.replies.foreign.Load()-foreign; l != 1 || f != 1 {
			t.Errorf("late %d, foreign %d; want 1, 1", l, f)
		}
		return nil
	})
}

// TestRequestsGivingUpAmidAnswers: requests that give up early (their
// deadlines spread over a round trip, so their reply arrives before, while
// or after they leave) mixed with requests that wait, from eight
// goroutines. Every request that returns a value returns its own, and those
// that give up return the deadline's error: an entry of a request in
// flight, reused once its request is over, never carries another request's
// answer.
func TestRequestsGivingUpAmidAnswers(t *testing.T) {
	addr := startPeer(t).addr
	ctx := timeout(t, 60*time.Second)
	echo := spawn(t, ctx, addr, "echo")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				n, c, cancel := g*1000+i, ctx, context.CancelFunc(func() {})
				if i%2 == 0 {
					c, cancel = context.WithTimeout(ctx, time.Duration(i%40)*20*time.Microsecond)
				}
				v, err := echo.Request(c, n)
				cancel()
				switch {
				case err == nil && v != n+1:
					errs <- fmt.Errorf("Request(%d) = %v; want %d", n, v, n+1)
					return
				case err != nil && (c == ctx || !errors.Is(err, context.DeadlineExceeded)):
					errs <- fmt.Errorf("Request(%d): %v", n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
