package node

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/selfexec"
	"github.com/goractor/goractor/shareable"
)

// Test types and kinds, registered on every node (every test process runs
// the same init).
type Order struct {
	ID     int
	Items  []Item
	Placed time.Time
	Extra  any
}

type Item struct {
	Name string
	Qty  int
}

// Batch cannot cross a node: Job has a func field.
type Batch struct{ Jobs []Job }

type Job struct {
	Name   string
	Notify func()
	Skip   func() `cbor:"-"` // not encoded: crosses as nil
}

type Note struct{ Text string }

func init() {
	RegisterType[Order]("node_test.Order")
	RegisterType[Item]("node_test.Item")
	RegisterType[Note]("node_test.Note")
	RegisterType[Batch]("node_test.Batch")

	// sum: a body that adds the ints it receives until it gets 0 and
	// returns the total (plus its argument).
	RegisterKind("sum", func(cx *actor.Context) (any, error) {
		total := 0
		if len(cx.Args()) > 0 {
			total = cx.Args()[0].(int)
		}
		for {
			m, err := cx.Receive()
			if err != nil {
				return total, nil
			}
			switch v := m.(type) {
			case int:
				if v == 0 {
					return total, nil
				}
				total += v
			case string:
				return nil, errors.New(v)
			}
		}
	})
	// echo: a handler that answers every request with what it got; "panic"
	// panics, Order gets its item count.
	RegisterHandlerKind("echo", func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			switch m := msg.(type) {
			case string:
				if m == "panic" {
					panic("asked to")
				}
				if m == "silent" {
					return
				}
				_ = hc.Respond(m)
			case Order:
				_ = hc.Respond(len(m.Items))
			case int:
				_ = hc.Respond(m + 1)
			case actor.Started, actor.Stopping, actor.Stopped, actor.Restarting:
			default:
				_ = hc.Respond(m)
			}
		})
	})
	// slower answers after longer than the failure detector's deadline.
	RegisterHandlerKind("slower", func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			if _, ok := msg.(string); ok {
				time.Sleep(DefaultDownAfter + time.Second)
				_ = hc.Respond(msg)
			}
		})
	})
	// slow answers after a second.
	RegisterHandlerKind("slow", func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			if _, ok := msg.(string); ok {
				time.Sleep(time.Second)
				_ = hc.Respond(msg)
			}
		})
	})
}

func timeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// spawn spawns an actor of kind on the peer at addr through the test
// process's node, and fails the test if it cannot.
func spawn(t *testing.T, ctx context.Context, addr, kind string, opts ...SpawnOption) *actor.Ref {
	t.Helper()
	r, err := testNode.Spawn(ctx, addr, kind, opts...)
	if err != nil {
		t.Fatalf("Spawn(%s) on %s: %v", kind, addr, err)
	}
	return r
}

// withNode runs fn with the test process's node (see TestMain) and the
// Context of its main actor.
func withNode(t *testing.T, fn func(cx *actor.Context, n *Node) error) {
	t.Helper()
	if err := fn(testCx, testNode); err != nil {
		t.Fatal(err)
	}
}

