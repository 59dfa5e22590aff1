package node

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/eventstream"
	"github.com/asynkron/protoactor-go/remote"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/protoref"
)

// endpointName is the protoactor name of every node's endpoint actor: a
// peer at address A is reached at PID{A, endpointName}.
const endpointName = "goractor-node"

// replyName is the protoactor name of every node's reply process: the
// answer to a request the node at A made with sequence number s goes to
// PID{A, replyName, RequestId: uint32(s)} (see replies).
const replyName = "goractor-reply"

// Defaults of the failure detector (see docs/distribution.md).
const (
	DefaultHeartbeat = 500 * time.Millisecond
	DefaultDownAfter = 5 * time.Second
)

// Option configures Start.
type Option func(*config)

type config struct {
	addr      string
	heartbeat time.Duration
	downAfter time.Duration
}

// WithAddress makes the node listen on addr ("host:port"; port 0 picks a
// free one). The default is 127.0.0.1 with an ephemeral port.
func WithAddress(addr string) Option { return func(c *config) { c.addr = addr } }

// WithFailureDetector sets how often a node pings the peers it waits on
// (heartbeat) and after how long without an answer it declares one down
// (downAfter). A broken connection is noticed at once; downAfter bounds the
// rest (a peer that accepts but never answers, a host that froze).
func WithFailureDetector(heartbeat, downAfter time.Duration) Option {
	return func(c *config) { c.heartbeat, c.downAfter = heartbeat, downAfter }
}

// Node is an actor system reachable from other processes through
// protoactor-go's remote transport (gRPC). Start one per system; Close it
// before Run returns.
type Node struct {
	cx   *actor.Context
	sys  *actor.System
	ps   *proto.ActorSystem
	rem  *remote.Remote
	in   *inbound // orders inbound streams with rem's shutdown
	addr string
	self *proto.PID
	log  *zap.Logger
	cfg  config
	// subs bracket protoactor's endpoint event handler (events).
	subs   [2]*eventstream.Subscription
	events *endpointEvents
	// disp runs the endpoint actor's mailbox (see endpointDispatcher).
	disp *endpointDispatcher

	replies *replies
	// endpoints holds the PID of each peer's endpoint, by address (see
	// endpoint).
	endpoints sync.Map

	seq    atomic.Uint64
	nextID atomic.Uint64
	closed atomic.Bool
	stop   chan struct{}
	wg     sync.WaitGroup
	// sending is held for reading while a message is handed to protoactor
	// and for writing by Close, after closed is set and before the
	// transport shuts down: protoactor-go remote's Shutdown writes its
	// endpoint manager's state without a lock and drops its connections,
	// so a send that overlapped it would race and could dereference nil.
	sending sync.RWMutex

	// hosted holds the actors spawned here for peers, by id
	// (*actor.Ref): read without n.mu by every request a peer makes.
	hosted sync.Map
	// npeers is len(peers), stored under n.mu after each change: seen
	// skips n.mu while this node waits on no peer (see seen).
	npeers atomic.Int32

	mu      sync.Mutex
	pending map[uint32]*pending   // our requests in flight, by uint32(seq)
	refs    map[refKey]*remoteRef // Refs of actors on peers
	peers   map[string]*peer
	early   map[refKey]*wire // opDone that arrived before Spawn made the Ref
}

type refKey struct {
	addr string
	id   uint64
}

type pending struct {
	addr string
	seq  uint64
	ch   chan answer // buffered 1; written once, by whoever removed the entry
}

// answer is what a pending request gets: the encoded reply, or the error
// of its peer going down.
type answer struct {
	b    []byte
	down error
}

type peer struct {
	lastSeen time.Time
	pinging  bool
}

