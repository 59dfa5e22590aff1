package shareable_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/goractor/goractor/shareable"
)

// The fuzz targets decode bytes into a value graph through a byte cursor
// (one byte, one decision), build a reference model of the graph next to it,
// and check the invariants of reliability.md §6 against the model.

type fnode struct {
	Exported any
	hidden   any
}

type fval struct {
	Exported any
	hidden   any
}

type mkind uint8

const (
	mScalar mkind = iota
	mString
	mSliceEmpty // a non-nil slice with no capacity: shareable
	mSlice
	mMap
	mPointer
	mStructVal
	mChanOK
	mChanBad
	mFunc
	mUnsafe
	mMutex
	mNil
)

// mutable reports whether the kind makes Check fail (it must be copied).
func (k mkind) mutable() bool { return k == mSlice || k == mMap || k == mPointer }

// forbidden reports whether the kind may never cross.
func (k mkind) forbidden() bool {
	return k == mChanBad || k == mFunc || k == mUnsafe || k == mMutex
}

type mnode struct {
	kind mkind
	kids []*mnode
}

type cursor struct {
	b []byte
	i int
}

func (c *cursor) next() byte {
	if c.i >= len(c.b) {
		return 0
	}
	x := c.b[c.i]
	c.i++
	return x
}

type graphBuilder struct {
	c     cursor
	refs  []any // values with identity, for back-references
	mrefs []*mnode
	nodes int
}

const (
	maxDepth = 10
	maxNodes = 256
)

func (g *graphBuilder) build(depth int) (any, *mnode) {
	g.nodes++
	op := g.c.next() % 13
	if depth >= maxDepth || g.nodes >= maxNodes {
		op = 0
	}
	switch op {
	case 0:
		return int(g.c.next()), &mnode{kind: mScalar}
	case 1:
		return strings.Repeat("s", int(g.c.next()%4)), &mnode{kind: mString}
	case 2:
		n := int(g.c.next() % 4)
		s := make([]any, n)
		m := &mnode{kind: mSlice}
		if n == 0 {
			m.kind = mSliceEmpty
		} else {
			g.refs, g.mrefs = append(g.refs, s), append(g.mrefs, m)
		}
		for i := range s {
			v, k := g.build(depth + 1)
			s[i] = v
			m.kids = append(m.kids, k)
		}
		return s, m
	case 3:
		n := int(g.c.next() % 4)
		mp := map[string]any{}
		m := &mnode{kind: mMap}
		g.refs, g.mrefs = append(g.refs, mp), append(g.mrefs, m)
		for i := range n {
			v, k := g.build(depth + 1)
			mp["k"+strconv.Itoa(i)] = v
			m.kids = append(m.kids, k)
		}
		return mp, m
	case 4:
		p := &fnode{}
		m := &mnode{kind: mPointer}
		g.refs, g.mrefs = append(g.refs, p), append(g.mrefs, m)
		v1, k1 := g.build(depth + 1)
		v2, k2 := g.build(depth + 1)
		p.Exported, p.hidden = v1, v2
		m.kids = []*mnode{k1, k2}
		return p, m
	case 5:
		v1, k1 := g.build(depth + 1)
		v2, k2 := g.build(depth + 1)
		return fval{v1, v2}, &mnode{kind: mStructVal, kids: []*mnode{k1, k2}}
	case 6:
		return make(chan int), &mnode{kind: mChanOK}
	case 7:
		return make(chan []int), &mnode{kind: mChanBad}
	case 8:
		return func() {}, &mnode{kind: mFunc}
	case 9:
		return unsafe.Pointer(new(int)), &mnode{kind: mUnsafe}
	case 10:
		return &sync.Mutex{}, &mnode{kind: mMutex}
	case 11:
		if len(g.refs) == 0 {
			return nil, &mnode{kind: mNil}
		}
		i := int(g.c.next()) % len(g.refs)
		return g.refs[i], g.mrefs[i]
	}
	return nil, &mnode{kind: mNil}
}

func decodeGraph(data []byte) (any, *mnode) {
	g := graphBuilder{c: cursor{b: data}}
	return g.build(0)
}

// reachable reports whether any node reachable from m satisfies pred.
func reachable(m *mnode, pred func(mkind) bool) bool {
	seen := map[*mnode]bool{}
	stack := []*mnode{m}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		if pred(n.kind) {
			return true
		}
		stack = append(stack, n.kids...)
	}
	return false
}

type canonKey struct {
	p uintptr
	n int
	t reflect.Type
}

