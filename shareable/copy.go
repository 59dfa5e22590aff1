package shareable

import (
	"fmt"
	"reflect"
	"unsafe"
)

// Copy returns a deep copy of v that shares no mutable memory with it: new
// backing arrays, new maps and new pointees. Aliasing is kept (two pointers to
// one object point to one copy; two slices starting at the same element of one
// backing array stay aliased) and so are cycles. Unexported fields are copied.
// Parts that may be shared by reference (see Check) are shared, not copied:
// strings, chans of shareable values, declared and registered types, frozen
// values, and error values whose graph is immutable, so errors.Is keeps
// working on the copy.
//
// If v holds something that cannot be copied (a func, an unsafe.Pointer, a
// chan of a non-shareable element, a sync or sync/atomic value, an os.File, a
// net connection, a reflect.Value...), Copy returns the zero T and an error of
// type *IsolationError naming the part. Copy never modifies v, whether it
// succeeds or fails, and never calls v's methods.
func Copy[T any](v T) (T, error) {
	ti := infoOf(reflect.TypeFor[T]())
	if ti.verdict == vShare {
		return v, nil
	}
	out := v // shallow; the copier replaces every reference to mutable memory
	var c copier
	if !c.run(ti, unsafe.Pointer(&out)) {
		var zero T
		return zero, c.crossError(ti, unsafe.Pointer(&v))
	}
	return out, nil
}

// CopyAny is Copy for a value held in an interface: it copies the dynamic
// value and returns it in a new interface. A value whose type is shareable
// (see CheckType) is returned as it is, with no walk and no allocation.
// Pass is the send gate built on it.
func CopyAny(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	e := (*eface)(unsafe.Pointer(&v))
	ti := infoOf(typeOfRtype(e.word0))
	switch ti.verdict {
	case vShare:
		return v, nil
	case vForbid:
		return nil, checkSlow(v, ti)
	}
	if ti.kind == reflect.Slice && ti.elem.noptr && !ti.isErr {
		h := (*sliceHeader)(e.data)
		if h.data == nil || h.cap == 0 {
			return v, nil
		}
		return boxSlice(e.word0, sliceHeader{copyArray(ti.elem, h.data, h.cap), h.len, h.cap}), nil
	}
	return copyDynamic(v, ti)
}

// copyArray returns a new backing array holding a copy of the n elements of
// type et at src. Pointer-free elements are copied with one allocation that
// is not cleared first and one memmove; others with typed copies (write
// barriers).
func copyArray(et *tinfo, src unsafe.Pointer, n int) unsafe.Pointer {
	if et.noptr {
		size := uintptr(n) * et.size
		dst := mallocgc(size, et.rt, false)
		copy(unsafe.Slice((*byte)(dst), size), unsafe.Slice((*byte)(src), size))
		return dst
	}
	dst := unsafe_NewArray(et.rt, n)
	typedslicecopy(et.rt, sliceHeader{dst, n, n}, sliceHeader{src, n, n})
	return dst
}

// crossError builds the *IsolationError for a value of type ti at p that the
// copier could not copy, found by a walk that keeps paths.
func (c *copier) crossError(ti *tinfo, p unsafe.Pointer) error {
	if c.badErr != nil {
		return &IsolationError{Root: rootType(ti, p), Type: c.bad.t, Reason: "its registered copier failed: " + c.badErr.Error()}
	}
	return crossError(ti, p, c.bad)
}

// crossError builds the *IsolationError for a value of type ti at p that may
// not cross, found by a walk that keeps paths; bad is the type the copy or
// freeze stopped at.
func crossError(ti *tinfo, p unsafe.Pointer, bad *tinfo) error {
	if err := checkAt(ti, p, modeCross); err != nil {
		return err
	}
	// The walk found nothing the copier refused: report what the copier saw.
	e := &IsolationError{Root: rootType(ti, p), Reason: "value is not shareable"}
	if bad != nil {
		e.Type, e.Reason = bad.badType, bad.reason
	}
	return e
}

// rootType is the type of the value of type ti at p, dynamic for an
// interface.
func rootType(ti *tinfo, p unsafe.Pointer) reflect.Type {
	if ti.kind == reflect.Interface {
		if rt := dynamicRtype(p, ti.empty); rt != nil {
			return typeOfRtype(rt)
		}
	}
	return ti.t
}

// copier deep-copies in place: the memory it is given holds a shallow copy
// whose references still point into the original graph, and fix replaces
// each reference to mutable memory with a reference to a fresh copy. Fresh
// memory is itself a shallow copy and is queued for fixing. The original is
// only read, so a failed copy changes nothing.
type copier struct {
	stack []cframe
	// alias maps an original object (address and type) to its copy. The
	// first entry lives inline so that copying one slice allocates no map.
	one      aliasKey
	oneVal   aliasVal
	hasOne   bool
	alias    map[unsafe.Pointer]aliasEntry // by address: the common case, hashed fast
	aliasAll map[aliasKey]aliasVal         // second object type at an address already in alias
	sizeHint int
	pending  []mapInsert
	bad      *tinfo // the type that made the copy fail
	badErr   error  // the error of bad's registered copier
	depth    int    // nesting of inline fixes through references, kept below maxInline
}