// Start makes cx's actor system a node: it listens on 127.0.0.1 with an
// ephemeral port (or WithAddress) through protoactor-go remote. An address
// that cannot be listened on gives an error. The node spawns the actors
// peers ask for in cx's system.
func Start(cx *actor.Context, opts ...Option) (n *Node, err error) {
	cfg := config{addr: "127.0.0.1:0", heartbeat: DefaultHeartbeat, downAfter: DefaultDownAfter}
	for _, o := range opts {
		o(&cfg)
	}
	host, portStr, err := net.SplitHostPort(cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("node: address %q: %w", cfg.addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("node: address %q: bad port", cfg.addr)
	}
	ps, _ := protoref.Of(cx.Self())
	if ps.ProcessRegistry.Address != "nonhost" && ps.ProcessRegistry.Address != "" {
		return nil, fmt.Errorf("node: the system is already a node at %s", ps.ProcessRegistry.Address)
	}
	in := &inbound{}
	events := newEndpointEvents()
	enter := ps.EventStream.SubscribeWithPredicate(events.enter, isEndpointEvent)
	rem := remote.NewRemote(ps, remote.Configure(host, port,
		remote.WithServerOptions(grpc.StreamInterceptor(in.intercept))))
	// protoactor's Start panics when it cannot listen, before it changes
	// anything: turn that into an error.
	if err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("node: listen on %s: %v", cfg.addr, r)
			}
		}()
		rem.Start()
		return nil
	}(); err != nil {
		ps.EventStream.Unsubscribe(enter)
		return nil, err
	}
	n = &Node{
		cx: cx, sys: cx.System(), ps: ps, rem: rem, in: in, addr: ps.ProcessRegistry.Address,
		log: cx.System().Logger().With(zap.String("node", ps.ProcessRegistry.Address)), cfg: cfg,
		stop:    make(chan struct{}),
		pending: map[uint32]*pending{},
		refs:    map[refKey]*remoteRef{},
		peers:   map[string]*peer{},
		events:  events,
	}
	// Subscribed after rem.Start, so after the endpoint manager: see
	// endpointEvents.
	leave := ps.EventStream.SubscribeWithPredicate(func(evt any) {
		if e, ok := evt.(*remote.EndpointTerminatedEvent); ok {
			n.peerDown(e.Address, "connection lost")
		}
		events.leave(evt)
	}, isEndpointEvent)
	n.subs = [2]*eventstream.Subscription{enter, leave}
	n.replies = &replies{n: n}
	if _, ok := ps.ProcessRegistry.Add(n.replies, replyName); !ok {
		rem.Shutdown(false)
		n.unsubscribe()
		return nil, fmt.Errorf("node: start: the name %q is taken", replyName)
	}
	n.disp = newEndpointDispatcher()
	pid, err := ps.Root.SpawnNamed(proto.PropsFromFunc(n.receive, proto.WithDispatcher(n.disp)), endpointName)
	if err != nil {
		n.disp.close()
		rem.Shutdown(false)
		n.unsubscribe()
		ps.ProcessRegistry.Remove(&proto.PID{Id: replyName})
		return nil, fmt.Errorf("node: start endpoint: %w", err)
	}
	n.self = pid
	n.wg.Add(1)
	go n.detector()
	return n, nil
}

// Addr returns the address peers reach this node at.
func (n *Node) Addr() string { return n.addr }

// Close fails every request and Value/Join still waiting on other nodes
// (actor.ErrNodeDown), stops listening and shuts the transport down. Actors
// this node hosts keep running until their system stops. Close is
// idempotent.
func (n *Node) Close() error {
	if n.closed.Swap(true) {
		return nil
	}
	close(n.stop)
	n.wg.Wait()
	n.mu.Lock()
	addrs := make(map[string]bool)
	for _, p := range n.pending {
		addrs[p.addr] = true
	}
	for k := range n.refs {
		addrs[k.addr] = true
	}
	n.mu.Unlock()
	for a := range addrs {
		n.peerDown(a, "local node closed")
	}
	n.ps.Root.StopFuture(n.self).Wait() //nolint:errcheck // a timeout leaves nothing to undo
	n.disp.close()
	// Wait out the sends in progress; later ones see closed.
	n.sending.Lock()
	n.sending.Unlock() //nolint:staticcheck // an empty critical section: a barrier
	if !n.events.wait(10 * time.Second) {
		n.log.Warn("node: an endpoint event still handled after 10s; shutting the transport down anyway")
	}
	n.in.beginClose()
	n.rem.Shutdown(true)
	n.unsubscribe()
	// Replies that arrived until now found no pending request (peerDown
	// above failed them all) and were counted as late.
	n.ps.ProcessRegistry.Remove(&proto.PID{Id: replyName})
	return nil
}

func (n *Node) unsubscribe() {
	for _, s := range n.subs {
		n.ps.EventStream.Unsubscribe(s)
	}
}

