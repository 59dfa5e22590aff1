//go:build !(amd64 && (linux || freebsd || netbsd || darwin))

package ffi

import "unsafe"

// Without the amd64 trampoline every call goes through purego.
const fastArch = false

var fastOK = false

func callFrame(fr *frame) {
	panic("ffi: internal error: register trampoline used on an unsupported platform")
}

func (f *Func) callCounted(fr *frame) bool {
	panic("ffi: internal error: register trampoline used on an unsupported platform")
}

const directOK = false

var directABI0 uintptr

func noLenders() bool { return true }

func runtime_cgocall(fn uintptr, arg unsafe.Pointer) int32 {
	panic("ffi: internal error: direct call on an unsupported platform")
}

func (f *Func) dcallLent(fr *dframe) {
	panic("ffi: internal error: direct call on an unsupported platform")
}

func (f *Func) dcallEnd(fr *dframe) error {
	panic("ffi: internal error: direct call on an unsupported platform")
}

func (f *Func) dcallGated(fr *dframe) error {
	panic("ffi: internal error: direct call on an unsupported platform")
}