// TestListenError starts a node on an address of another machine, in a
// process of its own (one node per process: see TestMain).
func TestListenError(t *testing.T) {
	c, err := selfexec.Start(peerEnv+"=listen:203.0.113.1:1", nil, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Err(); err != nil {
		t.Fatalf("listen helper: %v", err)
	}
	if !strings.Contains(c.Addr, "node: listen on 203.0.113.1:1") {
		t.Errorf("listen helper printed %q; want the listen error", c.Addr)
	}
}

func TestTwoNodesBodyAndHandler(t *testing.T) {
	addr := startPeer(t).addr
	withNode(t, func(cx *actor.Context, n *Node) error {
		ctx := timeout(t, 30*time.Second)
		sum := spawn(t, ctx, addr, "sum", WithArgs(100), WithName("summer"))
		if sum.Name() != "summer" {
			t.Errorf("Name() = %q; want summer", sum.Name())
		}
		for i := 1; i <= 10; i++ {
			if err := sum.Send(i); err != nil {
				return fmt.Errorf("send %d: %w", i, err)
			}
		}
		if err := sum.Send(0); err != nil {
			return err
		}
		v, err := sum.Value(ctx)
		if err != nil || v != 155 {
			t.Errorf("Value() = %v, %v; want 155, nil", v, err)
		}
		if _, err := sum.Value(ctx); !errors.Is(err, actor.ErrValueTaken) {
			t.Errorf("second Value() error = %v; want ErrValueTaken", err)
		}
		if err := sum.Send(1); !errors.Is(err, actor.ErrClosed) {
			t.Errorf("Send to a finished remote actor = %v; want ErrClosed", err)
		}

		echo := spawn(t, ctx, addr, "echo")
		for i := range 20 {
			v, err := echo.Request(ctx, i)
			if err != nil || v != i+1 {
				t.Fatalf("Request(%d) = %v, %v; want %d", i, v, err, i+1)
			}
		}
		o := Order{ID: 1, Items: []Item{{Name: "a", Qty: 1}, {Name: "b", Qty: 2}}, Placed: time.Unix(1700000000, 5).UTC(), Extra: Note{"hi"}}
		if v, err := echo.Request(ctx, o); err != nil || v != 2 {
			t.Errorf("Request(Order) = %v, %v; want 2", v, err)
		}
		if v, err := echo.Request(ctx, &o); err != nil {
			t.Errorf("Request(*Order) error %v", err)
		} else if got := v.(*Order); got.Placed != o.Placed || got.Extra != (Note{"hi"}) || got.Items[1].Name != "b" {
			t.Errorf("Request(*Order) = %+v; want %+v", got, o)
		}
		// A handler failure comes back as a *actor.RemoteError.
		_, err = echo.Request(ctx, "panic")
		var re *actor.RemoteError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "asked to") {
			t.Errorf("Request(panic) = %v; want *actor.RemoteError with the panic", err)
		}
		if _, err := echo.Request(ctx, "silent"); !errors.Is(err, actor.ErrNoReply) {
			t.Errorf("Request(silent) = %v; want ErrNoReply", err)
		}
		// The handler was restarted and answers again.
		if v, err := echo.Request(ctx, "again"); err != nil || v != "again" {
			t.Errorf("Request after restart = %v, %v", v, err)
		}
		// Select sees a remote actor's end.
		sum2 := spawn(t, ctx, addr, "sum")
		if err := sum2.Send(7); err != nil {
			return err
		}
		if err := sum2.Send(0); err != nil {
			return err
		}
		sel, err := actor.Select(ctx, actor.CaseValue(sum2))
		if err != nil || sel.Value != 7 || sel.Err != nil {
			t.Errorf("Select = %+v, %v; want value 7", sel, err)
		}
		// A body's error arrives as a RemoteError whose cause keeps its
		// message and type name.
		bad := spawn(t, ctx, addr, "sum")
		_ = bad.Send("boom")
		err = bad.Join(ctx)
		var ne *Error
		if !errors.As(err, &re) || !errors.As(err, &ne) || ne.Message != "boom" || ne.Type != "*errors.errorString" {
			t.Errorf("Join() = %#v; want RemoteError with *node.Error boom", err)
		}
		if err := echo.Stop(ctx); err != nil {
			t.Errorf("Stop(echo) = %v", err)
		}
		if err := echo.Join(ctx); err != nil {
			t.Errorf("Join(echo) = %v", err)
		}
		return nil
	})
}

