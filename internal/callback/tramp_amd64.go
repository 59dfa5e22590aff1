//go:build amd64 && (linux || darwin || freebsd || netbsd)

package callback

import "unsafe"

// asmFrame is what tramp1 passes to asmDispatch (through cgocallback).
type asmFrame struct {
	index  uintptr
	args   unsafe.Pointer // *Args, on the C caller's stack
	result uintptr
}

// asmDispatchCall lets the assembly reach asmDispatch's ABIInternal entry.
var asmDispatchCall = asmDispatch

func asmDispatch(f *asmFrame) {
	f.result = dispatch(int(f.index), (*Args)(f.args))
}

func trampolinesPC() uintptr

// newTrampoline returns the C function pointer of slot i: entry i of this
// package's own trampoline table. No purego slot is used, and no reflection
// runs per call.
func newTrampoline(i int) uintptr { return trampolinesPC() + uintptr(trampEntrySize*i) }

// trampEntrySize is the size of one entry of the trampoline table.
const trampEntrySize = 11

// usesPurego reports whether trampolines come from purego.NewCallback.
const usesPurego = false
