//go:build darwin || freebsd || linux || netbsd

package ffi

import "github.com/ebitengine/purego"

func puregoRegister(fptr any, cfn uintptr) { purego.RegisterFunc(fptr, cfn) }

func syscallN(fn uintptr, args ...uintptr) uintptr {
	r, _, _ := purego.SyscallN(fn, args...)
	return r
}
