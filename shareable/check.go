package shareable

import (
	"reflect"
	"unsafe"
)

// Check reports whether v may be shared by reference between actors: it
// returns nil when v is deeply immutable (scalars, strings, structs and arrays
// of them, chans of shareable values, nil funcs, nil chans and nil
// unsafe.Pointers, error values whose graph is immutable)
// or declared shareable (Declared, Register, Frozen values and the immutable
// containers). Otherwise the error is of type *IsolationError and names the
// first part that prevents sharing; its reason says whether the part is
// mutable (copy, move or freeze the value) or may never cross at all.
// Check(nil) is nil.
//
// Check never modifies v and never calls its methods. Its verdict for types
// whose values are all shareable is cached, so checking them costs a map
// lookup.
func Check(v any) error {
	if v == nil {
		return nil
	}
	ti := infoOf(reflect.TypeOf(v))
	if ti.verdict == vShare {
		return nil
	}
	return checkSlow(v, ti)
}

// checkSlow is apart from Check so that only the slow path makes v escape.
func checkSlow(v any, ti *tinfo) error {
	return checkAt(ti, efaceData(&v, ti), modeShare)
}

// Shareable reports whether Check(v) is nil.
func Shareable(v any) bool { return Check(v) == nil }

// CheckType reports whether every value of type t may be shared by reference:
// nil when the type alone guarantees it. For types whose verdict depends on
// the value (pointers, slices, maps, interfaces, and structs holding them) the
// error says so; for types that may never cross, it names the part.
func CheckType(t reflect.Type) error {
	if t == nil {
		return nil
	}
	ti := infoOf(t)
	switch ti.verdict {
	case vShare:
		return nil
	case vForbid:
		return &IsolationError{Root: t, Path: ti.badPath, Type: ti.badType, Reason: ti.reason}
	}
	if ti.nilOnly {
		return &IsolationError{Root: t, Type: t, Reason: "shareability depends on the value: only a nil " + kindWord(ti) + " crosses (" + ti.reason + ")"}
	}
	return &IsolationError{Root: t, Type: t, Reason: "shareability depends on the value: " + kindWord(ti) + " may hold mutable memory"}
}

// efaceData returns the address of the dynamic value stored in *v.
func efaceData(v *any, ti *tinfo) unsafe.Pointer {
	e := (*eface)(unsafe.Pointer(v))
	if ti.direct {
		return unsafe.Pointer(&e.data)
	}
	return e.data
}

type walkMode uint8

const (
	modeShare walkMode = iota // Check: anything mutable fails
	modeCross                 // Copy/Move: only what may never cross fails
	modeNode                  // node.Send and friends: what cannot be encoded fails (node.go)
)

// checkAt walks the value of type ti at p and returns the first violation.
// The fast walk keeps no paths; when it finds a violation the walk is redone
// with paths so the error can name the part.
func checkAt(ti *tinfo, p unsafe.Pointer, mode walkMode) error {
	w := walker{mode: mode}
	if w.run(ti, p) {
		return nil
	}
	if mode == modeShare && ti.nilParts {
		// A part that may never cross (a non-nil func...) says more than
		// a mutable one that could be copied: look for it first.
		if err := checkAt(ti, p, modeCross); err != nil {
			return err
		}
	}
	w = walker{mode: mode, track: true}
	w.run(ti, p)
	return w.err
}

// wframe is one pending part of the walk.
type wframe struct {
	p     unsafe.Pointer
	ti    *tinfo
	err   bool  // inside an error value: pointers are followed, not mutable
	depth int32 // modeNode: nesting from the root
	path  *pathNode
}

type visitKey struct {
	p  unsafe.Pointer
	ti *tinfo
	n  int
}

type walker struct {
	mode  walkMode
	track bool
	stack []wframe
	seen  map[visitKey]struct{}
	root  reflect.Type
	err   *IsolationError
	// onpath holds, in modeNode, the objects on the path to the frame
	// being walked, in w.seen as well.
	onpath []onPath
}

// visit reports whether (p, ti, n) is new and marks it.
func (w *walker) visit(p unsafe.Pointer, ti *tinfo, n int) bool {
	k := visitKey{p, ti, n}
	if w.seen == nil {
		w.seen = map[visitKey]struct{}{}
	} else if _, ok := w.seen[k]; ok {
		return false
	}
	w.seen[k] = struct{}{}
	return true
}

func (w *walker) childField(f *wframe, name string) *pathNode {
	if !w.track {
		return nil
	}
	return &pathNode{parent: f.path, seg: "." + name}
}

func (w *walker) childIndex(f *wframe, i int) *pathNode {
	if !w.track {
		return nil
	}
	return &pathNode{parent: f.path, seg: indexSeg(i)}
}

func (w *walker) fail(f *wframe, extra string, part reflect.Type, reason string) bool {
	if w.track {
		w.err = &IsolationError{Root: w.root, Path: f.path.String() + extra, Type: part, Reason: reason}
	}
	return false
}

func kindWord(ti *tinfo) string {
	switch ti.kind {
	case reflect.Pointer:
		return "pointer"
	case reflect.Slice:
		return "slice"
	case reflect.Map:
		return "map"
	case reflect.Interface:
		return "interface"
	case reflect.Func:
		return "func"
	case reflect.Chan:
		return "chan"
	case reflect.UnsafePointer:
		return "unsafe.Pointer"
	}
	return "value"
}

func (w *walker) mutable(f *wframe) bool {
	return w.fail(f, "", f.ti.t, kindWord(f.ti)+" is mutable: copy, move or freeze it")
}

