package node

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"unicode/utf8"

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
// *DecodeError. Version 2 carries a payload's value as a CBOR byte string
// (version 1 embedded it as a CBOR item), so that the value is encoded once
// and an envelope is read without walking it.
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
	if w.Err == nil && len(w.Args) == 0 {
		// Every request, send and reply without an error: encoded by hand,
		// to the bytes the codec would write (TestWireFastPath).
		return appendWire(make([]byte, 0, 48+len(w.From)+len(w.Msg.T)+len(w.Msg.V)), w), nil
	}
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
	if !unmarshalFast(b[len(wireMagic):], w) {
		*w = wire{}
		if err := wireDec.Unmarshal(b[len(wireMagic):], w); err != nil {
			return nil, &DecodeError{Err: err}
		}
	}
	if w.V != wireVersion {
		return w, &DecodeError{Err: fmt.Errorf("envelope version %d, this node speaks %d (a newer peer?)", w.V, wireVersion)}
	}
	if w.Op < opReply || w.Op > opDone {
		return w, &DecodeError{Err: fmt.Errorf("unknown operation %d (a newer peer?)", w.Op)}
	}
	return w, nil
}

// The fast path of the envelope codec. Envelopes without Args or Err (every
// request, send and reply that is not an error) are written by appendWire
// and read by unmarshalFast without the codec's reflection: the envelope is
// a CBOR map of small integer keys in field order (the codec's own layout,
// the wire tags above), holding unsigned integers, text strings and the
// payload, a map of a text string and a byte string. unmarshalFast accepts
// only what the codec decodes to the same wire (FuzzUnmarshalWire checks
// it) and leaves everything else — other keys, other types, repeated keys,
// indefinite lengths, invalid UTF-8, truncated or trailing bytes — to the
// codec, whose errors are unchanged.

// CBOR major types.
const (
	cborUint  = 0
	cborBytes = 2
	cborText  = 3
	cborMap   = 5
)

// appendHead appends a CBOR head of the given major type and argument, in
// its shortest form (as the codec writes it).
func appendHead(b []byte, major byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(b, major<<5|byte(n))
	case n <= math.MaxUint8:
		return append(b, major<<5|24, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, major<<5|25), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, major<<5|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, major<<5|27), n)
}

// appendWire appends the magic and the encoding of w, which has no Args and
// no Err, omitting empty fields as the codec does.
func appendWire(b []byte, w *wire) []byte {
	hasMsg := w.Msg.T != "" || len(w.Msg.V) > 0
	fields := uint64(1) // the codec writes Op even when 0
	for _, set := range [...]bool{w.V != 0, w.Seq != 0, w.From != "", w.ID != 0, w.Kind != "", w.Name != "", hasMsg} {
		fields += uint64(btoi(set))
	}
	b = append(b, wireMagic...)
	b = appendHead(b, cborMap, fields)
	b = appendUint(b, 1, uint64(w.V))
	b = appendHead(appendHead(b, cborUint, 2), cborUint, uint64(w.Op))
	b = appendUint(b, 3, w.Seq)
	b = appendText(b, 4, w.From)
	b = appendUint(b, 5, w.ID)
	b = appendText(b, 6, w.Kind)
	b = appendText(b, 7, w.Name)
	if hasMsg {
		b = appendHead(appendHead(b, cborUint, 8), cborMap, uint64(btoi(w.Msg.T != "")+btoi(len(w.Msg.V) > 0)))
		b = appendText(b, 1, w.Msg.T)
		if len(w.Msg.V) > 0 {
			b = append(appendHead(appendHead(b, cborUint, 2), cborBytes, uint64(len(w.Msg.V))), w.Msg.V...)
		}
	}
	return b
}

// appendUint appends key and the unsigned integer v, unless v is 0.
func appendUint(b []byte, key, v uint64) []byte {
	if v == 0 {
		return b
	}
	return appendHead(appendHead(b, cborUint, key), cborUint, v)
}

// appendText appends key and the text s, unless s is empty.
func appendText(b []byte, key uint64, s string) []byte {
	if s == "" {
		return b
	}
	return append(appendHead(appendHead(b, cborUint, key), cborText, uint64(len(s))), s...)
}

func btoi(c bool) int {
	if c {
		return 1
	}
	return 0
}

// cborReader reads the CBOR items of unmarshalFast. Every method returns
// false on anything it does not read.
type cborReader struct {
	b   []byte
	off int
}

// head reads a head of the given major type with a definite argument.
func (r *cborReader) head(major byte) (uint64, bool) {
	if r.off >= len(r.b) || r.b[r.off]>>5 != major {
		return 0, false
	}
	info := r.b[r.off] & 0x1f
	r.off++
	if info < 24 {
		return uint64(info), true
	}
	if info > 27 { // reserved, or an indefinite length
		return 0, false
	}
	size := 1 << (info - 24)
	if len(r.b)-r.off < size {
		return 0, false
	}
	var n uint64
	for _, c := range r.b[r.off : r.off+size] {
		n = n<<8 | uint64(c)
	}
	r.off += size
	return n, true
}

// bytes reads the content of a byte or text string of the given major
// type, as a slice of r.b.
func (r *cborReader) bytes(major byte) ([]byte, bool) {
	n, ok := r.head(major)
	if !ok || n > uint64(len(r.b)-r.off) {
		return nil, false
	}
	s := r.b[r.off : r.off+int(n) : r.off+int(n)]
	r.off += int(n)
	return s, true
}

// text reads a text string; the codec refuses invalid UTF-8.
func (r *cborReader) text() (string, bool) {
	s, ok := r.bytes(cborText)
	if !ok || !utf8.Valid(s) {
		return "", false
	}
	return string(s), true
}

// unmarshalFast decodes into w the envelope b (after the magic), if it is
// of the shape appendWire writes. It returns false, with w partly written,
// for anything else: the caller then decodes with the codec. The payload's
// value is a slice of b.
func unmarshalFast(b []byte, w *wire) bool {
	r := cborReader{b: b}
	return r.fields(8, func(k uint64) bool {
		switch k {
		case 4:
			return r.textInto(&w.From)
		case 6:
			return r.textInto(&w.Kind)
		case 7:
			return r.textInto(&w.Name)
		case 8:
			return r.fields(2, func(k uint64) bool {
				if k == 1 {
					return r.textInto(&w.Msg.T)
				}
				var ok bool
				w.Msg.V, ok = r.bytes(cborBytes)
				return ok
			})
		}
		v, ok := r.head(cborUint)
		switch {
		case !ok:
		case k == 1 && v <= math.MaxInt:
			w.V = int(v)
		case k == 2 && v <= math.MaxUint8:
			w.Op = op(v)
		case k == 3:
			w.Seq = v
		case k == 5:
			w.ID = v
		default:
			return false
		}
		return ok
	}) && r.off == len(r.b)
}

// fields reads a map whose keys are distinct integers from 1 to last,
// reading each key's value with field.
func (r *cborReader) fields(last uint64, field func(key uint64) bool) bool {
	n, ok := r.head(cborMap)
	if !ok {
		return false
	}
	var seen uint64
	for ; n > 0; n-- {
		k, ok := r.head(cborUint)
		if !ok || k == 0 || k > last || seen&(1<<k) != 0 || !field(k) {
			return false
		}
		seen |= 1 << k
	}
	return true
}

func (r *cborReader) textInto(s *string) bool {
	var ok bool
	*s, ok = r.text()
	return ok
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
