package node

import (
	"errors"
	"sync"

	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
)

// receiveMethod is protoactor-go remote's inbound stream: one per peer that
// sends to this node.
const receiveMethod = "/remote.Remoting/Receive"

// errClosing ends an inbound stream that delivers a message once the node
// has begun to close.
var errClosing = errors.New("node: closing")

// inbound orders protoactor-go remote's inbound streams with its graceful
// Shutdown, which races with them twice (the pinned version; no newer one is
// served):
//
//   - Shutdown sets a flag each stream's loop reads after every message it
//     receives, without a lock (a data race whenever a peer sends as the
//     node closes);
//   - Shutdown ranges over a map holding a channel per stream and sends on
//     each, while a stream that ends at that moment closes its channel and
//     removes it from the map in a goroutine of its own (a data race, or a
//     "send on closed channel" panic inside Node.Close: a host exiting as its
//     parent shuts down hit it).
//
// A grpc stream interceptor wraps each inbound stream. A message is handed
// to the stream's loop under a read lock held until the loop asks for the
// next one, so everything the loop does with it (the flag read included)
// happens before beginClose's write lock; after that, no message is handed
// over. The error that ends a stream is handed over only once the stream is
// released: when the remote sends DisconnectRequest on it, which it does
// only after Shutdown has sent on the stream's channel. The cost: a stream
// whose peer went away keeps its handler and the remote's goroutine for it
// (no socket) until Close.
type inbound struct {
	mu      sync.RWMutex
	closing bool
}

// beginClose waits until no stream's loop is working on a message and
// makes every later message end its stream instead.
func (in *inbound) beginClose() {
	in.mu.Lock()
	in.closing = true
	in.mu.Unlock()
}

// intercept is the grpc.StreamServerInterceptor.
func (in *inbound) intercept(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if info.FullMethod != receiveMethod {
		return handler(srv, ss)
	}
	s := &heldStream{ServerStream: ss, in: in, released: make(chan struct{})}
	err := handler(srv, s)
	s.drop() // the loop returned while working on a message
	return err
}

// heldStream is an inbound stream; RecvMsg and drop run on its handler's
// goroutine only.
type heldStream struct {
	grpc.ServerStream
	in       *inbound
	holding  bool // the read lock, held while the loop works on a message
	once     sync.Once
	released chan struct{}
}

func (s *heldStream) drop() {
	if s.holding {
		s.holding = false
		s.in.mu.RUnlock()
	}
}

// SendMsg releases the stream when the remote sends DisconnectRequest.
func (s *heldStream) SendMsg(m any) error {
	if rm, ok := m.(*remote.RemoteMessage); ok && rm.GetDisconnectRequest() != nil {
		s.once.Do(func() { close(s.released) })
	}
	return s.ServerStream.SendMsg(m)
}

// RecvMsg hands over the next message under the read lock, or the stream's
// end once the stream is released.
func (s *heldStream) RecvMsg(m any) error {
	s.drop()
	err := s.ServerStream.RecvMsg(m)
	if err == nil {
		s.in.mu.RLock()
		if !s.in.closing {
			s.holding = true
			return nil
		}
		s.in.mu.RUnlock()
		err = errClosing
	}
	<-s.released
	return err
}