// Spawn starts an actor of a registered kind on the node at addr and
// returns its Ref: Send, Request, Value, Join, Stop and Select work as for a
// local actor, each message crossing the node-boundary send gate. A kind the
// target does not know gives an error wrapping ErrUnknownKind; a target that
// does not answer gives one wrapping actor.ErrNodeDown.
func (n *Node) Spawn(ctx context.Context, addr, kindName string, opts ...SpawnOption) (*actor.Ref, error) {
	var so spawnOpts
	for _, o := range opts {
		o(&so)
	}
	w := &wire{Op: opSpawn, Kind: kindName, Name: so.name}
	for i, a := range so.args {
		p, err := encode(a)
		if err != nil {
			return nil, fmt.Errorf("node: spawn %q argument %d: %w", kindName, i, err)
		}
		w.Args = append(w.Args, p)
	}
	rep, err := n.call(ctx, addr, w)
	if err != nil {
		return nil, err
	}
	if rep.Err != nil {
		return nil, localError(rep.Err)
	}
	r := &remoteRef{n: n, addr: addr, id: rep.ID, done: make(chan struct{})}
	ref, finish := n.sys.NewRemoteRef(rep.Name, &proto.PID{Address: addr, Id: endpointName}, r)
	r.finish = func(v any, err error) {
		r.once.Do(func() {
			finish(v, err)
			if errors.Is(err, actor.ErrNodeDown) {
				r.downErr = err
			}
			close(r.done)
		})
	}
	n.mu.Lock()
	if n.closed.Load() {
		n.mu.Unlock()
		r.finish(nil, &NodeDownError{Addr: addr, Reason: "local node closed"})
		return ref, nil
	}
	if d, ok := n.early[refKey{addr, rep.ID}]; ok {
		// The actor ended before its Ref was made.
		delete(n.early, refKey{addr, rep.ID})
		n.mu.Unlock()
		n.finishFrom(r, d)
		return ref, nil
	}
	n.refs[refKey{addr, rep.ID}] = r
	n.mu.Unlock()
	return ref, nil
}

// SpawnOption configures Node.Spawn.
type SpawnOption func(*spawnOpts)

type spawnOpts struct {
	name string
	args []any
}

// WithName names the remote actor (as actor.WithName).
func WithName(name string) SpawnOption { return func(o *spawnOpts) { o.name = name } }

// WithArgs passes arguments to a body kind (as actor.WithArgs); each crosses
// the node-boundary send gate.
func WithArgs(args ...any) SpawnOption { return func(o *spawnOpts) { o.args = args } }

// remoteRef is the actor.RemoteBackend of a Ref to an actor on a peer.
type remoteRef struct {
	n      *Node
	addr   string
	id     uint64
	finish func(any, error)
	done   chan struct{} // closed once finish has run
	once   sync.Once
	// downErr is the error that ended the Ref when its node went down;
	// written before done is closed.
	downErr error
}

// ended returns the error for an operation on a Ref whose actor has ended:
// the node-down error, or ErrClosed. It returns nil while the actor runs.
func (r *remoteRef) ended() error {
	select {
	case <-r.done:
		if r.downErr != nil {
			return r.downErr
		}
		return fmt.Errorf("node: actor %d on %s: %w", r.id, r.addr, actor.ErrClosed)
	default:
		return nil
	}
}

func (r *remoteRef) Send(ctx context.Context, msg any, move bool) error {
	ptr := msg
	if move {
		var err error
		if msg, err = moved(ptr); err != nil {
			return err
		}
	}
	p, err := encode(msg)
	if err != nil {
		return err
	}
	if err := r.ended(); err != nil {
		return err
	}
	rep, err := r.n.call(ctx, r.addr, &wire{Op: opSend, ID: r.id, Msg: p})
	if err != nil {
		return err
	}
	if rep.Err != nil {
		return localError(rep.Err)
	}
	if move {
		zeroMoved(ptr)
	}
	return nil
}

func (r *remoteRef) Request(ctx context.Context, msg any) (any, error) {
	p, err := encode(msg)
	if err != nil {
		return nil, err
	}
	if err := r.ended(); err != nil {
		return nil, err
	}
	rep, err := r.n.call(ctx, r.addr, &wire{Op: opRequest, ID: r.id, Msg: p})
	if err != nil {
		return nil, err
	}
	if rep.Err != nil {
		return nil, localError(rep.Err)
	}
	return decode(rep.Msg)
}

