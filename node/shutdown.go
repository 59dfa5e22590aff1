package node

import (
	"errors"
	"sync"
	"time"

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

// endpointEvents orders protoactor-go remote's handling of its endpoint
// events with its graceful Shutdown, which races with it (the pinned
// version): the endpoint manager's event handler reads the manager's
// connection map, which Shutdown sets to nil without a lock after it
// unsubscribes the handler. An event published just before (a peer's
// connection lost or a DisconnectRequest, so typically a peer ending as
// this node closes) can still be in that handler when Shutdown writes, and
// a read after the write dereferences nil.
//
// Two subscriptions bracket the manager's: enter, subscribed before
// rem.Start, and leave, after it. An event stream hands an event to its
// subscriptions in the order they were made (a subscription moves only
// when one is removed, and nothing removes any before the manager's), so
// every publication that reaches the manager's handler is counted from
// before it to after it, and wait returns once none is. What it cannot
// cover: a publication that begins between wait and the manager's
// unsubscription, microseconds later.
type endpointEvents struct {
	mu       sync.Mutex
	inFlight int
	zero     *sync.Cond
}

func newEndpointEvents() *endpointEvents {
	e := &endpointEvents{}
	e.zero = sync.NewCond(&e.mu)
	return e
}

// isEndpointEvent is the endpoint manager's predicate.
func isEndpointEvent(evt any) bool {
	switch evt.(type) {
	case *remote.EndpointTerminatedEvent, *remote.EndpointConnectedEvent:
		return true
	}
	return false
}

func (e *endpointEvents) enter(any) {
	e.mu.Lock()
	e.inFlight++
	e.mu.Unlock()
}

func (e *endpointEvents) leave(any) {
	e.mu.Lock()
	if e.inFlight--; e.inFlight == 0 {
		e.zero.Broadcast()
	}
	e.mu.Unlock()
}

// wait waits until no endpoint event is being handled, at most limit (the
// manager's handler can wait for a connection). It reports whether none is.
func (e *endpointEvents) wait(limit time.Duration) bool {
	// The deadline is taken before the timer starts, so the timer fires
	// at or after it: a waiter it wakes leaves the loop. (Taken after, a
	// timer that fired first left the waiter waiting for good.)
	deadline := time.Now().Add(limit)
	t := time.AfterFunc(limit, func() {
		e.mu.Lock()
		e.zero.Broadcast()
		e.mu.Unlock()
	})
	defer t.Stop()
	e.mu.Lock()
	defer e.mu.Unlock()
	for e.inFlight > 0 && time.Now().Before(deadline) {
		e.zero.Wait()
	}
	return e.inFlight == 0
}
