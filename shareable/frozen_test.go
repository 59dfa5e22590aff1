package shareable_test

import (
	"errors"
	"io"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/goractor/goractor/shareable"
)

type Config struct {
	Name    string
	Ports   []int
	Limits  map[string]int
	Owner   *Person
	Backup  *Person
	When    time.Time
	private []string
	Err     error
}

type Person struct {
	Name    string
	Friends []*Person
}

func TestFreeze(t *testing.T) {
	alice := &Person{Name: "alice"}
	alice.Friends = []*Person{alice}
	cfg := &Config{
		Name:    "svc",
		Ports:   []int{80, 443},
		Limits:  map[string]int{"cpu": 2, "mem": 4},
		Owner:   alice,
		Backup:  alice,
		When:    time.Unix(0, 0).UTC(),
		private: []string{"x"},
		Err:     io.EOF,
	}
	f, err := shareable.Freeze(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := shareable.Check(f); err != nil {
		t.Fatalf("Check(frozen) = %v", err)
	}
	if f.Kind() != shareable.KindStruct || f.Type() != reflect.TypeFor[Config]() {
		t.Fatalf("Kind=%v Type=%v", f.Kind(), f.Type())
	}
	name, _ := f.Field("Name")
	if s, ok := shareable.As[string](name); !ok || s != "svc" {
		t.Errorf("Name = %v %v", s, ok)
	}
	port, ok := f.Lookup("Ports", 1)
	if v, _ := shareable.As[int](port); !ok || v != 443 {
		t.Errorf("Ports[1] = %v", port)
	}
	mem, ok := f.Lookup("Limits", "mem")
	if v, _ := shareable.As[int](mem); !ok || v != 4 {
		t.Errorf("Limits[mem] = %v", mem)
	}
	owner, _ := f.Field("Owner")
	backup, _ := f.Field("Backup")
	if owner != backup {
		t.Errorf("aliasing lost: two pointers to one Person froze to two nodes")
	}
	self, ok := owner.Lookup("Friends", 0)
	if !ok || self != owner {
		t.Errorf("cycle lost")
	}
	when, _ := f.Field("When")
	if v, ok := shareable.As[time.Time](when); !ok || !v.Equal(time.Unix(0, 0)) {
		t.Errorf("When = %v", when)
	}
	priv, ok := f.Lookup("private", 0)
	if v, _ := shareable.As[string](priv); !ok || v != "x" {
		t.Errorf("private[0] = %v", priv)
	}
	e, _ := f.Field("Err")
	if v, _ := shareable.As[error](e); v != io.EOF {
		t.Errorf("frozen error lost its identity: %v", e)
	}
	if got := f.String(); got != "{svc [80 443] map[cpu:2 mem:4] {alice [<cycle>]} {alice [<cycle>]} 1970-01-01 00:00:00 +0000 UTC [x] EOF}" {
		t.Errorf("String = %s", got)
	}

	// The snapshot does not change when the original does.
	cfg.Ports[0] = 1
	cfg.Limits["cpu"] = 100
	alice.Name = "mallory"
	if got := f.String(); got != "{svc [80 443] map[cpu:2 mem:4] {alice [<cycle>]} {alice [<cycle>]} 1970-01-01 00:00:00 +0000 UTC [x] EOF}" {
		t.Errorf("after mutating the original, String = %s", got)
	}

	// Idempotent.
	g, err := shareable.Freeze(f)
	if err != nil || g != f {
		t.Errorf("Freeze(frozen) = %v, %v; want the same value", g, err)
	}
	h, err := shareable.Freeze(struct{ F shareable.Frozen }{f})
	if err != nil {
		t.Fatal(err)
	}
	if inner, _ := shareable.As[struct{ F shareable.Frozen }](h); inner.F != f {
		t.Errorf("frozen value inside a struct was not kept as is")
	}
}

func TestFreezeKinds(t *testing.T) {
	tests := []struct {
		name string
		v    any
		kind shareable.Kind
		str  string
	}{
		{"nil", nil, shareable.KindNil, "<nil>"},
		{"int", 3, shareable.KindLeaf, "3"},
		{"shareable struct stays a leaf", Point{1, 2}, shareable.KindLeaf, "{1 2}"},
		{"nil pointer", (*Point)(nil), shareable.KindNil, "<nil>"},
		{"pointer to leaf", &Point{1, 2}, shareable.KindLeaf, "{1 2}"},
		{"slice", []string{"a", "b"}, shareable.KindList, "[a b]"},
		{"nil slice", []int(nil), shareable.KindList, "[]"},
		{"array", [2][]int{{1}, {2, 3}}, shareable.KindList, "[[1] [2 3]]"},
		{"map", map[int][]int{2: {2}, 1: {1}}, shareable.KindMap, "map[1:[1] 2:[2]]"},
		{"nested any", []any{map[string]any{"k": []any{1, "x"}}}, shareable.KindList, "[map[k:[1 x]]]"},
		{"chan of int", make(chan int), shareable.KindLeaf, ""},
		{"pointer keys", map[*Point]string{{1, 2}: "p"}, shareable.KindMap, "map[{1 2}:p]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := shareable.Freeze(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if f.Kind() != tt.kind {
				t.Errorf("Kind = %v, want %v", f.Kind(), tt.kind)
			}
			if tt.str != "" && f.String() != tt.str {
				t.Errorf("String = %s, want %s", f.String(), tt.str)
			}
			if err := shareable.Check(f); err != nil {
				t.Errorf("Check = %v", err)
			}
			if err := shareable.Check(f.Value()); err != nil {
				t.Errorf("Check(Value()) = %v", err)
			}
		})
	}
}

