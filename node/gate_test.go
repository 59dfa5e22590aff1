package node

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/goractor/goractor/shareable"
)

// Types for the boundary rules (registered so that they may sit in
// interfaces).
type (
	gateList struct {
		V    int
		Next *gateList
	}
	gateSelf struct {
		X int
		P *int
	}
	gateTree struct {
		Kids []any
	}
	gateHidden struct {
		Name string
		note string
	}
	gateSkipped struct {
		Name string
		note string `cbor:"-"`
	}
	gateOdd struct {
		C complex128
		U uintptr
		P unsafe.Pointer
	}
	gateStamp struct{ At time.Time }
)

func init() {
	RegisterType[gateList]("node_test.gateList")
	RegisterType[gateTree]("node_test.gateTree")
	RegisterType[gateSelf]("node_test.gateSelf")
}

// maxNodeDepthForTest is the documented nesting limit of a value crossing a
// node.
const maxNodeDepthForTest = 200

// TestBoundaryRules checks the node-boundary gate rule by rule, without a
// peer: what crosses, and what is refused with which path and reason.
func TestBoundaryRules(t *testing.T) {
	shared := &gateList{V: 1}
	cyc := &gateList{V: 1}
	cyc.Next = &gateList{V: 2, Next: cyc}
	self := &gateSelf{X: 1}
	self.P = &self.X // points into itself, at its own address: not a cycle
	loop := []any{nil, nil}
	loop[0] = loop // the slice holds itself
	window := []any{1, nil}
	window[1] = window[:1] // a shorter slice of the same array: not a cycle
	m := map[string]any{}
	m["self"] = m
	deep := &gateList{}
	for range maxNodeDepthForTest {
		deep = &gateList{Next: deep}
	}
	ok := []any{
		Order{ID: 1, Items: []Item{{"a", 1}}, Placed: time.Now(), Extra: Note{"n"}},
		[]any{shared, shared}, // referenced twice, no cycle: two copies
		self,
		window,
		gateSkipped{Name: "x", note: "dropped"},
		gateStamp{At: time.Now()}, // time.Time marshals itself
		Batch{},                   // a nil slice of a type that cannot cross
		Batch{Jobs: []Job{}},      // an empty one
		map[string]any{"k": nil},
		[0]func(){},
	}
	for _, v := range ok {
		if err := boundaryCheck(v); err != nil {
			t.Errorf("boundaryCheck(%T) = %v; want nil", v, err)
		}
	}
	// The two the walker before this one took for cycles cross and arrive.
	for _, v := range []any{self, window} {
		p, err := encode(v)
		if err != nil {
			t.Fatalf("encode(%T) = %v", v, err)
		}
		if _, err := decode(p); err != nil {
			t.Errorf("decode(encode(%T)) = %v", v, err)
		}
	}
	for _, tc := range []struct {
		v          any
		path, want string
	}{
		{Batch{Jobs: []Job{{Name: "a"}, {Notify: func() {}}}}, ".Jobs[0].Notify", "func cannot cross a node"},
		{Order{Extra: []any{1, 2, Job{}}}, ".Extra[2]", "not registered"},
		{Order{Extra: []any{1, 2, Note{}, func() {}}}, ".Extra[3]", "not registered"},
		{map[string]any{"k": errors.New("x")}, `["k"]`, "error of type *errors.errorString in a value cannot cross a node unless registered"},
		{Order{Extra: shareable.MustFreeze(1)}, ".Extra", "inside a value cannot cross a node"},
		{gateHidden{Name: "x"}, ".note", "unexported field cannot cross a node"},
		{gateOdd{}, ".C", "complex number cannot cross a node"},
		{struct{ U uintptr }{}, ".U", "uintptr cannot cross a node"},
		{struct{ P unsafe.Pointer }{}, ".P", "unsafe.Pointer cannot cross a node"},
		{struct{ C chan int }{}, ".C", "channel cannot cross a node"},
		{cyc, ".Next.Next", "cycle cannot cross a node"},
		{loop, "[0]", "cycle cannot cross a node"},
		{m, `["self"]`, "cycle cannot cross a node"},
		{deep, strings.Repeat(".Next", maxNodeDepthForTest/2), "nested too deep"},
	} {
		err := boundaryCheck(tc.v)
		var ie *shareable.IsolationError
		if !errors.As(err, &ie) || ie.Path != tc.path || !strings.Contains(ie.Reason, tc.want) {
			t.Errorf("boundaryCheck(%T) = %v; want IsolationError at %q: %q", tc.v, err, tc.path, tc.want)
		}
	}
}
