package node

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/fxamacker/cbor/v2"
)

// Every message between nodes is one protobuf type, google.protobuf.
// BytesValue, holding a wire envelope in CBOR. protoactor's decoder thus
// only ever sees a type every node knows: the pinned protoactor-go crashes a
// receiver on an unknown protobuf type name (fixed upstream after the pinned
// version, asynkron/protoactor-go#1229), and a goractor node never sends one.
// Everything that can be wrong in a message (garbage, unknown goractor
// types, a newer peer) is found by this package's decoder, which answers
// the sender with a *DecodeError and keeps running.

// wireVersion is the envelope format. A peer sending a newer one gets a
// *DecodeError.
const wireVersion = 1

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

// wire is the envelope.
type wire struct {
	V    int       `cbor:"1,keyasint"`
	Op   op        `cbor:"2,keyasint"`
	Seq  uint64    `cbor:"3,keyasint,omitempty"` // request id on the sender
	From string    `cbor:"4,keyasint,omitempty"` // the sender node's address
	ID   uint64    `cbor:"5,keyasint,omitempty"` // actor id on the hosting node
	Kind string    `cbor:"6,keyasint,omitempty"`
	Name string    `cbor:"7,keyasint,omitempty"`
	Msg  payload   `cbor:"8,keyasint,omitempty"`
	Args []payload `cbor:"9,keyasint,omitempty"`
	Err  *Error    `cbor:"10,keyasint,omitempty"`
}

var wireEnc, wireDec = func() (cbor.UserBufferEncMode, cbor.DecMode) {
	enc, err := cbor.EncOptions{}.UserBufferEncMode()
	if err != nil {
		panic(err)
	}
	dec, err := cbor.DecOptions{MaxNestedLevels: 16, MaxArrayElements: 1 << 16, MaxMapPairs: 1 << 10}.DecMode()
	if err != nil {
		panic(err)
	}
	return enc, dec
}()

func marshalWire(w *wire) ([]byte, error) {
	w.V = wireVersion
	// Encoded after the magic, in one buffer sized for a small message.
	buf := bytes.NewBuffer(make([]byte, 0, 64+len(w.Msg.V)))
	buf.Write(wireMagic)
	if err := wireEnc.MarshalToBuffer(w, buf); err != nil {
		return nil, fmt.Errorf("node: encode envelope: %w", err)
	}
	return buf.Bytes(), nil
}

// unmarshalWire decodes an envelope. On error it returns what it could
// decode (possibly nil), so the sender can still be answered.
func unmarshalWire(b []byte) (*wire, error) {
	if len(b) < len(wireMagic) || string(b[:len(wireMagic)]) != string(wireMagic) {
		return nil, &DecodeError{Err: fmt.Errorf("not a goractor envelope (%d bytes)", len(b))}
	}
	w := new(wire)
	if err := wireDec.Unmarshal(b[len(wireMagic):], w); err != nil {
		return nil, &DecodeError{Err: err}
	}
	if w.V != wireVersion {
		return w, &DecodeError{Err: fmt.Errorf("envelope version %d, this node speaks %d (a newer peer?)", w.V, wireVersion)}
	}
	if w.Op < opReply || w.Op > opDone {
		return w, &DecodeError{Err: fmt.Errorf("unknown operation %d (a newer peer?)", w.Op)}
	}
	return w, nil
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
