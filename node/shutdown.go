package node

import (
	"sync"

	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
)

// receiveMethod is protoactor-go remote's inbound stream: one per peer that
// sends to this node.
const receiveMethod = "/remote.Remoting/Receive"

// holdEndedStreams works around a race in protoactor-go remote's graceful
// Shutdown (the pinned version; no newer one is served). For every inbound
// stream the remote keeps a channel in a map; Shutdown ranges over the map
// and sends on each channel, while a stream that ends at that moment closes
// its channel and removes it from the map in a goroutine of its own. The
// send and the close race (a data race, or a "send on closed channel"
// panic inside Node.Close when a peer goes away as this node closes: a host
// exiting while its parent shuts down, for one).
//
// The interceptor wraps each inbound stream so that, once the peer's side
// has ended, the stream's handler does not return — and so does not close
// its channel — until Shutdown has sent on that channel: the remote answers
// that send by sending a DisconnectRequest on the stream, which releases it.
// The cost: a stream whose peer went away keeps its handler and the
// remote's goroutine for it (no socket) until Close.
func holdEndedStreams(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if info.FullMethod != receiveMethod {
		return handler(srv, ss)
	}
	return handler(srv, &heldStream{ServerStream: ss, released: make(chan struct{})})
}

// heldStream is an inbound stream whose end waits for Shutdown's send.
type heldStream struct {
	grpc.ServerStream
	once     sync.Once
	released chan struct{}
}

// SendMsg releases the stream when the remote sends DisconnectRequest: it
// does so only after Shutdown sent on the stream's channel.
func (s *heldStream) SendMsg(m any) error {
	if rm, ok := m.(*remote.RemoteMessage); ok && rm.GetDisconnectRequest() != nil {
		s.once.Do(func() { close(s.released) })
	}
	return s.ServerStream.SendMsg(m)
}

// RecvMsg returns a message as it arrives; the error that ends the stream
// only once the stream is released.
func (s *heldStream) RecvMsg(m any) error {
	err := s.ServerStream.RecvMsg(m)
	if err != nil {
		<-s.released
	}
	return err
}