// canon renders v deterministically. With withAddr false, identities are
// numbered in visit order, so two graphs with isomorphic alias structure and
// equal contents render the same; with withAddr true, addresses are printed,
// so the rendering changes if anything in the graph was modified.
func canon(v any, withAddr bool) string {
	var b strings.Builder
	ids := map[canonKey]int{}
	var walk func(v reflect.Value)
	ident := func(k canonKey) (string, bool) {
		if id, ok := ids[k]; ok {
			if withAddr {
				return fmt.Sprintf("@%x", k.p), true
			}
			return "@" + strconv.Itoa(id), true
		}
		ids[k] = len(ids)
		if withAddr {
			return fmt.Sprintf("#%x", k.p), false
		}
		return "#" + strconv.Itoa(ids[k]), false
	}
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Invalid:
			b.WriteString("invalid")
		case reflect.Interface:
			if v.IsNil() {
				b.WriteString("nil")
				return
			}
			b.WriteString("I(")
			walk(v.Elem())
			b.WriteString(")")
		case reflect.Pointer:
			if v.IsNil() {
				b.WriteString("nilp")
				return
			}
			id, seen := ident(canonKey{v.Pointer(), 0, v.Type()})
			b.WriteString("&" + id)
			if !seen {
				walk(v.Elem())
			}
		case reflect.Slice:
			if v.IsNil() {
				b.WriteString("nils")
				return
			}
			id, seen := ident(canonKey{v.Pointer(), v.Len(), v.Type()})
			b.WriteString("S" + id + "[")
			if !seen {
				for i := range v.Len() {
					walk(v.Index(i))
					b.WriteString(",")
				}
			}
			b.WriteString("]")
		case reflect.Map:
			if v.IsNil() {
				b.WriteString("nilm")
				return
			}
			id, seen := ident(canonKey{v.Pointer(), 0, v.Type()})
			b.WriteString("M" + id + "{")
			if !seen {
				keys := v.MapKeys()
				slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
				for _, k := range keys {
					b.WriteString(k.String() + ":")
					walk(v.MapIndex(k))
					b.WriteString(",")
				}
			}
			b.WriteString("}")
		case reflect.Struct:
			b.WriteString(v.Type().String() + "{")
			for i := range v.NumField() {
				walk(v.Field(i))
				b.WriteString(";")
			}
			b.WriteString("}")
		case reflect.Int:
			b.WriteString(strconv.FormatInt(v.Int(), 10))
		case reflect.String:
			b.WriteString(strconv.Quote(v.String()))
		case reflect.Chan, reflect.Func, reflect.UnsafePointer:
			b.WriteString(v.Type().String())
			if withAddr || v.Kind() == reflect.Chan {
				fmt.Fprintf(&b, "(%x)", v.Pointer())
			}
		default:
			fmt.Fprintf(&b, "%v", v.Kind())
		}
	}
	walk(reflect.ValueOf(&v).Elem())
	return b.String()
}

var fuzzSeeds = [][]byte{
	{},
	{0, 5},
	{1, 3},
	{2, 3, 0, 1, 1, 2, 0, 9},
	{3, 2, 0, 1, 4, 0, 1},
	{4, 0, 1, 11, 0},                    // pointer whose hidden field points back to itself
	{4, 2, 1, 11, 0, 11, 0},             // a slice holding the pointer twice
	{2, 2, 11, 0, 4, 0, 0, 8},           // slice containing itself, then a func
	{3, 1, 7},                           // map with a bad chan
	{5, 6, 10},                          // struct value with a good chan and a mutex
	{5, 9, 0, 3},                        // unsafe pointer in an exported field
	{4, 3, 2, 11, 1, 2, 1, 11, 0, 0, 4}, // map and slice aliases
	{12},
	{2, 0},
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
}

func FuzzShareabilityCheck(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, m := decodeGraph(data)
		before := canon(v, true)

		err := shareable.Check(v)
		wantOK := !reachable(m, func(k mkind) bool { return k.mutable() || k.forbidden() })
		if (err == nil) != wantOK {
			t.Fatalf("Check = %v, want ok=%v for %s", err, wantOK, canon(v, false))
		}
		if err != nil {
			var ie *shareable.IsolationError
			if !errors.As(err, &ie) || !errors.Is(err, shareable.ErrNotShareable) || ie.Reason == "" {
				t.Fatalf("Check error %#v", err)
			}
		}
		if again := shareable.Check(v); (again == nil) != (err == nil) {
			t.Fatalf("unstable verdict: %v then %v", err, again)
		}

		crossOK := !reachable(m, mkind.forbidden)
		fz, ferr := shareable.Freeze(v)
		if (ferr == nil) != crossOK {
			t.Fatalf("Freeze = %v, want ok=%v for %s", ferr, crossOK, canon(v, false))
		}
		if ferr == nil {
			if err := shareable.Check(fz); err != nil {
				t.Fatalf("Check(Freeze(v)) = %v", err)
			}
			if err := shareable.Check(fz.Value()); err != nil {
				t.Fatalf("Check(Freeze(v).Value()) = %v", err)
			}
			if again, err := shareable.Freeze(fz); err != nil || again != fz {
				t.Fatalf("Freeze not idempotent: %v", err)
			}
			_ = fz.String()
		}
		if after := canon(v, true); after != before {
			t.Fatalf("Check/Freeze changed the value:\nbefore %s\nafter  %s", before, after)
		}

		moved := v
		got, merr := shareable.MoveAny(&moved)
		if (merr == nil) != crossOK {
			t.Fatalf("MoveAny = %v, want ok=%v", merr, crossOK)
		}
		if merr == nil {
			if moved != nil {
				t.Fatalf("MoveAny left the variable set")
			}
			if canon(got, true) != before {
				t.Fatalf("MoveAny changed the value")
			}
		} else if canon(moved, true) != before {
			t.Fatalf("failed MoveAny changed the value")
		}
	})
}