// maxInline bounds how deep fix follows references by recursion before it
// queues them instead: shallow graphs avoid the queue, deep ones cannot
// overflow the goroutine stack.
const maxInline = 16

type aliasKey struct {
	p  unsafe.Pointer
	ti *tinfo
}

type aliasVal struct {
	p   unsafe.Pointer
	cap int
}

type aliasEntry struct {
	ti *tinfo
	aliasVal
}

// cframe is either "fix the value of type ti at p" or, when ins >= 0,
// "insert pending[ins] into its map" (queued below the fixes of its key and
// value, so it runs after them).
type cframe struct {
	p   unsafe.Pointer
	ti  *tinfo
	ins int
}

type mapInsert struct {
	m, k, v reflect.Value
}

func (c *copier) lookup(k aliasKey) (aliasVal, bool) {
	if c.hasOne && c.one == k {
		return c.oneVal, true
	}
	if c.alias != nil {
		if e, ok := c.alias[k.p]; ok {
			if e.ti == k.ti {
				return e.aliasVal, true
			}
			v, ok := c.aliasAll[k]
			return v, ok
		}
	}
	return aliasVal{}, false
}

func (c *copier) record(k aliasKey, v aliasVal) {
	if !c.hasOne || c.one == k {
		c.one, c.oneVal, c.hasOne = k, v, true
		return
	}
	if c.alias == nil {
		c.alias = make(map[unsafe.Pointer]aliasEntry, max(8, c.sizeHint))
	}
	if e, ok := c.alias[k.p]; ok && e.ti != k.ti {
		// Another object type at the same address (a struct and its first
		// field, an array and its first element).
		if c.aliasAll == nil {
			c.aliasAll = map[aliasKey]aliasVal{}
		}
		c.aliasAll[k] = v
		return
	}
	c.alias[k.p] = aliasEntry{k.ti, v}
}

func (c *copier) run(ti *tinfo, p unsafe.Pointer) bool {
	if !c.fix(ti, p) {
		return false
	}
	for len(c.stack) > 0 {
		f := c.stack[len(c.stack)-1]
		c.stack = c.stack[:len(c.stack)-1]
		if f.ti == nil {
			in := c.pending[f.ins]
			in.m.SetMapIndex(in.k, in.v)
			c.pending[f.ins] = mapInsert{}
			continue
		}
		if !c.fix(f.ti, f.p) {
			return false
		}
	}
	return true
}

func (c *copier) fail(ti *tinfo) bool {
	c.bad = ti
	return false
}

// custom replaces the value of type ti at p with what its registered copier
// returns. Two references to one object get one copy.
func (c *copier) custom(ti *tinfo, p unsafe.Pointer) bool {
	if isNilRef(ti, p) {
		return true
	}
	var k aliasKey
	if ti.kind == reflect.Pointer || ti.kind == reflect.Map {
		k = aliasKey{*(*unsafe.Pointer)(p), ti}
		if v, ok := c.lookup(k); ok {
			*(*unsafe.Pointer)(p) = v.p
			return true
		}
	}
	dst := reflect.NewAt(ti.t, p).Elem()
	out, err := ti.copyFn(dst.Interface())
	if err == nil && (out == nil || reflect.TypeOf(out) != ti.t) {
		err = fmt.Errorf("copier returned %T for %v", out, ti.t)
	}
	if err != nil {
		c.bad, c.badErr = ti, err
		return false
	}
	dst.Set(reflect.ValueOf(out))
	if k.p != nil {
		c.record(k, aliasVal{p: *(*unsafe.Pointer)(p)})
	}
	return true
}

// isNilRef reports whether the value of type ti at p is a nil pointer, map,
// slice, chan, func or interface.
func isNilRef(ti *tinfo, p unsafe.Pointer) bool {
	switch ti.kind {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Slice, reflect.Interface:
		return *(*unsafe.Pointer)(p) == nil
	}
	return false
}