func (r *remoteRef) Stop(ctx context.Context) error {
	select {
	case <-r.done:
		return nil
	default:
	}
	rep, err := r.n.call(ctx, r.addr, &wire{Op: opStop, ID: r.id})
	if err != nil {
		return err
	}
	if rep.Err != nil {
		return localError(rep.Err)
	}
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// call sends w to the node at addr and waits for its reply. The reply
// arrives through n.replies, which hands its bytes over undecoded: they
// are decoded here, on the caller's goroutine.
//
// The reply comes back by value, so that it needs no allocation of its own.
func (n *Node) call(ctx context.Context, addr string, w *wire) (wire, error) {
	if n.closed.Load() {
		return wire{}, &NodeDownError{Addr: addr, Reason: "local node closed"}
	}
	p := pendingPool.Get().(*pending)
	defer pendingPool.Put(p)
	p.addr = addr
	n.mu.Lock()
	// The reply finds its request by the low 32 bits of the sequence
	// number (protoactor's PID.RequestId): skip 0 (no RequestId) and any
	// still in flight after the counter wrapped.
	for {
		p.seq = n.seq.Add(1)
		if k := uint32(p.seq); k != 0 && n.pending[k] == nil {
			n.pending[k] = p
			break
		}
	}
	if _, ok := n.peers[addr]; !ok {
		n.peers[addr] = &peer{lastSeen: time.Now()}
		n.npeers.Store(int32(len(n.peers)))
	}
	n.mu.Unlock()
	w.Seq, w.From = p.seq, n.addr
	if err := n.sendTo(n.endpoint(addr), w); err != nil {
		n.forget(p)
		// peerDown may have answered it meanwhile: empty p.ch for reuse.
		select {
		case <-p.ch:
		default:
		}
		return wire{}, err
	}
	select {
	case a := <-p.ch:
		return p.result(a, w.Op)
	case <-ctx.Done():
		n.forget(p)
		// A reply may have raced the deadline: it counts.
		select {
		case a := <-p.ch:
			return p.result(a, w.Op)
		default:
		}
		return wire{}, fmt.Errorf("node: %s to %s: %w", w.Op, addr, ctx.Err())
	}
}

// pendingPool recycles the entries of requests in flight with their
// channels. An entry goes back once its request has its answer, or has
// removed itself from n.pending with its channel empty: then nothing else
// refers to it, as only whoever removes an entry from n.pending (under
// n.mu) writes to its channel.
var pendingPool = sync.Pool{New: func() any { return &pending{ch: make(chan answer, 1)} }}

// forget removes p from the requests in flight, if it is still there. If
// it is not, its answer is in p.ch: the reply process and peerDown remove
// an entry and fill its channel under n.mu.
func (n *Node) forget(p *pending) {
	n.mu.Lock()
	if n.pending[uint32(p.seq)] == p {
		delete(n.pending, uint32(p.seq))
	}
	n.mu.Unlock()
}

// result decodes the answer to the request p, of operation o.
func (p *pending) result(a answer, o op) (rep wire, err error) {
	if a.down != nil {
		return wire{}, a.down
	}
	if _, err := rep.unmarshal(a.b); err != nil {
		return wire{}, fmt.Errorf("node: reply to %s from %s: %w", o, p.addr, err)
	}
	if rep.Op != opReply || rep.Seq != p.seq {
		// A reply to an earlier request whose number had the same low 32
		// bits, arriving after 2^32 requests: not this request's answer.
		return wire{}, fmt.Errorf("node: reply to %s from %s: %w", o, p.addr,
			&DecodeError{Err: fmt.Errorf("%s %d where reply %d was due", rep.Op, rep.Seq, p.seq)})
	}
	return rep, nil
}

// replies is the node's reply process, registered in protoactor's process
// registry as replyName. protoactor-go remote's reader hands it the replies
// of peers on its own goroutine (as it does for protoactor's futures),
// routed by the RequestId of their target PID: it finds the waiting
// request under n.mu and passes the bytes on, so that a reply neither
// waits in the endpoint actor's mailbox nor is decoded by one goroutine for
// all requests. A reply no request waits for (it timed out, its node was
// declared down or closed) is dropped and counted in late.
type replies struct {
	n *Node
	// late counts the replies dropped because no request waited for them,
	// and foreign counts the messages that were not replies.
	late, foreign atomic.Uint64
}

func (r *replies) SendUserMessage(pid *proto.PID, message any) {
	_, msg, sender := proto.UnwrapEnvelope(message)
	m, ok := msg.(*wrapperspb.BytesValue)
	if !ok {
		r.foreign.Add(1)
		r.n.refuseForeign(msg, sender)
		return
	}
	n := r.n
	n.mu.Lock()
	p := n.pending[pid.RequestId]
	if p != nil {
		delete(n.pending, pid.RequestId)
		if pr, ok := n.peers[p.addr]; ok {
			pr.lastSeen = time.Now()
		}
		// Under n.mu (p.ch has room): a request that gives up and finds
		// itself gone from n.pending (forget) finds its answer in p.ch.
		p.ch <- answer{b: m.Value}
	}
	n.mu.Unlock()
	if p == nil {
		r.late.Add(1)
	}
}

func (r *replies) SendSystemMessage(*proto.PID, any) {}
func (r *replies) Stop(*proto.PID)                   {}

// send encodes w and hands it to protoactor for the endpoint of the node
// at addr.
func (n *Node) send(addr string, w *wire) error {
	return n.sendTo(&proto.PID{Address: addr, Id: endpointName}, w)
}

// endpoint returns the PID of the endpoint of the node at addr, for the
// requests of call: made once per peer this node waits on, and dropped
// with the peer (peerDown, detector). protoactor caches the process a PID
// resolves to in the PID (atomically), so a PID used again also skips the
// registry's lookup.
func (n *Node) endpoint(addr string) *proto.PID {
	if pid, ok := n.endpoints.Load(addr); ok {
		return pid.(*proto.PID)
	}
	pid, _ := n.endpoints.LoadOrStore(addr, &proto.PID{Address: addr, Id: endpointName})
	return pid.(*proto.PID)
}

// sendTo encodes w and hands it to protoactor for to. Once Close has begun
// it sends nothing and returns a NodeDownError.
func (n *Node) sendTo(to *proto.PID, w *wire) error {
	b, err := marshalWire(w)
	if err != nil {
		return err
	}
	return n.sendProto(to, &wrapperspb.BytesValue{Value: b})
}

// sendProto hands msg to protoactor for to, unless Close has begun.
func (n *Node) sendProto(to *proto.PID, msg any) error {
	n.sending.RLock()
	defer n.sending.RUnlock()
	if n.closed.Load() {
		return &NodeDownError{Addr: to.Address, Reason: "local node closed"}
	}
	n.ps.Root.Send(to, msg)
	return nil
}

// origin is what a reply needs of the request it answers: small enough
// for the closure that answers a request to hold, where the request's
// envelope stays on the stack of the endpoint that decoded it.
type origin struct {
	from string
	seq  uint64
	op   op
}

func (w *wire) origin() origin { return origin{from: w.From, seq: w.Seq, op: w.Op} }

// reply answers the request o of a peer: a ping's answer goes to the
// peer's endpoint (it only refreshes lastSeen), every other to the peer's
// reply process, addressed by the request's sequence number.
func (n *Node) reply(o origin, r *wire) {
	if n.closed.Load() || o.from == "" {
		return
	}
	r.Op, r.Seq = opReply, o.seq
	// The reply process needs no From: it finds the request by RequestId.
	to := &proto.PID{Address: o.from, Id: replyName, RequestId: uint32(o.seq)}
	if o.op == opPing {
		r.From, to = n.addr, &proto.PID{Address: o.from, Id: endpointName}
	}
	if err := n.sendTo(to, r); err != nil {
		n.log.Warn("node: reply not sent", zap.Error(err))
	}
}

// refuseForeign answers a message of a type other than the envelope's
// with an error text, if it came with a sender to answer.
func (n *Node) refuseForeign(msg any, sender *proto.PID) {
	n.log.Warn("node: message of a foreign type ignored", zap.String("type", fmt.Sprintf("%T", msg)))
	if sender != nil {
		_ = n.sendProto(sender, &wrapperspb.StringValue{Value: "node: messages must be goractor envelopes"})
	}
}

// receive is the endpoint actor: every message from a peer arrives here.
// It never blocks for long: requests go to their actor with RequestFunc,
// stops and ends are waited for on goroutines.
func (n *Node) receive(pc proto.Context) {
	switch m := pc.Message().(type) {
	case *wrapperspb.BytesValue:
		// On this goroutine's stack: handle keeps no pointer to it.
		var w wire
		decoded, err := w.unmarshal(m.Value)
		if err != nil {
			n.log.Warn("node: undecodable message", zap.Error(err))
			if decoded && w.From != "" && w.Seq != 0 && w.Op != opReply {
				n.reply(w.origin(), &wire{Err: wireError(err)})
			} else if s := pc.Sender(); s != nil {
				pc.Respond(&wrapperspb.StringValue{Value: err.Error()})
			}
			return
		}
		n.handle(&w)
	case proto.AutoReceiveMessage, proto.SystemMessage:
	default:
		n.refuseForeign(m, pc.Sender())
	}
}

func (n *Node) handle(w *wire) {
	if w.From != "" {
		n.seen(w.From)
	}
	switch w.Op {
	case opReply:
		// A ping's answer: seen above is all it does. Other replies go to
		// n.replies.
	case opPing:
		n.reply(w.origin(), &wire{})
	case opSpawn:
		n.spawnFor(w)
	case opSend:
		ref := n.hostedRef(w.ID)
		if ref == nil {
			n.reply(w.origin(), &wire{Err: wireError(fmt.Errorf("node: actor %d on %s: %w", w.ID, n.addr, actor.ErrClosed))})
			return
		}
		msg, err := decode(w.Msg)
		if err == nil {
			err = ref.Send(msg)
		}
		n.reply(w.origin(), &wire{Err: wireError(err)})
	case opRequest:
		ref := n.hostedRef(w.ID)
		if ref == nil {
			n.reply(w.origin(), &wire{Err: wireError(fmt.Errorf("node: actor %d on %s: %w", w.ID, n.addr, actor.ErrClosed))})
			return
		}
		msg, err := decode(w.Msg)
		if err != nil {
			n.reply(w.origin(), &wire{Err: wireError(err)})
			return
		}
		o := w.origin()
		err = ref.RequestFunc(msg, func(v any, err error) {
			r := &wire{}
			if err == nil {
				r.Msg, err = encode(v)
			}
			r.Err = wireError(err)
			n.reply(o, r)
		})
		if err != nil {
			n.reply(w.origin(), &wire{Err: wireError(err)})
		}
	case opStop:
		ref := n.hostedRef(w.ID)
		if ref == nil {
			n.reply(w.origin(), &wire{})
			return
		}
		o := w.origin()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			n.reply(o, &wire{Err: wireError(ref.Stop(ctx))})
		}()
	case opDone:
		n.mu.Lock()
		r := n.refs[refKey{w.From, w.ID}]
		delete(n.refs, refKey{w.From, w.ID})
		if r == nil {
			if n.early == nil {
				n.early = map[refKey]*wire{}
			}
			d := *w // w is the endpoint's, on its stack
			n.early[refKey{w.From, w.ID}] = &d
		}
		n.mu.Unlock()
		if r != nil {
			n.finishFrom(r, w)
		}
	default:
		n.log.Warn("node: unknown operation", zap.Uint8("op", uint8(w.Op)))
		n.reply(w.origin(), &wire{Err: wireError(&DecodeError{Err: fmt.Errorf("unknown operation %d (a newer peer?)", w.Op)})})
	}
}

