// Package node spreads actors over processes and machines: it makes an
// actor system a node, reachable through protoactor-go's remote transport
// (gRPC), and gives ordinary *actor.Ref values for actors running on other
// nodes.
//
// # Nodes and kinds
//
// [Start] makes the calling actor's system a node listening on 127.0.0.1
// with an ephemeral port ([WithAddress] for any host:port); an address that
// cannot be listened on is an error. One process holds one node for its
// life: protoactor-go remote keeps process-wide state. Actor kinds are
// registered by name at init on every node ([RegisterKind],
// [RegisterHandlerKind]); [Node.Spawn] starts one on the node at an address
// and returns its *actor.Ref. Send, TrySend, SendContext, SendMove, Request,
// Value, Join, Stop and Select work on it as on a local actor's Ref.
//
// # The node boundary
//
// A value crossing a node must be serializable. Before anything is sent, the
// local send gate's walker (package shareable's), in its node mode, refuses
// what cannot cross with a
// *shareable.IsolationError naming the path (".Jobs[0].Notify: func cannot
// cross a node"): funcs (nil ones too), channels, unsafe pointers, uintptrs,
// complex numbers,
// actor.Ref, actor.Port, a shareable.Frozen held inside a value (a Frozen
// sent as the whole message, request, response or result crosses as the
// value it was frozen from, under these same rules, and arrives frozen
// again: see shareable.Frozen.Thaw), struct fields that are unexported
// (the codec would drop them; fields tagged `cbor:"-"` are skipped and
// arrive as their zero value), cycles, values nested deeper than 200 levels,
// and values in interfaces whose type is not registered. Types that marshal themselves (encoding.BinaryMarshaler,
// cbor.Marshaler: time.Time...) cross as they encode.
//
// Plain Go data is encoded as CBOR (RFC 8949) with github.com/fxamacker/cbor.
// A message travels as its registered type name and its encoding, and
// arrives as the same Go type: register every type you send with
// [RegisterType] (basic types, []byte, []string, []int, []any,
// map[string]any, map[string]string, map[string]int, time.Time and
// time.Duration are registered already). Values in interfaces keep their
// type when registered; basic values in interfaces arrive in CBOR's
// defaults (integers as int64, maps as map[string]any). Aliasing is not
// kept: a value shared twice in a message arrives as two copies.
//
// Errors cross as [*Error]: the original's message, Go type name, and the
// goractor sentinels it matched, so errors.Is(err, actor.ErrClosed) and the
// like keep working; a failed actor's error arrives as a *actor.RemoteError
// whose cause is an *Error.
//
// # Wire
//
// Every message between nodes is one protobuf type, google.protobuf.
// BytesValue, holding a goractor envelope (a protobuf message of its own,
// generated from node/internal/wirepb/wire.proto and marshaled into the
// bytes, so protoactor never sees its type; only values are CBOR): the
// pinned protoactor-go crashes
// a receiving process on an unknown protobuf type name (fixed upstream by
// asynkron/protoactor-go#1229, which no version the module proxy serves
// contains), so goractor never sends another type. A node that receives
// garbage, an unknown goractor type, or an envelope of a newer version
// answers the sender with a [*DecodeError] and keeps running.
//
// # Failures
//
// A node that goes away fails every pending request, Spawn and Value/Join
// on its actors with a [*NodeDownError] (errors.Is actor.ErrNodeDown): at
// once when its connection breaks (the process died), and otherwise when it
// has not answered for [DefaultDownAfter] (5 s; heartbeats every
// [DefaultHeartbeat] while anything waits on it; [WithFailureDetector]).
// Nothing waits forever. A request that completed was delivered exactly
// once; one that fails may or may not have been handled. Send waits for the
// remote node to accept the message into the actor's mailbox (one round
// trip), so it reports the same errors as a local Send and never loses a
// message silently.
//
// Counters balance across nodes: a message is counted by the node that
// delivers it, or by the sender when it never left (refused by the send gate:
// Rejected; node down: DeadLetters).
//
// # Threads and cleanup
//
// Requests from peers are queued to their actor in arrival order
// (actor.Ref.RequestFunc) without a goroutine each, by the endpoint actor,
// whose mailbox runs on one goroutine the node starts and Close ends
// (protoactor would start one each time the mailbox ran dry). Replies skip the
// endpoint actor: protoactor's reader hands each to the node's reply
// process, which passes its bytes to the waiting request (found by the
// RequestId of the reply's target), and the requester decodes it on its
// own goroutine. A reply nobody waits for any more is dropped and counted.
// Waiting for a remote reply blocks the caller's goroutine; unlike a local
// wait, an actor waiting on a remote actor does not serve calls other
// threads run on it meanwhile.
// [Node.Close] fails what still waits on peers and shuts the transport down;
// call it before Run returns. It may run while other goroutines send and
// request: a send that begins after Close has fails with an error wrapping
// actor.ErrNodeDown, and Close waits for the sends already handed to the
// transport, and for its handling of peers that connect or leave, before it
// shuts the transport down (the pinned protoactor-go remote's Shutdown
// writes that state without a lock; see inbound and endpointEvents). Actors a node hosts for peers belong to its
// system, and its shutdown stops them.
package node