// fix makes the value of type ti at p independent of the original. It
// recurses only into values stored inline (struct fields, array elements), so
// its depth is bounded by the type's nesting; memory reached through
// references is queued.
func (c *copier) fix(ti *tinfo, p unsafe.Pointer) bool {
	switch ti.verdict {
	case vShare:
		return true
	case vForbid:
		return c.fail(ti)
	}
	if ti.nilOnly {
		return *(*unsafe.Pointer)(p) == nil || c.fail(ti)
	}
	if ti.copyFn != nil {
		return c.custom(ti, p)
	}
	if ti.isErr && errShareable(ti, p) {
		return true
	}
	switch ti.kind {
	case reflect.Struct:
		for i := range ti.fields {
			fi := &ti.fields[i]
			if !c.fix(fi.ti, unsafe.Add(p, fi.off)) {
				return false
			}
		}
	case reflect.Array:
		for i := range ti.length {
			if !c.fix(ti.elem, unsafe.Add(p, uintptr(i)*ti.elem.size)) {
				return false
			}
		}
	case reflect.Pointer:
		q := *(*unsafe.Pointer)(p)
		if q == nil {
			return true
		}
		et := ti.elem
		if et.verdict == vForbid {
			return c.fail(et)
		}
		k := aliasKey{q, et}
		if v, ok := c.lookup(k); ok {
			*(*unsafe.Pointer)(p) = v.p
			return true
		}
		n := unsafe_New(et.rt)
		typedmemmove(et.rt, n, q)
		c.record(k, aliasVal{p: n})
		*(*unsafe.Pointer)(p) = n
		if et.verdict != vShare {
			return c.fixRef(et, n)
		}
	case reflect.Slice:
		h := (*sliceHeader)(p)
		if h.data == nil || h.cap == 0 {
			return true
		}
		et := ti.elem
		if et.verdict == vForbid {
			return c.fail(et)
		}
		k := aliasKey{h.data, et}
		if v, ok := c.lookup(k); ok && v.cap >= h.cap {
			h.data = v.p
			return true
		}
		n := copyArray(et, h.data, h.cap)
		c.record(k, aliasVal{p: n, cap: h.cap})
		h.data = n
		if et.verdict != vShare {
			c.sizeHint += h.cap
			if c.depth < maxInline {
				c.depth++
				for i := range h.cap {
					if !c.fix(et, unsafe.Add(n, uintptr(i)*et.size)) {
						return false
					}
				}
				c.depth--
				return true
			}
			for i := h.cap - 1; i >= 0; i-- {
				c.stack = append(c.stack, cframe{p: unsafe.Add(n, uintptr(i)*et.size), ti: et})
			}
		}
	case reflect.Map:
		m := *(*unsafe.Pointer)(p)
		if m == nil {
			return true
		}
		k := aliasKey{m, ti}
		if v, ok := c.lookup(k); ok {
			*(*unsafe.Pointer)(p) = v.p
			return true
		}
		if ti.key.verdict == vForbid {
			return c.fail(ti.key)
		}
		if ti.elem.verdict == vForbid {
			return c.fail(ti.elem)
		}
		orig := reflect.NewAt(ti.t, p).Elem()
		nm := reflect.MakeMapWithSize(ti.t, orig.Len())
		it := orig.MapRange()
		simple := ti.key.verdict == vShare && ti.elem.verdict == vShare
		kt, vt := ti.key.t, ti.elem.t
		var kv, vv reflect.Value
		if simple {
			kv, vv = reflect.New(kt).Elem(), reflect.New(vt).Elem()
		}
		for it.Next() {
			if simple {
				kv.SetIterKey(it)
				vv.SetIterValue(it)
				nm.SetMapIndex(kv, vv)
				continue
			}
			kn, vn := reflect.New(kt), reflect.New(vt)
			kn.Elem().SetIterKey(it)
			vn.Elem().SetIterValue(it)
			c.pending = append(c.pending, mapInsert{nm, kn.Elem(), vn.Elem()})
			c.stack = append(c.stack, cframe{ins: len(c.pending) - 1})
			if ti.key.verdict != vShare {
				c.stack = append(c.stack, cframe{p: kn.UnsafePointer(), ti: ti.key})
			}
			if ti.elem.verdict != vShare {
				c.stack = append(c.stack, cframe{p: vn.UnsafePointer(), ti: ti.elem})
			}
		}
		np := nm.UnsafePointer()
		c.record(k, aliasVal{p: np})
		*(*unsafe.Pointer)(p) = np
	case reflect.Interface:
		rt := dynamicRtype(p, ti.empty)
		if rt == nil {
			return true
		}
		dti := infoOf(typeOfRtype(rt))
		switch dti.verdict {
		case vShare:
			return true
		case vForbid:
			return c.fail(dti)
		}
		data := unsafe.Add(p, unsafe.Sizeof(uintptr(0)))
		if dti.direct {
			// The data word is the (pointer-shaped) value itself.
			return c.fix(dti, data)
		}
		if dti.isErr && errShareable(dti, *(*unsafe.Pointer)(data)) {
			return true
		}
		// Interface boxes are immutable and may be shared: give the copy its
		// own box before fixing the value inside it.
		n := unsafe_New(dti.rt)
		typedmemmove(dti.rt, n, *(*unsafe.Pointer)(data))
		*(*unsafe.Pointer)(data) = n
		return c.fixRef(dti, n)
	}
	return true
}

// fixRef fixes the new copy n of type ti, reached through a reference:
// by recursion while the graph is shallow, on the queue below maxInline.
func (c *copier) fixRef(ti *tinfo, n unsafe.Pointer) bool {
	if c.depth < maxInline {
		c.depth++
		ok := c.fix(ti, n)
		c.depth--
		return ok
	}
	c.stack = append(c.stack, cframe{p: n, ti: ti})
	return true
}
