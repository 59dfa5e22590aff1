package shareable

import (
	"reflect"
	"unsafe"
)

// Pass is the isolation gate in one call, for a value about to cross from
// one actor to another: it returns v itself when v may be shared by
// reference (Check(v) == nil), a deep copy of it when it is plain data
// (CopyAny), and otherwise nil and an *IsolationError naming the part that
// may never cross.
//
// Pass decides from the cached per-type verdict whenever it can: a value of
// a shareable type is returned at once, a value of a type that can never
// cross is refused at once, and a non-nil pointer, slice or map (which
// Check always refuses as mutable) goes straight to the copy, so no error
// is built on the copy path. A slice of pointer-free elements is copied with
// two allocations (its new header box and backing array) and one memmove.
//
// Pass never modifies v and never calls its methods.
func Pass(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	ti := infoOf(reflect.TypeOf(v))
	if ti.verdict == vShare {
		return v, nil
	}
	return passSlow(v, ti)
}

// passSlow is Pass for types that are not shareable as a whole; it is apart
// so that Pass inlines into its callers.
func passSlow(v any, ti *tinfo) (any, error) {
	e := (*eface)(unsafe.Pointer(&v))
	switch ti.verdict {
	case vForbid:
		return nil, checkSlow(v, ti)
	}
	switch ti.kind {
	case reflect.Slice:
		h := (*sliceHeader)(e.data)
		if h.data == nil || h.cap == 0 {
			return v, nil
		}
		if et := ti.elem; et.noptr && !ti.isErr {
			return boxSlice(e.word0, sliceHeader{copyArray(et, h.data, h.cap), h.len, h.cap}), nil
		}
		return copyDynamic(v, ti)
	case reflect.Pointer, reflect.Map:
		if !ti.isErr {
			return copyDynamic(v, ti)
		}
	}
	return passWalk(v, ti)
}

// passWalk handles the values whose verdict depends on the value beyond
// their top level (structs, arrays and interfaces holding references, error
// values): shared when nothing in them is mutable, else copied. It is apart
// from Pass so that only this path makes v escape.
//
//go:noinline
func passWalk(v any, ti *tinfo) (any, error) {
	p := efaceData(&v, ti)
	if ti.isErr && errShareable(ti, p) {
		return v, nil
	}
	if shareableAt(ti, p) {
		return v, nil
	}
	return copyDynamic(v, ti)
}

// shareableAt is Check's walk without paths or errors.
func shareableAt(ti *tinfo, p unsafe.Pointer) bool {
	w := walker{mode: modeShare}
	return w.run(ti, p)
}

// boxSlice returns an interface of slice type typ holding h.
func boxSlice(typ unsafe.Pointer, h sliceHeader) any {
	box := (*sliceHeader)(unsafe_New(typ))
	*box = h
	var out any
	o := (*eface)(unsafe.Pointer(&out))
	o.word0, o.data = typ, unsafe.Pointer(box)
	return out
}

// copyDynamic deep-copies the dynamic value of v, of type ti (not shareable
// by type), into a new interface.
func copyDynamic(v any, ti *tinfo) (any, error) {
	e := (*eface)(unsafe.Pointer(&v))
	if ti.isErr {
		// Error values whose graph is immutable cross by reference, so
		// errors.Is keeps working on what arrives.
		if ti.direct {
			w := e.data
			if errShareable(ti, unsafe.Pointer(&w)) {
				return v, nil
			}
		} else if errShareable(ti, e.data) {
			return v, nil
		}
	}
	var c copier
	var out any
	o := (*eface)(unsafe.Pointer(&out))
	o.word0 = e.word0
	if ti.direct {
		word := new(unsafe.Pointer)
		*word = e.data
		if !c.run(ti, unsafe.Pointer(word)) {
			*word = e.data // the walk reports on the original
			return nil, c.crossError(ti, unsafe.Pointer(word))
		}
		o.data = *word
		return out, nil
	}
	n := unsafe_New(ti.rt)
	typedmemmove(ti.rt, n, e.data)
	if !c.run(ti, n) {
		return nil, c.crossError(ti, e.data)
	}
	o.data = n
	return out, nil
}
