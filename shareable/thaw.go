package shareable

import (
	"reflect"
	"unsafe"
)

var frozenType = reflect.TypeFor[Frozen]()

// Thaw returns a new, mutable deep copy of the value f was frozen from, of
// type f.Type(): Freeze's inverse, for a receiver that wants to change what
// it was sent (Ruby's dup of a frozen object). Nothing of the result is
// shared with f or with anything else, except leaves, which are immutable
// and kept as they are (strings, declared and registered types, another
// Frozen held in a field). It is nil for a nil Frozen.
//
// Freeze sees through pointers and interfaces, and Thaw rebuilds what the
// original types say: a field of type *T gets a new *T, two pointers that
// led to one object lead to one new object (cycles included), and a field
// of interface type holds the thawed value itself — where it held a *T, it
// now holds the T. An empty slice comes back nil; a nil map stays nil and an
// empty one empty.
func (f Frozen) Thaw() any {
	n, ok := f.v.(*node)
	if !ok {
		return f.v // nil or a leaf: immutable already
	}
	var th thawer
	v := reflect.New(n.t).Elem()
	th.fill(v, n)
	return v.Interface()
}

// thawer remembers the new object of every node a pointer led to, so that
// aliasing and cycles come back as they were.
type thawer struct {
	ptrs map[*node]reflect.Value // node -> *T of its new value
}

// into stores the thawed f in dst, which is settable.
func (th *thawer) into(dst reflect.Value, f Frozen) {
	if f.v == nil {
		return // the zero value: a nil pointer, interface, slice or map
	}
	t := dst.Type()
	if t == frozenType {
		dst.Set(reflect.ValueOf(f)) // a Frozen held in a field stays frozen
		return
	}
	n, isNode := f.v.(*node)
	if !isNode {
		if lv := reflect.ValueOf(f.v); lv.Type().AssignableTo(t) {
			dst.Set(lv) // a leaf of the field's type, or into an interface
			return
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		if isNode && n.t == t.Elem() {
			dst.Set(th.ptr(n))
			return
		}
		p := reflect.New(t.Elem()) // a pointer to a leaf, or to a pointer
		th.into(p.Elem(), f)
		dst.Set(p)
	case reflect.Interface:
		v := reflect.New(n.t).Elem() // only a node gets here: leaves assign
		th.fill(v, n)
		dst.Set(v)
	default:
		if !isNode { // a leaf of a convertible type; Freeze keeps types, so not expected
			dst.Set(reflect.ValueOf(f.v).Convert(t))
			return
		}
		th.fill(dst, n)
	}
}

// ptr returns the one new object of n, made and filled on first use.
func (th *thawer) ptr(n *node) reflect.Value {
	if p, ok := th.ptrs[n]; ok {
		return p
	}
	if th.ptrs == nil {
		th.ptrs = map[*node]reflect.Value{}
	}
	p := reflect.New(n.t)
	th.ptrs[n] = p // before filling: a cycle leads back here
	th.fill(p.Elem(), n)
	return p
}

// fill stores the thawed node n in dst, of type n.t and addressable.
func (th *thawer) fill(dst reflect.Value, n *node) {
	switch n.kind {
	case KindStruct:
		for i, f := range n.list.s {
			fv := dst.Field(i)
			if !fv.CanSet() { // unexported: the value is ours, being built
				fv = reflect.NewAt(fv.Type(), unsafe.Pointer(fv.UnsafeAddr())).Elem()
			}
			th.into(fv, f)
		}
	case KindList:
		if n.t.Kind() == reflect.Array {
			for i, e := range n.list.s {
				th.into(dst.Index(i), e)
			}
			return
		}
		if len(n.list.s) == 0 {
			return
		}
		s := reflect.MakeSlice(n.t, len(n.list.s), len(n.list.s))
		for i, e := range n.list.s {
			th.into(s.Index(i), e)
		}
		dst.Set(s)
	case KindMap:
		if n.m.m == nil {
			return // a nil map
		}
		m := reflect.MakeMapWithSize(n.t, len(n.m.keys))
		kt, et := n.t.Key(), n.t.Elem()
		for i, k := range n.m.keys {
			kv, ev := reflect.New(kt).Elem(), reflect.New(et).Elem()
			th.into(kv, Frozen{k})
			th.into(ev, n.m.vals[i])
			m.SetMapIndex(kv, ev)
		}
		dst.Set(m)
	}
}
