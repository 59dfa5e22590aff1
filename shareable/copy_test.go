package shareable_test

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/goractor/goractor/shareable"
)

type Tree struct {
	Name     string
	Children []*Tree
	Parent   *Tree
	Attrs    map[string]any
	hidden   []int
	Bytes    MyBytes
}

type Embedded struct {
	Point
	*Tree
	Tags []string
}

func TestCopyKinds(t *testing.T) {
	one := 1
	tests := []struct {
		name string
		v    any
	}{
		{"int", 3},
		{"string", "s"},
		{"pointer", &one},
		{"slice", []int{1, 2, 3}},
		{"slice with spare capacity", append(make([]int, 0, 10), 1, 2)},
		{"map", map[string][]int{"a": {1}, "b": nil}},
		{"nested", map[string]map[int][]string{"x": {1: {"a"}}}},
		{"struct with unexported", Tree{Name: "t", hidden: []int{4, 5}, Bytes: MyBytes("b")}},
		{"named bytes", MyBytes("hello")},
		{"array of slices", [2][]int{{1}, {2}}},
		{"interface slice", []any{1, "a", []int{2}, map[string]any{"k": &one}, Point{1, 2}}},
		{"embedded", Embedded{Point{1, 2}, &Tree{Name: "e"}, []string{"x"}}},
		{"generic", Pair[string, []byte]{"k", []byte("v")}},
		{"nil pointer", (*Tree)(nil)},
		{"nil map in struct", Tree{}},
		{"chan of int in struct", withChan{make(chan int, 1)}},
		{"pointer to pointer", func() **int { p := &one; return &p }()},
		{"map of structs with slices", map[Point]Pair[int, []int]{{1, 1}: {1, []int{1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := shareable.CopyAny(tt.v)
			if err != nil {
				t.Fatalf("CopyAny = %v", err)
			}
			if !reflect.DeepEqual(c, tt.v) {
				t.Fatalf("copy differs:\n got: %#v\nwant: %#v", c, tt.v)
			}
			if shared := sharedMutable(tt.v, c); len(shared) > 0 {
				t.Fatalf("copy shares mutable memory with the original: %v", shared)
			}
		})
	}
}

func TestCopyAliasingAndCycles(t *testing.T) {
	shared := &Point{1, 2}
	backing := []int{1, 2, 3, 4}
	type S struct {
		A, B *Point
		X, Y []int
		M1   map[string]int
		M2   map[string]int
	}
	m := map[string]int{"a": 1}
	v := S{A: shared, B: shared, X: backing, Y: backing[:2], M1: m, M2: m}
	c, err := shareable.Copy(v)
	if err != nil {
		t.Fatal(err)
	}
	if c.A != c.B || c.A == shared {
		t.Errorf("pointer aliasing: c.A=%p c.B=%p orig=%p", c.A, c.B, shared)
	}
	if &c.X[0] != &c.Y[0] || &c.X[0] == &backing[0] {
		t.Errorf("slice aliasing lost")
	}
	c.X[1] = 99
	if c.Y[1] != 99 || backing[1] != 2 {
		t.Errorf("after write: copy Y[1]=%d orig=%d, want 99 2", c.Y[1], backing[1])
	}
	c.M1["b"] = 2
	if len(c.M2) != 2 || len(m) != 1 {
		t.Errorf("map aliasing: len(c.M2)=%d len(orig)=%d, want 2 1", len(c.M2), len(m))
	}

	// cycles
	root := &Tree{Name: "root"}
	kid := &Tree{Name: "kid", Parent: root}
	root.Children = []*Tree{kid, kid}
	root.Attrs = map[string]any{"self": root, "kids": root.Children}
	ct, err := shareable.Copy(root)
	if err != nil {
		t.Fatal(err)
	}
	if ct == root || ct.Children[0] != ct.Children[1] || ct.Children[0].Parent != ct || ct.Attrs["self"] != ct {
		t.Fatalf("cycle structure not kept")
	}
	kids := ct.Attrs["kids"].([]*Tree)
	if &kids[0] != &ct.Children[0] {
		t.Errorf("slice in interface lost its alias with the field")
	}
	if s := sharedMutable(root, ct); len(s) > 0 {
		t.Errorf("shared: %v", s)
	}

	// Pointer keys are copied too, and keep their aliases.
	pk := &Point{1, 2}
	type PK struct {
		M map[*Point]int
		P *Point
	}
	cpk, err := shareable.Copy(PK{map[*Point]int{pk: 7}, pk})
	if err != nil {
		t.Fatal(err)
	}
	if cpk.P == pk || cpk.M[cpk.P] != 7 || len(cpk.M) != 1 {
		t.Errorf("pointer key not remapped to the copied pointee")
	}

	// A map that contains itself.
	mm := map[string]any{}
	mm["me"] = mm
	cm, err := shareable.Copy(mm)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.ValueOf(cm["me"]).UnsafePointer() != reflect.ValueOf(cm).UnsafePointer() {
		t.Errorf("self-containing map lost its cycle")
	}
	if reflect.ValueOf(cm).UnsafePointer() == reflect.ValueOf(mm).UnsafePointer() {
		t.Errorf("map not copied")
	}
}

func TestCopyMutationIsolated(t *testing.T) {
	orig := &Tree{Name: "a", hidden: []int{1}, Attrs: map[string]any{"l": []int{1, 2}}}
	want, _ := shareable.Copy(orig) // a second, independent snapshot
	c, err := shareable.Copy(orig)
	if err != nil {
		t.Fatal(err)
	}
	c.Name = "changed"
	c.Attrs["l"].([]int)[0] = 100
	c.Attrs["new"] = 1
	c.Children = append(c.Children, &Tree{})
	if !reflect.DeepEqual(orig, want) {
		t.Fatalf("mutating the copy changed the original: %#v", orig)
	}
}

func TestCopySharesShareableParts(t *testing.T) {
	ch := make(chan int)
	type S struct {
		Err error
		C   chan int
		R   *registeredBox
		L   []error
	}
	rb := &registeredBox{}
	wrapped := fmt.Errorf("op: %w", ErrSentinel)
	v := S{Err: wrapped, C: ch, R: rb, L: []error{io.EOF, wrapped, errors.Join(io.EOF, ErrSentinel)}}
	c, err := shareable.Copy(v)
	if err != nil {
		t.Fatal(err)
	}
	if c.Err != wrapped || c.C != ch || c.R != rb {
		t.Errorf("shareable parts were copied")
	}
	if !errors.Is(c.Err, ErrSentinel) || !errors.Is(c.L[0], io.EOF) || !errors.Is(c.L[2], ErrSentinel) {
		t.Errorf("sentinel identity lost after copy")
	}
	if &c.L[0] == &v.L[0] {
		t.Errorf("slice of errors not copied")
	}
	// errors.Join holds a slice: the join itself is copied, its members shared.
	if c.L[2] == v.L[2] {
		t.Errorf("joined error shared by reference; its slice is mutable")
	}
}

func TestCopyFailureChangesNothing(t *testing.T) {
	inner := []int{1, 2}
	v := map[string]any{"ok": inner, "bad": []any{1, unsafe.Pointer(&inner)}}
	before := fmt.Sprint(v["ok"])
	c, err := shareable.Copy(v)
	if err == nil {
		t.Fatalf("Copy succeeded")
	}
	if c != nil {
		t.Errorf("failed Copy returned %v, want the zero value", c)
	}
	if fmt.Sprint(v["ok"]) != before || len(v) != 2 || &v["ok"].([]int)[0] != &inner[0] {
		t.Errorf("failed Copy changed the original")
	}
	var ie *shareable.IsolationError
	if !errors.As(err, &ie) || ie.Path != `["bad"][1]` || ie.Type != reflect.TypeFor[unsafe.Pointer]() {
		t.Errorf("error = %#v", ie)
	}
}

func TestCopyShareableReturnsSame(t *testing.T) {
	p := Point{1, 2}
	c, err := shareable.Copy(p)
	if err != nil || c != p {
		t.Fatalf("Copy(Point) = %v, %v", c, err)
	}
	got, err := shareable.Copy(io.EOF)
	if err != nil || got != io.EOF {
		t.Fatalf("Copy(io.EOF) = %v, %v", got, err)
	}
}

func TestMove(t *testing.T) {
	s := []int{1, 2, 3}
	orig := &s[0]
	got, err := shareable.Move(&s)
	if err != nil {
		t.Fatal(err)
	}
	if s != nil {
		t.Errorf("sender's variable not cleared: %v", s)
	}
	if &got[0] != orig {
		t.Errorf("Move copied the backing array")
	}
	bad := withFunc{A: 1, F: func() {}}
	_, err = shareable.Move(&bad)
	if err == nil || bad.A != 1 || bad.F == nil {
		t.Errorf("failed Move: err=%v, value changed=%v", err, bad.A != 1 || bad.F == nil)
	}
	m := map[string]int{"a": 1}
	a, err := shareable.MoveAny(&m)
	if err != nil || m != nil || a.(map[string]int)["a"] != 1 {
		t.Errorf("MoveAny = %v, %v; m=%v", a, err, m)
	}
	n := 5
	a, err = shareable.MoveAny(&n)
	if err != nil || n != 0 || a != 5 {
		t.Errorf("MoveAny(int) = %v, %v; n=%d", a, err, n)
	}
	for _, p := range []any{nil, 3, (*int)(nil)} {
		v, err := shareable.MoveAny(p)
		if v != nil || !errors.Is(err, shareable.ErrNotShareable) || !strings.Contains(err.Error(), "non-nil pointer") {
			t.Errorf("MoveAny(%#v) = %v, %v; want an error asking for a pointer", p, v, err)
		}
	}
}

// The walk below finds what two values share: a slice's backing array, a
// map and a pointee, each once.
func TestSharedMutableFindsSharing(t *testing.T) {
	s, m, p := []int{1}, map[int]int{}, &Point{}
	if got := sharedMutable([]any{s, m, p}, []any{p, m, s, s}); len(got) != 3 {
		t.Errorf("sharedMutable = %v; want 3 shared addresses", got)
	}
	if got := sharedMutable([]any{s, m, p}, []any{[]int{1}, map[int]int{}, &Point{}}); len(got) != 0 {
		t.Errorf("sharedMutable of equal but separate values = %v; want none", got)
	}
}

// sharedMutable walks a and b in parallel and returns the addresses of
// mutable memory (pointees, backing arrays, maps) that both reach. Parts that
// are shareable by reference are skipped.
func sharedMutable(a, b any) []string {
	seenA := map[uintptr]bool{}
	collect(reflect.ValueOf(a), seenA, map[visit]bool{})
	seenB := map[uintptr]bool{}
	collect(reflect.ValueOf(b), seenB, map[visit]bool{})
	var out []string
	for p := range seenA {
		if seenB[p] {
			out = append(out, fmt.Sprintf("%#x", p))
		}
	}
	return out
}

type visit struct {
	p uintptr
	t reflect.Type
}

func collect(v reflect.Value, addrs map[uintptr]bool, seen map[visit]bool) {
	stack := []reflect.Value{v}
	// first records the memory v (a non-empty pointer, slice or map)
	// refers to and reports whether this is the first visit of it.
	first := func(v reflect.Value) bool {
		k := visit{v.Pointer(), v.Type()}
		if seen[k] {
			return false
		}
		seen[k] = true
		if v.Kind() == reflect.Map || v.Type().Elem().Size() > 0 {
			addrs[v.Pointer()] = true
		}
		return true
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !v.IsValid() {
			continue
		}
		if v.CanInterface() && shareable.Check(v.Interface()) == nil {
			continue
		}
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() && first(v) {
				stack = append(stack, v.Elem())
			}
		case reflect.Slice:
			if v.Cap() > 0 && first(v) {
				full := v.Slice(0, v.Cap())
				for i := range full.Len() {
					stack = append(stack, full.Index(i))
				}
			}
		case reflect.Map:
			if !v.IsNil() && first(v) {
				it := v.MapRange()
				for it.Next() {
					stack = append(stack, it.Key(), it.Value())
				}
			}
		case reflect.Interface:
			stack = append(stack, v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				stack = append(stack, v.Field(i))
			}
		case reflect.Array:
			for i := range v.Len() {
				stack = append(stack, v.Index(i))
			}
		}
	}
}
