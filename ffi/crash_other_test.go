//go:build !(linux && (amd64 || arm64))

package ffi_test

// crashChildRole: the native crash tests run on linux/amd64 and linux/arm64 only.
func crashChildRole() bool { return false }
