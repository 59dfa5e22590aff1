package node

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	proto "github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/goractor/goractor/actor"
)

// TestGarbageAndUnknownTypes sends a peer what a broken or newer node
// could: garbage bytes, an envelope of a newer version, an unknown
// operation, a value of an unregistered type and a foreign protobuf type.
// Each gets a typed error back and the peer keeps serving.
func TestGarbageAndUnknownTypes(t *testing.T) {
	addr := startPeer(t).addr
	withNode(t, func(cx *actor.Context, n *Node) error {
		ctx := timeout(t, 30*time.Second)
		echo := spawn(t, ctx, addr, "echo")
		n.mu.Lock()
		var id uint64
		for k := range n.refs {
			id = k.id
		}
		n.mu.Unlock()
		target := &proto.PID{Address: addr, Id: endpointName}

		// Garbage and foreign protobuf types, sent with a protoactor
		// request so the peer can answer.
		for _, msg := range []any{
			&wrapperspb.BytesValue{Value: []byte("\xff\x00garbage")},
			&wrapperspb.BytesValue{Value: append([]byte("GRN"), 0xff, 0xff)},
			&wrapperspb.StringValue{Value: "hello"},
		} {
			res, err := n.ps.Root.RequestFuture(target, msg, 10*time.Second).Result()
			if err != nil {
				t.Errorf("%T: no answer: %v", msg, err)
				continue
			}
			sv, ok := res.(*wrapperspb.StringValue)
			if !ok || !strings.HasPrefix(sv.Value, "node: ") {
				t.Errorf("%T: answer %v; want an error text", msg, res)
			}
		}

		// Envelopes a newer peer could send, and values of unknown types.
		for _, tc := range []struct {
			w    *wire
			want error
		}{
			{&wire{Op: opRequest, ID: id, Msg: payload{T: "no.such.Type", V: []byte{0xa0}}}, ErrUnknownType},
			{&wire{Op: opRequest, ID: id, Msg: payload{T: "int", V: []byte{0x61, 0x61}}}, ErrDecode},
			{&wire{Op: opSend, ID: id, Msg: payload{T: "*no.such.Type", V: []byte{0xa0}}}, ErrUnknownType},
			{&wire{Op: opSpawn, Kind: "sum", Args: []payload{{T: "no.such.Type"}}}, ErrUnknownType},
			{&wire{Op: op(200)}, ErrDecode},
		} {
			rep, err := n.call(ctx, addr, tc.w)
			if err != nil {
				t.Errorf("%v: %v", tc.w.Op, err)
				continue
			}
			if err := localError(rep.Err); !errors.Is(err, tc.want) {
				t.Errorf("%v %q: reply error %v; want %v", tc.w.Op, tc.w.Msg.T, err, tc.want)
			}
		}
		// The peer still serves.
		if v, err := echo.Request(ctx, 41); err != nil || v != 42 {
			t.Errorf("Request after garbage = %v, %v; want 42", v, err)
		}
		return nil
	})
}

func FuzzUnmarshalWire(f *testing.F) {
	for _, w := range []*wire{
		{Op: opPing, Seq: 1, From: "127.0.0.1:1"},
		{Op: opRequest, Seq: 2, ID: 3, Msg: payload{T: "int", V: []byte{0x01}}},
		{Op: opRequest, Seq: 4, ID: 5, Msg: payload{T: frozenMark + "[]int", V: []byte{0x81, 0x01}}},
		{Op: opRequest, Seq: 6, ID: 7, Msg: payload{T: frozenMark + frozenMark + "int", V: []byte{0x01}}},
		{Op: opSpawn, Kind: "sum", Args: []payload{{T: "string", V: []byte{0x61, 0x61}}}},
		{Op: opReply, Err: &Error{Type: "x", Message: "m", Is: []string{"actor.ErrClosed"}}},
	} {
		b, err := marshalWire(w)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("GRN"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := unmarshalWire(b)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T %v; want *DecodeError", err, err)
			}
			return
		}
		// Whatever decoded must survive decoding its values.
		_, _ = decode(w.Msg)
		for _, a := range w.Args {
			_, _ = decode(a)
		}
		_ = localError(w.Err)
		b2, err := marshalWire(w)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := unmarshalWire(b2); err != nil {
			t.Fatalf("re-encoded envelope does not decode: %v", err)
		}
	})
}

// TestWireRoundTrip: every field of an envelope, Args and Err included,
// comes back as it was sent.
func TestWireRoundTrip(t *testing.T) {
	for _, w := range []*wire{
		{Op: opRequest, Seq: 1 << 40, From: "127.0.0.1:40000", ID: 7, Msg: payload{T: "int", V: []byte{0x18, 0x2a}}},
		{Op: opReply, Seq: 3},
		{Op: opSpawn, Seq: 4, From: "a", Kind: "sum", Name: "n", Args: []payload{{T: "int", V: []byte{0x01}}, {}, {T: "string", V: []byte{0x61, 0x61}}}},
		{Op: opReply, Seq: 5, Err: &Error{Type: "*errors.errorString", Message: "m", Is: []string{"actor.ErrClosed"}, Actor: "x"}},
		{Op: opDone, ID: 9, From: "b", Msg: payload{T: frozenMark + "[]int", V: []byte{0x81, 0x01}}},
	} {
		b, err := marshalWire(w)
		if err != nil {
			t.Fatal(err)
		}
		got, err := unmarshalWire(b)
		if err != nil {
			t.Fatalf("%+v: %v", w, err)
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("sent %+v, got %+v", w, got)
		}
	}
}