func TestFreezeFailureChangesNothing(t *testing.T) {
	type Job struct {
		Name string
		Data []int
		Lock *sync.Mutex
	}
	jobs := map[string]*Job{"a": {"a", []int{1}, nil}, "b": {"b", []int{2}, &sync.Mutex{}}}
	a, b, lock := jobs["a"], jobs["b"], jobs["b"].Lock
	_, err := shareable.Freeze(jobs)
	var ie *shareable.IsolationError
	if !errors.As(err, &ie) {
		t.Fatalf("Freeze = %v, want *IsolationError", err)
	}
	if want := `shareable: map[string]*shareable_test.Job["b"].Lock: ` + mutexReason; err.Error() != want {
		t.Errorf("error\n got: %s\nwant: %s", err, want)
	}
	if len(jobs) != 2 || jobs["a"] != a || jobs["b"] != b || b.Lock != lock || a.Data[0] != 1 || b.Data[0] != 2 || a.Name != "a" {
		t.Errorf("failed Freeze changed the value")
	}
	jobs["b"].Lock = nil
	if _, err := shareable.Freeze(jobs); err != nil {
		t.Errorf("Freeze after fixing the part = %v", err)
	}
}

func TestFreezeDeep(t *testing.T) {
	n := deepDepth(t)
	f, err := shareable.Freeze(deepList(n))
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for f.Kind() == shareable.KindStruct {
		count++
		f, _ = f.Field("Next")
	}
	if count != n {
		t.Errorf("frozen list length %d, want %d", count, n)
	}
	var nested any = 0
	for range n {
		nested = map[string]any{"k": nested}
	}
	fm, err := shareable.Freeze(nested)
	if err != nil {
		t.Fatal(err)
	}
	depth := 0
	for fm.Kind() == shareable.KindMap {
		depth++
		fm, _ = fm.Get("k")
	}
	if depth != n {
		t.Errorf("frozen map depth %d, want %d", depth, n)
	}
}

func TestList(t *testing.T) {
	l, err := shareable.ListOf(3, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 3 || l.At(0) != 3 {
		t.Errorf("Len=%d At(0)=%d", l.Len(), l.At(0))
	}
	s := l.Slice()
	s[0] = 100
	if l.At(0) != 3 {
		t.Errorf("Slice returned an alias into the list")
	}
	if got := slices.Collect(l.Values()); !slices.Equal(got, []int{3, 1, 2}) {
		t.Errorf("Values = %v", got)
	}
	for i, v := range l.All() {
		if v != l.At(i) {
			t.Errorf("All yields %d at %d", v, i)
		}
	}
	src := []int{1}
	l2, _ := shareable.NewList(src)
	src[0] = 9
	if l2.At(0) != 1 {
		t.Errorf("NewList did not copy")
	}
	if err := shareable.Check(l); err != nil {
		t.Errorf("Check(List) = %v", err)
	}
	_, err = shareable.ListOf[any](1, []int{2})
	if err == nil || err.Error() != "shareable: []interface {}[1]: slice is mutable: copy, move or freeze it" {
		t.Errorf("ListOf(mutable) = %v", err)
	}
	var zero shareable.List[string]
	if zero.Len() != 0 || len(zero.Slice()) != 0 {
		t.Errorf("zero List not empty")
	}
}

func TestMap(t *testing.T) {
	src := map[string]int{"b": 2, "a": 1, "c": 3}
	m, err := shareable.NewMap(src)
	if err != nil {
		t.Fatal(err)
	}
	src["a"] = 100
	if v, ok := m.Get("a"); !ok || v != 1 || m.Len() != 3 {
		t.Errorf("Get(a) = %d %v Len=%d", v, ok, m.Len())
	}
	if got := slices.Collect(m.Keys()); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Keys = %v", got)
	}
	if got := slices.Collect(m.Values()); !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("Values = %v", got)
	}
	c := m.Clone()
	c["z"] = 26
	if _, ok := m.Get("z"); ok {
		t.Errorf("Clone returned an alias")
	}
	_, err = shareable.NewMap(map[string][]int{"k": {1}})
	if err == nil || err.Error() != `shareable: map[string][]int["k"]: slice is mutable: copy, move or freeze it` {
		t.Errorf("NewMap(mutable) = %v", err)
	}
	if err := shareable.Check(m); err != nil {
		t.Errorf("Check(Map) = %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("MustMap of a mutable map did not panic")
		}
	}()
	shareable.MustMap(map[int]*int{1: new(int)})
}
