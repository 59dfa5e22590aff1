package node

import (
	"bytes"
	"errors"
	"math"
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
		if len(b) >= len(wireMagic) {
			// The fast path accepts only what the codec decodes alike.
			var fast, slow wire
			if unmarshalFast(b[len(wireMagic):], &fast) {
				if err := wireDec.Unmarshal(b[len(wireMagic):], &slow); err != nil {
					t.Fatalf("fast path decoded %x, the codec refuses it: %v", b, err)
				}
				if !reflect.DeepEqual(fast, slow) {
					t.Fatalf("%x: fast path %+v, codec %+v", b, fast, slow)
				}
			}
		}
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

// TestWireFastPath checks the envelope codec's fast path against the CBOR
// codec: the same bytes for every envelope without Args or Err, at every
// width of integers and lengths, and the same envelope decoded from them;
// envelopes it does not read (Args, Err, unknown keys) still decode.
func TestWireFastPath(t *testing.T) {
	long := strings.Repeat("x", 300)
	big := bytes.Repeat([]byte{0x01}, 70000)
	var ws []*wire
	for _, n := range []uint64{0, 1, 23, 24, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxUint64} {
		ws = append(ws,
			&wire{Op: opRequest, Seq: n, ID: n, From: "127.0.0.1:40000", Msg: payload{T: "int", V: []byte{0x18, 0x2a}}},
			&wire{Op: opReply, Seq: n},
		)
	}
	for _, s := range []string{"", "a", strings.Repeat("y", 23), strings.Repeat("y", 24), long, "é✓"} {
		ws = append(ws,
			&wire{Op: opSpawn, Seq: 7, From: s, Kind: s, Name: s},
			&wire{Op: opSend, Seq: 8, ID: 1, Msg: payload{T: s}},
		)
		if s != "" {
			ws = append(ws, &wire{Op: opSend, Seq: 9, ID: 1, Msg: payload{T: s, V: []byte(s)}})
		}
	}
	ws = append(ws, &wire{Op: opReply, Msg: payload{V: big}}, &wire{Op: op(200), Seq: 1}, &wire{})
	for _, w := range ws {
		got, err := marshalWire(w)
		if err != nil {
			t.Fatal(err)
		}
		want, err := wireEnc.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		if want = append(append([]byte(nil), wireMagic...), want...); !bytes.Equal(got, want) {
			t.Errorf("%+v: fast path wrote %x; the codec writes %x", w, got, want)
			continue
		}
		var fast wire
		if !unmarshalFast(got[len(wireMagic):], &fast) {
			t.Errorf("%+v: fast path does not read what it wrote", w)
			continue
		}
		if !reflect.DeepEqual(&fast, w) {
			t.Errorf("fast path read %+v; want %+v", &fast, w)
		}
	}
	// What the fast path leaves to the codec.
	for _, w := range []*wire{
		{Op: opSpawn, Seq: 1, Kind: "sum", Args: []payload{{T: "int", V: []byte{0x01}}}},
		{Op: opReply, Seq: 1, Err: &Error{Type: "x", Message: "m"}},
	} {
		b, err := marshalWire(w)
		if err != nil {
			t.Fatal(err)
		}
		var fast wire
		if unmarshalFast(b[len(wireMagic):], &fast) {
			t.Errorf("%+v: fast path read an envelope with Args or Err", w)
		}
		got, err := unmarshalWire(b)
		if err != nil || !reflect.DeepEqual(got, w) {
			t.Errorf("%+v: decoded %+v, %v", w, got, err)
		}
	}
}
