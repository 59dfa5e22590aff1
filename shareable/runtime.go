package shareable

import (
	"reflect"
	"unsafe"
)

// This file reaches five runtime helpers that package reflect itself uses.
// They are linknamed by many widely used packages (see go.dev/issue/67401), and
// the runtime promises not to change their signatures. They let the copier
// allocate and move typed memory without a reflect.Value per element.

//go:linkname unsafe_New reflect.unsafe_New
func unsafe_New(t unsafe.Pointer) unsafe.Pointer

//go:linkname unsafe_NewArray reflect.unsafe_NewArray
func unsafe_NewArray(t unsafe.Pointer, n int) unsafe.Pointer

//go:linkname typedmemmove reflect.typedmemmove
func typedmemmove(t unsafe.Pointer, dst, src unsafe.Pointer)

//go:linkname typedslicecopy reflect.typedslicecopy
func typedslicecopy(elem unsafe.Pointer, dst, src sliceHeader) int

// mallocgc allocates size bytes of memory for values of type t (an element
// type for arrays); needzero false skips clearing it. It is linknamed by
// widely used packages too (the runtime keeps it reachable, see its comment).
// The copier uses it for pointer-free memory it overwrites at once.
//
//go:linkname mallocgc runtime.mallocgc
func mallocgc(size uintptr, t unsafe.Pointer, needzero bool) unsafe.Pointer

// sliceHeader is the runtime layout of a slice.
type sliceHeader struct {
	data unsafe.Pointer
	len  int
	cap  int
}

// eface is the runtime layout of an interface value. For an empty interface
// word0 is the dynamic type; for a non-empty one it is an itab whose second
// word is the dynamic type.
type eface struct {
	word0 unsafe.Pointer
	data  unsafe.Pointer
}

// rtypeOf returns the runtime type descriptor behind t.
func rtypeOf(t reflect.Type) unsafe.Pointer {
	return (*eface)(unsafe.Pointer(&t)).data
}

// typeOfRtype turns a runtime type descriptor back into a reflect.Type
// without allocating: reflect.TypeOf reads only the type word.
func typeOfRtype(rt unsafe.Pointer) reflect.Type {
	var x any
	(*eface)(unsafe.Pointer(&x)).word0 = rt
	return reflect.TypeOf(x)
}

// dynamicRtype returns the dynamic type descriptor of the interface value of
// static type t stored at p, or nil for a nil interface.
func dynamicRtype(p unsafe.Pointer, empty bool) unsafe.Pointer {
	w := (*eface)(p).word0
	if w == nil || empty {
		return w
	}
	// itab layout: Inter *InterfaceType; Type *Type; ...
	return *(*unsafe.Pointer)(unsafe.Add(w, unsafe.Sizeof(uintptr(0))))
}

// isDirectIface reports whether values of t are stored directly in the data
// word of an interface (pointer-shaped types). It is measured rather than
// derived from the kind, so it follows the runtime's own rule.
func isDirectIface(t reflect.Type) bool {
	x := reflect.New(t).Elem().Interface()
	return (*eface)(unsafe.Pointer(&x)).data == nil
}
