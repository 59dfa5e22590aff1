package node

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/shareable"
)

// Snapshot holds a Frozen inside a value: refused at the node boundary.
type Snapshot struct{ Cfg shareable.Frozen }

func init() { RegisterType[Snapshot]("node_test.Snapshot") }

// A Frozen sent as the whole message crosses as the value it was frozen
// from and arrives frozen again (the echo kind answers with what it got, so
// it crosses twice); a nil Frozen arrives nil. A Frozen of an unregistered
// type, or one inside another value, is refused with its path.
func TestFrozenCrossesNodes(t *testing.T) {
	addr := startPeer(t).addr
	withNode(t, func(cx *actor.Context, n *Node) error {
		ctx := timeout(t, 30*time.Second)
		echo, err := n.Spawn(ctx, addr, "echo")
		if err != nil {
			return err
		}
		orig := Order{ID: 3, Items: []Item{{"a", 1}, {"b", 2}}, Placed: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), Extra: Note{"n"}}
		v, err := echo.Request(ctx, shareable.MustFreeze(&orig))
		if err != nil {
			return err
		}
		f, ok := v.(shareable.Frozen)
		if !ok {
			t.Fatalf("a Frozen came back as %T", v)
		}
		if got, ok := f.Thaw().(Order); !ok || !reflect.DeepEqual(got, orig) {
			t.Errorf("the Frozen came back as %#v, want %#v", f.Thaw(), orig)
		}
		if v, err := echo.Request(ctx, shareable.Frozen{}); err != nil || v != (shareable.Frozen{}) {
			t.Errorf("a nil Frozen came back as %#v, %v", v, err)
		}
		type local struct{ X []int }
		for _, tc := range []struct {
			msg        any
			path, want string
		}{
			{shareable.MustFreeze(local{[]int{1}}), "", "not registered"},
			{Snapshot{Cfg: shareable.MustFreeze([]int{1})}, ".Cfg", "inside a value cannot cross a node"},
			{[]any{shareable.MustFreeze(orig)}, "[0]", "inside a value cannot cross a node"},
		} {
			_, err := echo.Request(ctx, tc.msg)
			var ie *shareable.IsolationError
			if !errors.As(err, &ie) || ie.Path != tc.path || !strings.Contains(ie.Reason, tc.want) {
				t.Errorf("Request(%T) = %v; want IsolationError at %q: %q", tc.msg, err, tc.path, tc.want)
			}
		}
		return nil
	})
}

// A frozen payload decodes to a Frozen; a Frozen of a Frozen is garbage
// (a *DecodeError), whatever its depth, without recursion.
func TestDecodeFrozenPayload(t *testing.T) {
	v, err := decode(payload{T: frozenMark + "[]int", V: []byte{0x82, 0x01, 0x02}})
	if f, ok := v.(shareable.Frozen); err != nil || !ok || !reflect.DeepEqual(f.Thaw(), []int{1, 2}) {
		t.Errorf("decode(~[]int) = %#v, %v; want a Frozen of [1 2]", v, err)
	}
	var de *DecodeError
	if _, err := decode(payload{T: strings.Repeat(frozenMark, 1<<20) + "int", V: []byte{0x01}}); !errors.As(err, &de) {
		t.Errorf("decode(~~…int) = %v; want a *DecodeError", err)
	}
}
