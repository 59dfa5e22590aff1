package shareable

import (
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"
	"unsafe"
)

// Frozen is a deep, immutable snapshot of a value graph, built once by
// Freeze. It is shared by reference between actors: Check on it is a cache
// hit and sending it costs what sending an int costs. Readers reach the data
// without copying, and nothing in its API can change it or returns a
// reference into mutable memory.
//
// A Frozen is one of:
//
//   - nil (the zero Frozen; a nil pointer or interface froze to it);
//   - a leaf: a value that was already shareable (numbers, strings, structs
//     of them, time.Time, error values with an immutable graph, declared and
//     registered types, another Frozen's leaves...), kept as it was;
//   - a list (from a slice or an array), a map, or a struct view.
//
// Pointers and interfaces are transparent: a *T freezes to the frozen T, and
// two pointers to one object freeze to one node, so aliasing and cycles are
// kept. A Frozen is safe for concurrent use.
type Frozen struct {
	v any // nil, a leaf value, or *node
}

// ShareableByReference marks Frozen as shareable: see Declared.
func (Frozen) ShareableByReference() {}

// Kind says what a Frozen holds.
type Kind uint8

// The kinds of Frozen.
const (
	KindNil Kind = iota
	KindLeaf
	KindList
	KindMap
	KindStruct
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindNil:
		return "nil"
	case KindLeaf:
		return "leaf"
	case KindList:
		return "list"
	case KindMap:
		return "map"
	case KindStruct:
		return "struct"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// node is a frozen container. It is written only while Freeze builds it and
// only read once Freeze has returned.
type node struct {
	kind  Kind
	t     reflect.Type // the original slice, array, map or struct type
	list  List[Frozen]
	m     Map[any, Frozen]
	names []string // struct field names, in declaration order
	index map[string]int
}

// Struct is a frozen struct: its fields, by name or position, as Frozen
// values. It is safe for concurrent use.
type Struct struct {
	n *node
}

// ShareableByReference marks Struct as shareable: see Declared.
func (Struct) ShareableByReference() {}

// Freeze builds a deep, immutable snapshot of v: maps become Map nodes,
// slices and arrays List nodes, structs Struct views with fields by name,
// pointers and interfaces are followed, and values that are already
// shareable are kept as leaves. v itself is only read, and nothing of it that
// is mutable is retained.
//
// Freeze fails with an *IsolationError naming the part when v holds
// something that may never cross (a func, a chan of a non-shareable element,
// an unsafe.Pointer, a sync value, an OS resource...); v is unchanged either
// way. Freezing a Frozen returns it unchanged.
func Freeze(v any) (Frozen, error) {
	if f, ok := v.(Frozen); ok {
		return f, nil
	}
	if v == nil {
		return Frozen{}, nil
	}
	ti := infoOf(reflect.TypeOf(v))
	p := efaceData(&v, ti)
	var fz freezer
	out, ok := fz.run(ti, p)
	if !ok {
		return Frozen{}, crossError(ti, p, fz.bad)
	}
	return out, nil
}

// MustFreeze is like Freeze but panics on error; for package initialization.
func MustFreeze(v any) Frozen {
	f, err := Freeze(v)
	if err != nil {
		panic(err)
	}
	return f
}

type freezer struct {
	stack []ftask
	alias map[aliasKey]freezeAlias
	bad   *tinfo
}

type freezeAlias struct {
	f   Frozen
	len int
}

// ftask is "freeze the value of type ti at p into *dst" or, when m is set,
// "fill the map node m from the map at p".
type ftask struct {
	p   unsafe.Pointer
	ti  *tinfo
	dst *Frozen
	m   *node
}

func (fz *freezer) run(ti *tinfo, p unsafe.Pointer) (Frozen, bool) {
	out, ok := fz.value(ti, p)
	for ok && len(fz.stack) > 0 {
		t := fz.stack[len(fz.stack)-1]
		fz.stack = fz.stack[:len(fz.stack)-1]
		if t.m != nil {
			ok = fz.fillMap(t.m, t.ti, t.p)
		} else {
			*t.dst, ok = fz.value(t.ti, t.p)
		}
	}
	return out, ok
}

func (fz *freezer) remember(k aliasKey, f Frozen, n int) {
	if fz.alias == nil {
		fz.alias = map[aliasKey]freezeAlias{}
	}
	fz.alias[k] = freezeAlias{f, n}
}

// value returns the Frozen for the value of type ti at p. It creates at most
// one node and queues the node's parts; pointers and interfaces are followed
// in a loop.
func (fz *freezer) value(ti *tinfo, p unsafe.Pointer) (Frozen, bool) {
	var chain []aliasKey // pointers followed to get here
	done := func(f Frozen) (Frozen, bool) {
		for _, k := range chain {
			fz.remember(k, f, 0)
		}
		return f, true
	}
	for {
		switch ti.verdict {
		case vShare:
			return done(leaf(ti, p))
		case vForbid:
			fz.bad = ti
			return Frozen{}, false
		}
		if ti.nilOnly {
			if *(*unsafe.Pointer)(p) == nil {
				return done(leaf(ti, p))
			}
			fz.bad = ti
			return Frozen{}, false
		}
		if ti.isErr && errShareable(ti, p) {
			return done(leaf(ti, p))
		}
		switch ti.kind {
		case reflect.Pointer:
			q := *(*unsafe.Pointer)(p)
			if q == nil {
				return done(Frozen{})
			}
			k := aliasKey{q, ti.elem}
			if a, ok := fz.alias[k]; ok {
				return done(a.f)
			}
			for _, c := range chain {
				if c == k { // a cycle of bare pointers
					return done(Frozen{})
				}
			}
			chain = append(chain, k)
			ti, p = ti.elem, q
			continue
		case reflect.Interface:
			rt := dynamicRtype(p, ti.empty)
			if rt == nil {
				return done(Frozen{})
			}
			dti := infoOf(typeOfRtype(rt))
			q := unsafe.Add(p, unsafe.Sizeof(uintptr(0)))
			if !dti.direct {
				q = *(*unsafe.Pointer)(q)
			}
			ti, p = dti, q
			continue
		case reflect.Struct:
			n := &node{kind: KindStruct, t: ti.t, names: make([]string, len(ti.all)), index: make(map[string]int, len(ti.all))}
			fields := make([]Frozen, len(ti.all))
			n.list = List[Frozen]{s: fields}
			for i := len(ti.all) - 1; i >= 0; i-- {
				f := &ti.all[i]
				n.names[i] = f.name
				n.index[f.name] = i
				fz.stack = append(fz.stack, ftask{p: unsafe.Add(p, f.off), ti: f.ti, dst: &fields[i]})
			}
			return done(Frozen{n})
		case reflect.Array:
			return done(fz.list(ti, p, ti.length))
		case reflect.Slice:
			h := (*sliceHeader)(p)
			k := aliasKey{h.data, ti.elem}
			if h.data != nil {
				if a, ok := fz.alias[k]; ok && a.len == h.len {
					return done(a.f)
				}
			}
			f := fz.list(ti, h.data, h.len)
			if h.data != nil {
				fz.remember(k, f, h.len)
			}
			return done(f)
		case reflect.Map:
			m := *(*unsafe.Pointer)(p)
			k := aliasKey{m, ti}
			if m != nil {
				if a, ok := fz.alias[k]; ok {
					return done(a.f)
				}
			}
			n := &node{kind: KindMap, t: ti.t}
			f := Frozen{n}
			if m != nil {
				fz.remember(k, f, 0)
			}
			if m != nil {
				fz.stack = append(fz.stack, ftask{p: p, ti: ti, m: n})
			}
			return done(f)
		}
		// unreachable: every other kind has a type verdict
		fz.bad = ti
		return Frozen{}, false
	}
}

func (fz *freezer) list(ti *tinfo, data unsafe.Pointer, n int) Frozen {
	nd := &node{kind: KindList, t: ti.t}
	elems := make([]Frozen, n)
	nd.list = List[Frozen]{s: elems}
	for i := n - 1; i >= 0; i-- {
		fz.stack = append(fz.stack, ftask{p: unsafe.Add(data, uintptr(i)*ti.elem.size), ti: ti.elem, dst: &elems[i]})
	}
	return Frozen{nd}
}

// fillMap fills the map node n from the map at p. Keys and values are turned
// into Frozen values at once (value creates at most one node and queues its
// parts), so nested maps are filled by later tasks, not by recursion.
func (fz *freezer) fillMap(n *node, ti *tinfo, p unsafe.Pointer) bool {
	mv := reflect.NewAt(ti.t, p).Elem()
	out := make(map[any]Frozen, mv.Len())
	keys := make([]any, 0, mv.Len())
	vals := make([]Frozen, 0, mv.Len())
	kp, vp := reflect.New(ti.key.t), reflect.New(ti.elem.t)
	it := mv.MapRange()
	for it.Next() {
		if ti.key.verdict != vShare {
			kp = reflect.New(ti.key.t) // may be retained by a node
		}
		if ti.elem.verdict != vShare {
			vp = reflect.New(ti.elem.t)
		}
		kp.Elem().SetIterKey(it)
		vp.Elem().SetIterValue(it)
		var key any
		if ti.key.verdict == vShare {
			key = kp.Elem().Interface()
		} else {
			kf, ok := fz.value(ti.key, kp.UnsafePointer())
			if !ok {
				return false
			}
			key = kf.v // a leaf value or a *node: comparable either way
		}
		val, ok := fz.value(ti.elem, vp.UnsafePointer())
		if !ok {
			return false
		}
		if _, dup := out[key]; dup {
			// Two original keys froze to one key: the later value wins,
			// as in a Go map.
			vals[slices.Index(keys, key)] = val
		} else {
			// A NaN key is never a duplicate: every NaN entry is kept.
			keys = append(keys, key)
			vals = append(vals, val)
		}
		out[key] = val
	}
	sortEntries(keys, vals)
	n.m = Map[any, Frozen]{m: out, keys: keys, vals: vals}
	return true
}

// leaf returns the shareable value of type ti at p as a leaf.
func leaf(ti *tinfo, p unsafe.Pointer) Frozen {
	v := reflect.NewAt(ti.t, p).Elem().Interface()
	if f, ok := v.(Frozen); ok {
		return f
	}
	return Frozen{v}
}

// Kind reports what f holds.
func (f Frozen) Kind() Kind {
	switch v := f.v.(type) {
	case nil:
		return KindNil
	case *node:
		return v.kind
	}
	return KindLeaf
}

// IsNil reports whether f is the zero Frozen.
func (f Frozen) IsNil() bool { return f.v == nil }

// Type returns the type f was frozen from: the leaf's type, or the original
// slice, array, map or struct type of a node. It is nil for a nil Frozen.
func (f Frozen) Type() reflect.Type {
	if n, ok := f.v.(*node); ok {
		return n.t
	}
	return reflect.TypeOf(f.v)
}

// Value returns what f holds, always shareable: a leaf's value, a List[Frozen]
// for a list, a Map[any, Frozen] for a map, a Struct for a struct, and nil
// for a nil Frozen.
func (f Frozen) Value() any {
	n, ok := f.v.(*node)
	if !ok {
		return f.v
	}
	switch n.kind {
	case KindList:
		return n.list
	case KindMap:
		return n.m
	}
	return Struct{n}
}

// As returns the leaf value of f as a T, and whether f is a leaf holding a T.
func As[T any](f Frozen) (T, bool) {
	if _, isNode := f.v.(*node); !isNode {
		v, ok := f.v.(T)
		return v, ok
	}
	var zero T
	return zero, false
}

// List returns the elements of a list node.
func (f Frozen) List() (List[Frozen], bool) {
	if n, ok := f.v.(*node); ok && n.kind == KindList {
		return n.list, true
	}
	return List[Frozen]{}, false
}

// Map returns the entries of a map node. Keys that were shareable are stored
// as they were; other keys are stored as the Value of their frozen form
// (nodes are compared by identity).
func (f Frozen) Map() (Map[any, Frozen], bool) {
	if n, ok := f.v.(*node); ok && n.kind == KindMap {
		return n.m, true
	}
	return Map[any, Frozen]{}, false
}

// Struct returns the fields of a struct node.
func (f Frozen) Struct() (Struct, bool) {
	if n, ok := f.v.(*node); ok && n.kind == KindStruct {
		return Struct{n}, true
	}
	return Struct{}, false
}

// Len returns the number of elements of a list, entries of a map or fields of
// a struct, and 0 for a leaf or nil.
func (f Frozen) Len() int {
	n, ok := f.v.(*node)
	if !ok {
		return 0
	}
	if n.kind == KindMap {
		return n.m.Len()
	}
	return n.list.Len()
}

// Index returns the i'th element of a list. It panics if f is not a list or i
// is out of range.
func (f Frozen) Index(i int) Frozen {
	l, ok := f.List()
	if !ok {
		panic("shareable: Index of a frozen " + f.Kind().String())
	}
	return l.At(i)
}

// Get returns the value stored under key in a map node, and whether it is
// there. It reports false when f is not a map.
func (f Frozen) Get(key any) (Frozen, bool) {
	m, ok := f.Map()
	if !ok {
		return Frozen{}, false
	}
	return m.Get(key)
}

// Field returns the named field of a struct node, and whether it exists. It
// reports false when f is not a struct view.
func (f Frozen) Field(name string) (Frozen, bool) {
	s, ok := f.Struct()
	if !ok {
		return Frozen{}, false
	}
	return s.Field(name)
}

// Lookup follows a path of map keys (any), list indexes (int) and field names
// (string) from f, reporting false as soon as a step does not apply.
func (f Frozen) Lookup(path ...any) (Frozen, bool) {
	for _, step := range path {
		switch f.Kind() {
		case KindList:
			i, ok := step.(int)
			if !ok || i < 0 || i >= f.Len() {
				return Frozen{}, false
			}
			f = f.Index(i)
		case KindMap:
			v, ok := f.Get(step)
			if !ok {
				return Frozen{}, false
			}
			f = v
		case KindStruct:
			name, ok := step.(string)
			if !ok {
				return Frozen{}, false
			}
			if f, ok = f.Field(name); !ok {
				return Frozen{}, false
			}
		default:
			return Frozen{}, false
		}
	}
	return f, true
}

// String renders f like fmt's %v of the original value: lists as [a b],
// maps as map[k:v], structs as {a b}. Leaves are formatted with fmt; cycles
// print as <cycle>.
func (f Frozen) String() string {
	var b strings.Builder
	f.format(&b, map[*node]bool{})
	return b.String()
}

func (f Frozen) format(b *strings.Builder, open map[*node]bool) {
	n, ok := f.v.(*node)
	if !ok {
		if f.v == nil {
			b.WriteString("<nil>")
			return
		}
		fmt.Fprint(b, f.v)
		return
	}
	if open[n] {
		b.WriteString("<cycle>")
		return
	}
	open[n] = true
	defer delete(open, n)
	switch n.kind {
	case KindList:
		b.WriteByte('[')
		for i, e := range n.list.All() {
			if i > 0 {
				b.WriteByte(' ')
			}
			e.format(b, open)
		}
		b.WriteByte(']')
	case KindMap:
		b.WriteString("map[")
		i := 0
		for k, v := range n.m.All() {
			if i > 0 {
				b.WriteByte(' ')
			}
			i++
			if kn, ok := k.(*node); ok {
				Frozen{kn}.format(b, open)
			} else {
				fmt.Fprint(b, k)
			}
			b.WriteByte(':')
			v.format(b, open)
		}
		b.WriteByte(']')
	case KindStruct:
		b.WriteByte('{')
		for i, e := range n.list.All() {
			if i > 0 {
				b.WriteByte(' ')
			}
			e.format(b, open)
		}
		b.WriteByte('}')
	}
}

// Type returns the original struct type.
func (s Struct) Type() reflect.Type {
	if s.n == nil {
		return nil
	}
	return s.n.t
}

// NumField returns the number of fields.
func (s Struct) NumField() int {
	if s.n == nil {
		return 0
	}
	return s.n.list.Len()
}

// Field returns the named field (exported or not) and whether it exists.
func (s Struct) Field(name string) (Frozen, bool) {
	if s.n == nil {
		return Frozen{}, false
	}
	i, ok := s.n.index[name]
	if !ok {
		return Frozen{}, false
	}
	return s.n.list.At(i), true
}

// FieldAt returns the i'th field. It panics if i is out of range.
func (s Struct) FieldAt(i int) Frozen { return s.n.list.At(i) }

// All iterates over the field names and values in declaration order.
func (s Struct) All() iter.Seq2[string, Frozen] {
	return func(yield func(string, Frozen) bool) {
		if s.n == nil {
			return
		}
		for i, f := range s.n.list.All() {
			if !yield(s.n.names[i], f) {
				return
			}
		}
	}
}
