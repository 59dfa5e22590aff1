package node

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/eventstream"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
)

// scriptStream is a grpc.ServerStream whose RecvMsg returns what the test
// feeds it (nil: a message).
type scriptStream struct {
	grpc.ServerStream
	recv chan error
	sent chan any
}

func newScriptStream() *scriptStream {
	return &scriptStream{recv: make(chan error), sent: make(chan any, 8)}
}

func (f *scriptStream) RecvMsg(any) error   { return <-f.recv }
func (f *scriptStream) SendMsg(m any) error { f.sent <- m; return nil }

var disconnect = &remote.RemoteMessage{MessageType: &remote.RemoteMessage_DisconnectRequest{DisconnectRequest: &remote.DisconnectRequest{}}}

// serve runs a Receive-like loop over the intercepted stream: it reports
// each RecvMsg result on got and returns at the first error.
func serve(in *inbound, fs *scriptStream) (held chan grpc.ServerStream, got, ended chan error) {
	held, got, ended = make(chan grpc.ServerStream, 1), make(chan error, 8), make(chan error, 1)
	go func() {
		ended <- in.intercept(nil, fs, &grpc.StreamServerInfo{FullMethod: receiveMethod},
			func(_ any, ss grpc.ServerStream) error {
				held <- ss
				for {
					err := ss.RecvMsg(nil)
					got <- err
					if err != nil {
						return err
					}
				}
			})
	}()
	return held, got, ended
}

func quiet[T any](t *testing.T, c chan T, what string) {
	t.Helper()
	select {
	case v := <-c:
		t.Fatalf("%s: got %v", what, v)
	case <-time.After(100 * time.Millisecond):
	}
}

func recvWithin[T any](t *testing.T, c chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: nothing after 10 s", what)
	}
	panic("unreachable")
}

// A stream whose peer ended hands its end to the loop only after the remote
// sent DisconnectRequest on it (what it does once Shutdown has sent on the
// stream's channel).
func TestInboundEndWaitsForDisconnect(t *testing.T) {
	in := &inbound{}
	fs := newScriptStream()
	held, got, ended := serve(in, fs)
	ss := recvWithin(t, held, "handler start")
	fs.recv <- io.EOF
	quiet(t, got, "end handed over before DisconnectRequest")
	other := &remote.RemoteMessage{MessageType: &remote.RemoteMessage_ConnectResponse{ConnectResponse: &remote.ConnectResponse{}}}
	if err := ss.SendMsg(other); err != nil {
		t.Fatal(err)
	}
	quiet(t, got, "released by a message other than DisconnectRequest")
	for range 2 { // a second one is harmless
		if err := ss.SendMsg(disconnect); err != nil {
			t.Fatal(err)
		}
	}
	if err := recvWithin(t, got, "end after DisconnectRequest"); !errors.Is(err, io.EOF) {
		t.Fatalf("end = %v, want io.EOF", err)
	}
	if err := recvWithin(t, ended, "handler return"); !errors.Is(err, io.EOF) {
		t.Fatalf("handler = %v", err)
	}
	if n := len(fs.sent); n != 3 {
		t.Fatalf("%d messages reached the stream, want 3", n)
	}
}

// beginClose waits while a loop works on a message (until it asks for the
// next), and no message is handed over after it: the stream ends, once
// released, with errClosing.
func TestInboundBeginCloseOrdersMessages(t *testing.T) {
	in := &inbound{}
	fs := newScriptStream()
	held, got, ended := serve(in, fs)
	ss := recvWithin(t, held, "handler start")
	fs.recv <- nil
	if err := recvWithin(t, got, "first message"); err != nil {
		t.Fatal(err)
	}
	closed := make(chan bool, 1)
	go func() { in.beginClose(); closed <- true }()
	// The loop has asked for the next message, which dropped the lock.
	recvWithin(t, closed, "beginClose")
	fs.recv <- nil // a message after beginClose is not handed over
	quiet(t, got, "message handed over after beginClose")
	if err := ss.SendMsg(disconnect); err != nil {
		t.Fatal(err)
	}
	if err := recvWithin(t, got, "end"); !errors.Is(err, errClosing) {
		t.Fatalf("end = %v, want errClosing", err)
	}
	recvWithin(t, ended, "handler return")
}

// A loop that holds a message keeps beginClose waiting; a loop that returns
// while holding one releases it.
func TestInboundHeldMessageDelaysClose(t *testing.T) {
	in := &inbound{}
	fs := newScriptStream()
	work, holding := make(chan struct{}), make(chan struct{})
	ended := make(chan error, 1)
	go func() {
		ended <- in.intercept(nil, fs, &grpc.StreamServerInfo{FullMethod: receiveMethod},
			func(_ any, ss grpc.ServerStream) error {
				if err := ss.RecvMsg(nil); err != nil {
					return err
				}
				close(holding)
				<-work // working on the message
				return errors.New("loop gave up")
			})
	}()
	fs.recv <- nil
	// Until RecvMsg returns, the message is not handed over yet, and a
	// beginClose that comes first rightly ends the stream instead: wait
	// for the hand-over.
	recvWithin(t, holding, "the message handed over")
	closed := make(chan bool, 1)
	go func() { in.beginClose(); closed <- true }()
	quiet(t, closed, "beginClose while a message is being worked on")
	close(work)
	recvWithin(t, closed, "beginClose after the loop returned")
	recvWithin(t, ended, "handler return")
}

// Another method's stream is not wrapped.
func TestInboundOtherMethod(t *testing.T) {
	in := &inbound{}
	fs := newScriptStream()
	err := in.intercept(nil, fs, &grpc.StreamServerInfo{FullMethod: "/remote.Remoting/Other"},
		func(_ any, ss grpc.ServerStream) error {
			if ss != grpc.ServerStream(fs) {
				t.Error("stream of another method was wrapped")
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEndpointEventsBracket publishes endpoint events through a protoactor
// event stream to a handler subscribed between endpointEvents' enter and
// leave, as the endpoint manager's is: wait must not return while the
// handler runs, must return once it has, and must give up at its limit.
func TestEndpointEventsBracket(t *testing.T) {
	es := &eventstream.EventStream{}
	ev := newEndpointEvents()
	es.SubscribeWithPredicate(ev.enter, isEndpointEvent)
	inHandler, release := make(chan struct{}), make(chan struct{})
	es.SubscribeWithPredicate(func(any) {
		inHandler <- struct{}{}
		<-release
	}, isEndpointEvent)
	es.SubscribeWithPredicate(ev.leave, isEndpointEvent)

	es.Publish("not an endpoint event") // counted by nobody
	if !ev.wait(time.Second) {
		t.Fatal("wait with no endpoint event in flight gave up")
	}

	published := make(chan struct{})
	go func() {
		es.Publish(&remote.EndpointTerminatedEvent{Address: "127.0.0.1:1"})
		close(published)
	}()
	<-inHandler
	start := time.Now()
	if ev.wait(100 * time.Millisecond) {
		t.Fatal("wait returned while the handler ran")
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("wait gave up after %v; want its 100ms limit", d)
	}
	waited := make(chan bool, 1)
	go func() { waited <- ev.wait(time.Minute) }()
	select {
	case <-waited:
		t.Fatal("wait returned while the handler ran")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if !<-waited {
		t.Fatal("wait gave up after the handler returned")
	}
	<-published
}
