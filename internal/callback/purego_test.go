package callback

import "github.com/ebitengine/purego"

func registerFunc(fptr any, fn uintptr) { purego.RegisterFunc(fptr, fn) }

func callPlain(fn uintptr, args ...uintptr) (uintptr, uintptr) {
	r1, r2, _ := purego.SyscallN(fn, args...)
	return r1, r2
}
