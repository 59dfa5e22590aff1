package node

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
)

// fakeStream is a grpc.ServerStream whose RecvMsg ends with io.EOF.
type fakeStream struct {
	grpc.ServerStream
	sent []any
}

func (f *fakeStream) RecvMsg(any) error   { return io.EOF }
func (f *fakeStream) SendMsg(m any) error { f.sent = append(f.sent, m); return nil }

// An inbound stream whose peer ended returns its end only after the remote
// sent DisconnectRequest on it (what it does once Shutdown has sent on the
// stream's channel); other methods pass through untouched.
func TestHoldEndedStreams(t *testing.T) {
	ended := make(chan error, 1)
	got := make(chan grpc.ServerStream, 1)
	go func() {
		ended <- holdEndedStreams(nil, &fakeStream{}, &grpc.StreamServerInfo{FullMethod: receiveMethod},
			func(_ any, ss grpc.ServerStream) error {
				got <- ss
				return ss.RecvMsg(nil)
			})
	}()
	held := <-got
	select {
	case err := <-ended:
		t.Fatalf("ended stream returned %v before Shutdown's DisconnectRequest", err)
	case <-time.After(100 * time.Millisecond):
	}
	// Another message does not release it.
	if err := held.SendMsg(&remote.RemoteMessage{MessageType: &remote.RemoteMessage_ConnectResponse{ConnectResponse: &remote.ConnectResponse{}}}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-ended:
		t.Fatalf("released by a message other than DisconnectRequest: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	disc := &remote.RemoteMessage{MessageType: &remote.RemoteMessage_DisconnectRequest{DisconnectRequest: &remote.DisconnectRequest{}}}
	if err := held.SendMsg(disc); err != nil {
		t.Fatal(err)
	}
	if err := held.SendMsg(disc); err != nil { // a second one is harmless
		t.Fatal(err)
	}
	select {
	case err := <-ended:
		if !errors.Is(err, io.EOF) {
			t.Fatalf("ended with %v, want io.EOF", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("stream not released by DisconnectRequest")
	}
	if n := len(held.(*heldStream).ServerStream.(*fakeStream).sent); n != 3 {
		t.Fatalf("%d messages reached the stream, want 3", n)
	}

	// Any other method is not wrapped.
	fs := &fakeStream{}
	err := holdEndedStreams(nil, fs, &grpc.StreamServerInfo{FullMethod: "/remote.Remoting/Other"},
		func(_ any, ss grpc.ServerStream) error {
			if ss != grpc.ServerStream(fs) {
				t.Error("stream of another method was wrapped")
			}
			return ss.RecvMsg(nil)
		})
	if !errors.Is(err, io.EOF) {
		t.Fatalf("other method: %v", err)
	}
}
