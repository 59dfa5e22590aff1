package shareable_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/goractor/goractor/shareable"
)

type thawInner struct {
	Tags  []string
	Score map[string]float64
}

type thawOrder struct {
	ID      int
	When    time.Time
	Items   []thawInner
	Ptr     *thawInner
	Arr     [2][]int
	ByKey   map[[2]int]*thawInner
	Any     any
	private []byte
	Nested  shareable.Frozen
}

func thawSample() *thawOrder {
	in := &thawInner{Tags: []string{"a", "b"}, Score: map[string]float64{"x": 1.5}}
	return &thawOrder{
		ID:      7,
		When:    time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC),
		Items:   []thawInner{{Tags: []string{"c"}}, *in},
		Ptr:     in,
		Arr:     [2][]int{{1, 2}, {3}},
		ByKey:   map[[2]int]*thawInner{{1, 2}: in},
		Any:     thawInner{Tags: []string{"in an interface"}, Score: map[string]float64{}},
		private: []byte("unexported"),
		Nested:  shareable.MustFreeze([]int{4, 5}),
	}
}

// Thaw gives back a value equal to the one frozen, of its type, that
// shares nothing mutable with the Frozen: changing it changes no later Thaw.
func TestThaw_RoundTripAndIndependence(t *testing.T) {
	orig := thawSample()
	f := shareable.MustFreeze(orig)
	got, ok := f.Thaw().(thawOrder)
	if !ok {
		t.Fatalf("Thaw() is %T, want thawOrder", f.Thaw())
	}
	if !reflect.DeepEqual(&got, orig) {
		t.Fatalf("Thaw() = %+v\nwant %+v", got, *orig)
	}
	got.Items[1].Tags[0] = "changed"
	got.Ptr.Score["x"] = 99
	got.Arr[0][0] = 100
	got.private[0] = 'U'
	got.Any.(thawInner).Tags[0] = "changed"
	again := f.Thaw().(thawOrder)
	if !reflect.DeepEqual(&again, thawSample()) {
		t.Fatalf("a second Thaw() after changing the first = %+v, want the original", again)
	}
	if !reflect.DeepEqual(orig, thawSample()) {
		t.Fatal("changing a thawed value changed the value that was frozen")
	}
	if got.Nested.Len() != 2 || got.Nested.Kind() != shareable.KindList {
		t.Errorf("a Frozen field thawed to %v, want the same frozen list", got.Nested)
	}
}

type thawRing struct {
	Name string
	Next *thawRing
}

// Pointers that led to one object lead to one new object; cycles are kept.
func TestThaw_AliasingAndCycles(t *testing.T) {
	a := &thawRing{Name: "a"}
	b := &thawRing{Name: "b", Next: a}
	a.Next = b
	pair := struct{ X, Y *thawRing }{a, a}
	got := shareable.MustFreeze(pair).Thaw().(struct{ X, Y *thawRing })
	if got.X != got.Y {
		t.Error("two pointers to one object thawed to two objects")
	}
	if got.X == a || got.X.Next == b {
		t.Error("Thaw returned the original objects")
	}
	if got.X.Name != "a" || got.X.Next.Name != "b" || got.X.Next.Next != got.X {
		t.Errorf("the cycle a -> b -> a thawed to %s -> %s -> %p (want %p)", got.X.Name, got.X.Next.Name, got.X.Next.Next, got.X)
	}
}

// The documented edges: a leaf and nil come back as they are, an interface
// that held a *T holds the thawed T, an empty slice comes back nil, a nil
// map nil and an empty map empty.
func TestThaw_Edges(t *testing.T) {
	if v := (shareable.Frozen{}).Thaw(); v != nil {
		t.Errorf("nil Frozen thawed to %v", v)
	}
	if v := shareable.MustFreeze("leaf").Thaw(); v != "leaf" {
		t.Errorf("a leaf thawed to %v", v)
	}
	type box struct {
		I     any
		Empty []int
		NilM  map[string]int
		EmptM map[string]int
	}
	got := shareable.MustFreeze(box{I: &thawInner{Tags: []string{"p"}}, Empty: []int{}, EmptM: map[string]int{}}).Thaw().(box)
	if in, ok := got.I.(thawInner); !ok || in.Tags[0] != "p" {
		t.Errorf("an interface holding *thawInner thawed to %#v, want the thawInner", got.I)
	}
	if got.Empty != nil || got.NilM != nil || got.EmptM == nil || len(got.EmptM) != 0 {
		t.Errorf("empty slice %#v (want nil), nil map %#v (want nil), empty map %#v (want empty)", got.Empty, got.NilM, got.EmptM)
	}
}