func FuzzCopy(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, m := decodeGraph(data)
		before := canon(v, true)
		c, err := shareable.CopyAny(v)
		if after := canon(v, true); after != before {
			t.Fatalf("Copy changed the original (err=%v):\nbefore %s\nafter  %s", err, before, after)
		}
		wantOK := !reachable(m, mkind.forbidden)
		if (err == nil) != wantOK {
			t.Fatalf("CopyAny = %v, want ok=%v for %s", err, wantOK, canon(v, false))
		}
		if err != nil {
			if c != nil {
				t.Fatalf("failed copy returned %v", c)
			}
			var ie *shareable.IsolationError
			if !errors.As(err, &ie) || ie.Type == nil {
				t.Fatalf("Copy error %#v", err)
			}
			return
		}
		if got, want := canon(c, false), canon(v, false); got != want {
			t.Fatalf("copy not isomorphic to the original:\n got %s\nwant %s", got, want)
		}
		if shared := sharedMutable(v, c); len(shared) > 0 {
			t.Fatalf("copy shares mutable memory %v with the original", shared)
		}
		// Mutating the copy leaves the original unchanged.
		mutate(c)
		if after := canon(v, true); after != before {
			t.Fatalf("mutating the copy changed the original")
		}
	})
}

// mutate writes into every mutable node of v it can reach.
func mutate(v any) {
	seen := map[any]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			if len(x) == 0 || seen[&x[0]] {
				return
			}
			seen[&x[0]] = true
			for i := range x {
				walk(x[i])
				x[i] = -1
			}
		case map[string]any:
			if seen[reflect.ValueOf(x).Pointer()] {
				return
			}
			seen[reflect.ValueOf(x).Pointer()] = true
			for k, e := range x {
				walk(e)
				x[k] = -1
			}
			x["new"] = 1
		case *fnode:
			if seen[x] {
				return
			}
			seen[x] = true
			walk(x.Exported)
			walk(x.hidden)
			x.Exported, x.hidden = -1, -1
		case fval:
			walk(x.Exported)
			walk(x.hidden)
		}
	}
	walk(v)
}

// FuzzPass checks the send gate against Check and CopyAny: what Check
// accepts comes back as the very same value, what it refuses comes back as
// an isomorphic copy sharing no mutable memory, and what may never cross is
// refused with an *IsolationError.
func FuzzPass(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, m := decodeGraph(data)
		before := canon(v, true)
		got, err := shareable.Pass(v)
		if after := canon(v, true); after != before {
			t.Fatalf("Pass changed the original (err=%v)", err)
		}
		wantOK := !reachable(m, mkind.forbidden)
		if (err == nil) != wantOK {
			t.Fatalf("Pass = %v, want ok=%v for %s", err, wantOK, canon(v, false))
		}
		if err != nil {
			var ie *shareable.IsolationError
			if got != nil || !errors.As(err, &ie) || ie.Type == nil {
				t.Fatalf("Pass error %#v (value %v)", err, got)
			}
			return
		}
		if shareable.Check(v) == nil {
			if canon(got, true) != before {
				t.Fatalf("Pass of a shareable value did not return it by reference")
			}
			return
		}
		if g, w := canon(got, false), canon(v, false); g != w {
			t.Fatalf("copy not isomorphic to the original:\n got %s\nwant %s", g, w)
		}
		if shared := sharedMutable(v, got); len(shared) > 0 {
			t.Fatalf("copy shares mutable memory %v with the original", shared)
		}
		mutate(got)
		if after := canon(v, true); after != before {
			t.Fatalf("mutating the copy changed the original")
		}
	})
}