// finishFrom ends a remote Ref with the result an opDone carried.
func (n *Node) finishFrom(r *remoteRef, w *wire) {
	if w.Err != nil {
		r.finish(nil, localError(w.Err))
		return
	}
	v, err := decode(w.Msg)
	r.finish(v, err)
}

func (n *Node) hostedRef(id uint64) *actor.Ref {
	if r, ok := n.hosted.Load(id); ok {
		return r.(*actor.Ref)
	}
	return nil
}

// spawnFor spawns the kind a peer asked for and reports its end to it.
func (n *Node) spawnFor(w *wire) {
	k, ok := lookupKind(w.Kind)
	if !ok {
		n.reply(w.origin(), &wire{Err: wireError(fmt.Errorf("node: kind %q on %s: %w", w.Kind, n.addr, ErrUnknownKind))})
		return
	}
	opts := append([]actor.SpawnOption(nil), k.opts...)
	if w.Name != "" {
		opts = append(opts, actor.WithName(w.Name))
	}
	var ref *actor.Ref
	var err error
	if k.body != nil {
		args := make([]any, len(w.Args))
		for i, a := range w.Args {
			if args[i], err = decode(a); err != nil {
				n.reply(w.origin(), &wire{Err: wireError(err)})
				return
			}
		}
		if len(args) > 0 {
			opts = append(opts, actor.WithArgs(args...))
		}
		ref, err = n.cx.Spawn(k.body, opts...)
	} else {
		if len(w.Args) > 0 {
			n.reply(w.origin(), &wire{Err: wireError(fmt.Errorf("node: kind %q is a handler: arguments go through its producer", w.Kind))})
			return
		}
		ref, err = n.cx.SpawnHandler(k.producer, opts...)
	}
	if err != nil {
		n.reply(w.origin(), &wire{Err: wireError(err)})
		return
	}
	id := n.nextID.Add(1)
	n.hosted.Store(id, ref)
	owner := w.From
	n.reply(w.origin(), &wire{ID: id, Name: ref.Name()})
	go func() {
		v, err := ref.Value(context.Background())
		n.hosted.Delete(id)
		d := &wire{Op: opDone, ID: id, From: n.addr}
		if err == nil {
			d.Msg, err = encode(v)
		}
		d.Err = wireError(err)
		if err := n.send(owner, d); err != nil && !n.closed.Load() {
			n.log.Warn("node: end of actor not reported", zap.Error(err))
		}
	}()
}

