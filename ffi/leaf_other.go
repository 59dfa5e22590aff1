//go:build !(amd64 && (linux || freebsd || netbsd || darwin))

package ffi

// Without the amd64 trampoline leaf calls take the ordinary path.
const leafArch = false

func leafInts(fn, lib uintptr, i0, i1, i2, i3, i4, i5 uint64) (r1, f1 uint64, refused, state uintptr) {
	panic("ffi: internal error: leaf call on an unsupported platform")
}

func leafRegs(fn, lib uintptr, regs *[numIntRegs + numFloatRegs]uint64) (r1, f1 uint64, refused, state uintptr) {
	panic("ffi: internal error: leaf call on an unsupported platform")
}

func leafLayoutOK() bool { return false }