// run walks from (ti, p). It reports true when no violation was found.
func (w *walker) run(ti *tinfo, p unsafe.Pointer) bool {
	w.root = ti.t
	if ti.kind == reflect.Interface {
		if rt := dynamicRtype(p, ti.empty); rt != nil {
			w.root = typeOfRtype(rt)
		}
	}
	return w.walk(wframe{p: p, ti: ti})
}

// walk steps from f until the stack is empty. It reports true when no
// violation was found.
func (w *walker) walk(f wframe) bool {
	w.stack = append(w.stack[:0], f)
	for len(w.stack) > 0 {
		f := w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
		if !w.step(&f) {
			return false
		}
	}
	return true
}

func (w *walker) step(f *wframe) bool {
	if w.mode == modeNode {
		return w.stepNode(f)
	}
	ti := f.ti
	switch ti.verdict {
	case vShare:
		return true
	case vForbid:
		return w.fail(f, ti.badPath, ti.badType, ti.reason)
	}
	if ti.nilOnly {
		if *(*unsafe.Pointer)(f.p) == nil {
			return true // a nil func, chan or unsafe.Pointer shares nothing
		}
		return w.fail(f, "", ti.badType, ti.reason)
	}
	if ti.copyFn != nil {
		if w.mode == modeCross || isNilRef(ti, f.p) {
			return true // its copier copies it
		}
		return w.fail(f, "", ti.t, kindWord(ti)+" is mutable: copy it (it has a registered copier) or move it")
	}
	if ti.isErr && !f.err {
		if w.mode == modeShare {
			f.err = true
		} else if errShareable(ti, f.p) {
			return true // shared by reference, never copied
		}
	}
	switch ti.kind {
	case reflect.Struct:
		for i := len(ti.fields) - 1; i >= 0; i-- {
			fi := &ti.fields[i]
			w.stack = append(w.stack, wframe{p: unsafe.Add(f.p, fi.off), ti: fi.ti, err: f.err,
				path: w.childField(f, fi.name)})
		}
	case reflect.Array:
		w.pushElems(f, f.p, ti.elem, ti.length)
	case reflect.Pointer:
		q := *(*unsafe.Pointer)(f.p)
		if q == nil {
			return true
		}
		if w.mode == modeShare && !f.err {
			if ti.elem.verdict == vForbid {
				return w.fail(f, ti.elem.badPath, ti.elem.badType, ti.elem.reason)
			}
			return w.mutable(f)
		}
		if w.visit(q, ti.elem, 0) {
			w.stack = append(w.stack, wframe{p: q, ti: ti.elem, err: f.err, path: f.path})
		}
	case reflect.Slice:
		h := (*sliceHeader)(f.p)
		if h.data == nil || h.cap == 0 {
			return true
		}
		if w.mode == modeShare {
			if ti.elem.verdict == vForbid {
				return w.fail(f, "[0]"+ti.elem.badPath, ti.elem.badType, ti.elem.reason)
			}
			return w.mutable(f)
		}
		if ti.elem.verdict == vShare || !w.visit(h.data, ti.elem, h.cap) {
			return true
		}
		w.pushElems(f, h.data, ti.elem, h.cap)
	case reflect.Map:
		m := *(*unsafe.Pointer)(f.p)
		if m == nil {
			return true
		}
		if w.mode == modeShare {
			return w.mutable(f)
		}
		if (ti.key.verdict == vShare && ti.elem.verdict == vShare) || !w.visit(m, ti, 0) {
			return true
		}
		w.pushEntries(f, ti.key, ti.elem)
	case reflect.Interface:
		rt := dynamicRtype(f.p, ti.empty)
		if rt == nil {
			return true
		}
		dti := infoOf(typeOfRtype(rt))
		if dti.verdict == vShare {
			return true
		}
		q := unsafe.Add(f.p, unsafe.Sizeof(uintptr(0)))
		if !dti.direct {
			q = *(*unsafe.Pointer)(q)
		}
		w.stack = append(w.stack, wframe{p: q, ti: dti, err: f.err, path: f.path})
	}
	return true
}

// pushElems queues the n elements of type elem at p, children of f, so
// that the first is walked first.
func (w *walker) pushElems(f *wframe, p unsafe.Pointer, elem *tinfo, n int) {
	for i := n - 1; i >= 0; i-- {
		w.stack = append(w.stack, wframe{p: unsafe.Add(p, uintptr(i)*elem.size), ti: elem, err: f.err,
			depth: f.depth + 1, path: w.childIndex(f, i)})
	}
}

// pushEntries queues copies of the keys (of type key) and values (of type
// elem) of the map at f, so that each key is walked before its value.
func (w *walker) pushEntries(f *wframe, key, elem *tinfo) {
	it := reflect.NewAt(f.ti.t, f.p).Elem().MapRange()
	for it.Next() {
		k := reflect.New(key.t)
		k.Elem().SetIterKey(it)
		v := reflect.New(elem.t)
		v.Elem().SetIterValue(it)
		var kp *pathNode
		if w.track {
			kp = &pathNode{parent: f.path, seg: keySeg(k.Elem())}
		}
		w.stack = append(w.stack,
			wframe{p: v.UnsafePointer(), ti: elem, err: f.err, depth: f.depth + 1, path: kp},
			wframe{p: k.UnsafePointer(), ti: key, err: f.err, depth: f.depth + 1, path: kp})
	}
}

// errShareable reports whether the error value of type ti at p is shared by
// reference: its graph, following pointers and interfaces, holds only
// immutable data (no slices, maps, funcs, unsafe pointers, sync types...).
func errShareable(ti *tinfo, p unsafe.Pointer) bool {
	w := walker{mode: modeShare}
	return w.walk(wframe{p: p, ti: ti, err: true})
}