// seen records that the peer at addr answered. While this node waits on no
// peer (npeers is 0, as on a node that only serves) there is nothing to
// record, and seen takes no lock: a peer added meanwhile, by a request
// racing this message, starts with lastSeen now, which is what seen would
// have written.
func (n *Node) seen(addr string) {
	if n.npeers.Load() == 0 {
		return
	}
	n.mu.Lock()
	if p, ok := n.peers[addr]; ok {
		p.lastSeen = time.Now()
	}
	n.mu.Unlock()
}

// detector pings the peers this node waits on and declares down those that
// stay silent for downAfter.
func (n *Node) detector() {
	defer n.wg.Done()
	t := time.NewTicker(n.cfg.heartbeat)
	defer t.Stop()
	for {
		select {
		case <-n.stop:
			return
		case <-t.C:
		}
		now := time.Now()
		var ping, down []string
		n.mu.Lock()
		waiting := map[string]bool{}
		for _, p := range n.pending {
			waiting[p.addr] = true
		}
		for k := range n.refs {
			waiting[k.addr] = true
		}
		for addr, p := range n.peers {
			switch {
			case !waiting[addr]:
				delete(n.peers, addr)
				n.npeers.Store(int32(len(n.peers)))
				n.endpoints.Delete(addr)
			case now.Sub(p.lastSeen) > n.cfg.downAfter:
				down = append(down, addr)
			default:
				ping = append(ping, addr)
			}
		}
		for addr := range waiting {
			if _, ok := n.peers[addr]; !ok {
				n.peers[addr] = &peer{lastSeen: now}
				n.npeers.Store(int32(len(n.peers)))
			}
		}
		n.mu.Unlock()
		for _, addr := range down {
			n.peerDown(addr, "no answer for "+n.cfg.downAfter.String())
		}
		for _, addr := range ping {
			// The reply refreshes lastSeen through handle; nobody waits.
			_ = n.send(addr, &wire{Op: opPing, From: n.addr, Seq: n.seq.Add(1)})
		}
	}
}