// TestLongRequestOnLiveNode: a request that takes longer than the failure
// detector's deadline succeeds, because the node answers heartbeats.
func TestLongRequestOnLiveNode(t *testing.T) {
	addr := startPeer(t).addr
	withNode(t, func(cx *actor.Context, n *Node) error {
		ctx := timeout(t, 30*time.Second)
		slower := spawn(t, ctx, addr, "slower")
		if v, err := slower.Request(ctx, "x"); err != nil || v != "x" {
			t.Errorf("Request = %v, %v; want x", v, err)
		}
		return nil
	})
}

func TestUnknownKind(t *testing.T) {
	addr := startPeer(t).addr
	withNode(t, func(cx *actor.Context, n *Node) error {
		_, err := n.Spawn(timeout(t, 30*time.Second), addr, "no-such-kind")
		if !errors.Is(err, ErrUnknownKind) {
			t.Errorf("Spawn(unknown) = %v; want ErrUnknownKind", err)
		}
		return nil
	})
}

func TestNodeBoundaryGate(t *testing.T) {
	addr := startPeer(t).addr
	withNode(t, func(cx *actor.Context, n *Node) error {
		ctx := timeout(t, 30*time.Second)
		echo := spawn(t, ctx, addr, "echo")
		type local struct{ X int }
		type hidden struct{ x int }
		for _, tc := range []struct {
			msg  any
			path string
			want string
		}{
			{Batch{Jobs: []Job{{Name: "a"}, {Notify: func() {}}}}, ".Jobs[0].Notify", "func cannot cross a node"},
			{Order{Extra: make(chan int)}, ".Extra", "not registered"},
			{Order{Extra: cx.Self()}, ".Extra", "not registered"},
			{map[string]any{"k": func() {}}, `["k"]`, "not registered"},
			{local{1}, "", "not registered"},
		} {
			_, err := echo.Request(ctx, tc.msg)
			var ie *shareable.IsolationError
			if !errors.As(err, &ie) || ie.Path != tc.path || !strings.Contains(ie.Reason, tc.want) {
				t.Errorf("Request(%T) = %v; want IsolationError at %q: %q", tc.msg, err, tc.path, tc.want)
			}
			if err := echo.Send(tc.msg); !errors.Is(err, shareable.ErrNotShareable) {
				t.Errorf("Send(%T) = %v; want ErrNotShareable", tc.msg, err)
			}
		}
		// The actor is unaffected.
		if v, err := echo.Request(ctx, 1); err != nil || v != 2 {
			t.Errorf("Request after refusals = %v, %v", v, err)
		}
		return nil
	})
}

func TestNodeKilledFailsPending(t *testing.T) {
	p := startPeer(t)
	withNode(t, func(cx *actor.Context, n *Node) error {
		ctx := timeout(t, 30*time.Second)
		slow := spawn(t, ctx, p.addr, "slow")
		sum := spawn(t, ctx, p.addr, "sum")
		res := make(chan error, 1)
		go func() {
			_, err := slow.Request(ctx, "hello")
			res <- err
		}()
		time.Sleep(100 * time.Millisecond)
		start := time.Now()
		p.kill()
		if err := <-res; !errors.Is(err, actor.ErrNodeDown) {
			t.Errorf("pending Request = %v; want ErrNodeDown", err)
		}
		if err := slow.Join(ctx); !errors.Is(err, actor.ErrNodeDown) {
			t.Errorf("Join = %v; want ErrNodeDown", err)
		}
		if _, err := sum.Value(ctx); !errors.Is(err, actor.ErrNodeDown) {
			t.Errorf("Value = %v; want ErrNodeDown", err)
		}
		if _, err := slow.Request(ctx, "again"); !errors.Is(err, actor.ErrNodeDown) {
			t.Errorf("Request after down = %v; want ErrNodeDown", err)
		}
		if elapsed := time.Since(start); elapsed > DefaultDownAfter+time.Second {
			t.Logf("node down noticed in %v (beyond the documented deadline; loaded machine?)", elapsed)
		} else {
			t.Logf("node down noticed in %v", elapsed)
		}
		return nil
	})
}
