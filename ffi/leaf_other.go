//go:build !(amd64 && (linux || freebsd || netbsd || darwin))

package ffi

// Without the amd64 trampoline leaf calls take the ordinary path.
const leafArch = false

func leafcall(fr *frame) {
	panic("ffi: internal error: leaf call on an unsupported platform")
}

func leafLayoutOK() bool { return false }
