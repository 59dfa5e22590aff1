package node

import (
	"fmt"
	"reflect"
	"sync"

	"google.golang.org/protobuf/proto"

	"github.com/goractor/goractor/node/internal/wirepb"
)

// Every message between nodes is one protobuf type, google.protobuf.
// BytesValue, holding a wire envelope: the magic and a wirepb.Envelope,
// marshaled by this package, not registered with protoactor (which only
// sees the BytesValue). protoactor's decoder thus
// only ever sees a type every node knows: the pinned protoactor-go crashes a
// receiver on an unknown protobuf type name (fixed upstream after the pinned
// version, asynkron/protoactor-go#1229), and a goractor node never sends one.
// Everything that can be wrong in a message (garbage, unknown goractor
// types, a newer peer) is found by this package's decoder, which answers
// the sender with a *DecodeError and keeps running.

// wireVersion is the envelope format. A peer sending a newer one gets a
// *DecodeError. Version 2 is a protobuf message (node/internal/wirepb,
// generated from wire.proto) where version 1 was a CBOR map: only a
// value's bytes are CBOR, encoded once and carried as bytes.
const wireVersion = 2

// wireMagic starts every envelope, so that bytes from anything else are
// told apart from a damaged envelope.
var wireMagic = []byte("GRN")

type op uint8

const (
	opReply op = iota + 1
	opPing
	opSpawn
	opSend
	opRequest
	opStop
	opDone
)

func (o op) String() string {
	switch o {
	case opReply:
		return "reply"
	case opPing:
		return "ping"
	case opSpawn:
		return "spawn"
	case opSend:
		return "send"
	case opRequest:
		return "request"
	case opStop:
		return "stop"
	case opDone:
		return "done"
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

// wire is the envelope, as this package handles it; wirepb.Envelope is
// its form on the wire.
type wire struct {
	V    int
	Op   op
	Seq  uint64 // request id on the sender
	From string // the sender node's address
	ID   uint64 // actor id on the hosting node
	Kind string
	Name string
	Msg  payload
	Args []payload
	Err  *Error
}

// envelope is a protobuf envelope with room for its payload, recycled
// through envelopes by marshalWire and unmarshalWire: each takes one,
// keeps nothing of it past its return (strings and bytes decoded into it
// are fresh copies, which the wire keeps), and resets it before it goes
// back.
type envelope struct {
	m   wirepb.Envelope
	msg wirepb.Payload
}

var envelopes = sync.Pool{New: func() any { return new(envelope) }}

func (e *envelope) release() {
	e.m.Reset()
	e.msg.Reset()
	envelopes.Put(e)
}

func marshalWire(w *wire) ([]byte, error) {
	w.V = wireVersion
	e := envelopes.Get().(*envelope)
	defer e.release()
	m := &e.m
	m.Version, m.Op, m.Seq, m.From, m.Id, m.Kind, m.Name = uint32(w.V), uint32(w.Op), w.Seq, w.From, w.ID, w.Kind, w.Name
	if w.Msg.T != "" || len(w.Msg.V) > 0 {
		e.msg.Type, e.msg.Value = w.Msg.T, w.Msg.V
		m.Msg = &e.msg
	}
	for _, a := range w.Args {
		m.Args = append(m.Args, a.proto())
	}
	if e := w.Err; e != nil {
		m.Err = &wirepb.Error{Type: e.Type, Message: e.Message, Is: e.Is, Actor: e.Actor}
	}
	// Encoded after the magic, in one buffer sized for a small message.
	b, err := proto.MarshalOptions{}.MarshalAppend(append(make([]byte, 0, 48+len(w.From)+len(w.Msg.T)+len(w.Msg.V)), wireMagic...), m)
	if err != nil {
		return nil, fmt.Errorf("node: encode envelope: %w", err)
	}
	return b, nil
}

// proto returns p on the wire: nil for the empty payload (nil).
func (p payload) proto() *wirepb.Payload {
	if p.T == "" && len(p.V) == 0 {
		return nil
	}
	return &wirepb.Payload{Type: p.T, Value: p.V}
}

func payloadOf(m *wirepb.Payload) payload {
	return payload{T: m.GetType(), V: m.GetValue()}
}

// unmarshalWire decodes an envelope. On error it returns what it could
// decode (possibly nil), so the sender can still be answered.
func unmarshalWire(b []byte) (*wire, error) {
	w := new(wire)
	decoded, err := w.unmarshal(b)
	if !decoded {
		return nil, err
	}
	return w, err
}

// unmarshal decodes an envelope into w, which the caller provides so that
// it may live on the caller's stack (the serving node's endpoint and a
// waiting request decode one per request). decoded reports whether w
// holds what could be decoded, also on error, so the sender can still be
// answered.
func (w *wire) unmarshal(b []byte) (decoded bool, err error) {
	if len(b) < len(wireMagic) || string(b[:len(wireMagic)]) != string(wireMagic) {
		return false, &DecodeError{Err: fmt.Errorf("not a goractor envelope (%d bytes)", len(b))}
	}
	e := envelopes.Get().(*envelope)
	defer e.release()
	// Merged into an envelope whose payload is in place, so that decoding
	// allocates no payload message.
	m := &e.m
	m.Msg = &e.msg
	if err := (proto.UnmarshalOptions{Merge: true}).Unmarshal(b[len(wireMagic):], m); err != nil {
		return false, &DecodeError{Err: err}
	}
	*w = wire{
		V: int(m.Version), Op: op(min(m.Op, 255)), Seq: m.Seq, From: m.From, ID: m.Id,
		Kind: m.Kind, Name: m.Name, Msg: payloadOf(m.Msg),
	}
	if len(m.Args) > 0 {
		w.Args = make([]payload, len(m.Args))
		for i, a := range m.Args {
			w.Args[i] = payloadOf(a)
		}
	}
	if e := m.Err; e != nil {
		w.Err = &Error{Type: e.Type, Message: e.Message, Is: e.Is, Actor: e.Actor}
	}
	if m.Version != wireVersion {
		return true, &DecodeError{Err: fmt.Errorf("envelope version %d, this node speaks %d (a newer peer?)", m.Version, wireVersion)}
	}
	if m.Op < uint32(opReply) || m.Op > uint32(opDone) {
		return true, &DecodeError{Err: fmt.Errorf("unknown operation %d (a newer peer?)", m.Op)}
	}
	return true, nil
}

// moved returns the value p points to, for SendMove.
func moved(p any) (any, error) {
	v := reflect.ValueOf(p)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() {
		return nil, errNotPointer
	}
	return v.Elem().Interface(), nil
}

// zeroMoved zeroes what p points to once its value has been sent.
func zeroMoved(p any) {
	v := reflect.ValueOf(p).Elem()
	v.Set(reflect.Zero(v.Type()))
}
