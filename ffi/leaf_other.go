//go:build !(amd64 && (linux || freebsd || netbsd || darwin))

package ffi

// Without the amd64 trampoline leaf calls take the ordinary path.
const leafArch = false

const leafUnsupported = "ffi: internal error: leaf call on an unsupported platform"

func leaf0(fn, lib uintptr) (r1, f1 uint64, status uintptr) { panic(leafUnsupported) }

func leaf1(fn, lib uintptr, a0 uint64) (r1, f1 uint64, status uintptr) { panic(leafUnsupported) }

func leaf2(fn, lib uintptr, a0, a1 uint64) (r1, f1 uint64, status uintptr) { panic(leafUnsupported) }

func leaf3(fn, lib uintptr, a0, a1, a2 uint64) (r1, f1 uint64, status uintptr) {
	panic(leafUnsupported)
}

func leaf4(fn, lib uintptr, a0, a1, a2, a3 uint64) (r1, f1 uint64, status uintptr) {
	panic(leafUnsupported)
}

func leaf5(fn, lib uintptr, a0, a1, a2, a3, a4 uint64) (r1, f1 uint64, status uintptr) {
	panic(leafUnsupported)
}

func leaf6(fn, lib uintptr, a0, a1, a2, a3, a4, a5 uint64) (r1, f1 uint64, status uintptr) {
	panic(leafUnsupported)
}

func leafRegs(fn, lib uintptr, regs *[numIntRegs + numFloatRegs]uint64) (r1, f1 uint64, status uintptr) {
	panic(leafUnsupported)
}

func leafLayoutOK() bool { return false }
