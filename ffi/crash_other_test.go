//go:build !(linux && amd64)

package ffi_test

// crashChildRole: the native crash tests run on linux/amd64 only.
func crashChildRole() bool { return false }
