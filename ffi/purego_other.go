//go:build !(darwin || freebsd || linux || netbsd)

package ffi

func puregoRegister(fptr any, cfn uintptr) { panic(errNoLoader) }

func syscallN(fn uintptr, args ...uintptr) uintptr { panic(errNoLoader) }
