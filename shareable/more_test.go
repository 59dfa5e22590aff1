package shareable_test

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"testing"
	"unsafe"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/shareable"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestInterfacesHoldingEachKind checks that an interface is judged by its
// dynamic value, wherever the interface sits.
func TestInterfacesHoldingEachKind(t *testing.T) {
	one := 1
	values := []struct {
		name            string
		v               any
		share, copyable bool
	}{
		{"int", 1, true, true},
		{"string", "s", true, true},
		{"array", [2]int{}, true, true},
		{"array of slices", [1][]int{{1}}, false, true},
		{"struct", Point{}, true, true},
		{"struct with unexported slice", Tree{hidden: []int{1}}, false, true},
		{"pointer", &one, false, true},
		{"slice", []int{1}, false, true},
		{"map", map[int]int{1: 1}, false, true},
		{"chan int", make(chan int), true, true},
		{"chan of map", make(chan map[int]int), false, false},
		{"func", func() {}, false, false},
		{"unsafe.Pointer", unsafe.Pointer(&one), false, false},
		{"mutex pointer", &sync.Mutex{}, false, false},
		{"rwmutex in struct", &struct{ mu sync.RWMutex }{}, false, false},
		{"error", io.EOF, true, true},
		{"nested interface", any(any(3)), true, true},
	}
	for _, tt := range values {
		t.Run(tt.name, func(t *testing.T) {
			wrappers := map[string]any{
				"direct":        tt.v,
				"in struct":     struct{ X any }{tt.v},
				"in unexported": struct{ x any }{tt.v},
				"in array":      [1]any{tt.v},
			}
			for where, w := range wrappers {
				if got := shareable.Check(w) == nil; got != tt.share {
					t.Errorf("%s: Check ok=%v, want %v", where, got, tt.share)
				}
				c, err := shareable.CopyAny(w)
				if got := err == nil; got != tt.copyable {
					t.Errorf("%s: Copy ok=%v (%v), want %v", where, got, err, tt.copyable)
				}
				if err == nil && tt.name != "func" && !reflect.DeepEqual(c, w) {
					t.Errorf("%s: copy differs", where)
				}
			}
			in := []any{tt.v}
			c, err := shareable.Copy(in)
			if got := err == nil; got != tt.copyable {
				t.Errorf("in slice: Copy ok=%v, want %v", got, tt.copyable)
			}
			if err == nil && len(sharedMutable(in, c)) > 0 {
				t.Errorf("in slice: copy shares memory")
			}
		})
	}
}

func TestCopyThroughNonEmptyInterfaces(t *testing.T) {
	joined := errors.Join(io.EOF, ErrSentinel)
	c, err := shareable.Copy[error](joined)
	if err != nil {
		t.Fatal(err)
	}
	if c == joined || !errors.Is(c, io.EOF) || !errors.Is(c, ErrSentinel) || c.Error() != joined.Error() {
		t.Errorf("Copy[error](join) = %v", c)
	}
	var s fmt.Stringer = stringerSlice{"a", "b"}
	cs, err := shareable.Copy(s)
	if err != nil {
		t.Fatal(err)
	}
	if cs.String() != "a,b" || &cs.(stringerSlice)[0] == &s.(stringerSlice)[0] {
		t.Errorf("Copy[fmt.Stringer] did not copy the slice")
	}
}

type stringerSlice []string

func (s stringerSlice) String() string { return s[0] + "," + s[1] }

func TestVerdictsStableWhenCacheWarm(t *testing.T) {
	v := struct{ M map[string]int }{map[string]int{"a": 1}}
	for i := range 3 {
		if err := shareable.Check(v); err == nil {
			t.Fatalf("call %d: Check of a map = nil", i)
		}
		if err := shareable.Check(v.M); err == nil {
			t.Fatalf("call %d: Check of a map = nil", i)
		}
	}
}

func TestNamedTypesFollowTheirKind(t *testing.T) {
	b := MyBytes("abc")
	c, err := shareable.Copy(b)
	if err != nil {
		t.Fatal(err)
	}
	if &c[0] == &b[0] {
		t.Errorf("MyBytes was shared")
	}
	if reflect.TypeOf(c) != reflect.TypeFor[MyBytes]() {
		t.Errorf("copy type %T", c)
	}
	type Celsius float64
	type Names []string
	if err := shareable.Check(Celsius(3)); err != nil {
		t.Errorf("Check(Celsius) = %v", err)
	}
	if err := shareable.Check(Names{"a"}); err == nil {
		t.Errorf("Check(Names) = nil")
	}
}

// deepDepth is how deep the deep-graph tests build: deeper than any
// recursion would survive, less under -short.
func deepDepth(t *testing.T) int {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	t.Logf("depth %d", n)
	return n
}

// listNode is a linked list's node, for lists deepDepth long.
type listNode struct {
	V    int
	Next *listNode
}

// deepList builds a list of n nodes, V counting down from n-1 to 0.
func deepList(n int) *listNode {
	var head *listNode
	for i := range n {
		head = &listNode{i, head}
	}
	return head
}

func TestCopyAndMoveDeepList(t *testing.T) {
	n := deepDepth(t)
	head := deepList(n)
	c, err := shareable.Copy(head)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for p, q := c, head; p != nil; p, q = p.Next, q.Next {
		if p == q || p.V != q.V {
			t.Fatalf("node %d shared or differs", count)
		}
		count++
	}
	if count != n {
		t.Fatalf("copied %d nodes, want %d", count, n)
	}
	m, err := shareable.Move(&head)
	if err != nil || head != nil || m == nil {
		t.Fatalf("Move = %v, %v; head=%v", m != nil, err, head)
	}
}

func TestCheckNeverCallsMethods(t *testing.T) {
	// A value whose methods would panic is checked, copied and frozen
	// without calling them.
	v := map[panicky]panicky{{"a"}: {"b"}}
	if err := shareable.Check(v); err == nil || err.Error() != "shareable: map[shareable_test.panicky]shareable_test.panicky: map is mutable: copy, move or freeze it" {
		t.Errorf("Check = %v", err)
	}
	if _, err := shareable.Copy(v); err != nil {
		t.Errorf("Copy = %v", err)
	}
	if _, err := shareable.Freeze(v); err != nil {
		t.Errorf("Freeze = %v", err)
	}
}