// Down declares the node at addr down, as a broken connection does: every
// request, Spawn and Value/Join waiting on it fails with a *NodeDownError
// giving reason, and the failure detector stops pinging it. Package host
// calls it when a host process has died, so that nothing tries to reach
// its address again.
func (n *Node) Down(addr, reason string) { n.peerDown(addr, reason) }

// peerDown fails everything waiting on the node at addr.
func (n *Node) peerDown(addr, reason string) {
	err := &NodeDownError{Addr: addr, Reason: reason}
	n.mu.Lock()
	failed := 0
	for seq, p := range n.pending {
		if p.addr == addr {
			delete(n.pending, seq)
			p.ch <- answer{down: err} // under n.mu: see forget
			failed++
		}
	}
	var rs []*remoteRef
	for k, r := range n.refs {
		if k.addr == addr {
			rs = append(rs, r)
			delete(n.refs, k)
		}
	}
	delete(n.peers, addr)
	n.npeers.Store(int32(len(n.peers)))
	n.mu.Unlock()
	n.endpoints.Delete(addr)
	if failed+len(rs) > 0 {
		n.log.Warn("node: peer down", zap.String("peer", addr), zap.String("reason", reason), zap.Int("requests", failed), zap.Int("actors", len(rs)))
	}
	for _, r := range rs {
		r.finish(nil, err)
	}
}

var errNotPointer = errors.New("node: SendMove needs a non-nil pointer")
