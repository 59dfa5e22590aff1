//go:build !(amd64 && (linux || freebsd || netbsd || darwin))

package ffi

// Without the amd64 trampoline every call goes through purego.
const fastArch = false

var fastOK = false

func callFrame(fr *frame) {
	panic("ffi: internal error: register trampoline used on an unsupported platform")
}

func (f *Func) callCounted(fr *frame) bool {
	panic("ffi: internal error: register trampoline used on an unsupported platform")
}
