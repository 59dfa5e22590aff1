//go:build !(linux && amd64)

package ffi

// Native pool threads exist on linux/amd64 only (their loop is amd64
// assembly sleeping on Linux futexes); elsewhere Async runs every call on
// the pool's worker goroutines.

func newNativeEngine(*Pool) nativeEngine { return nil }

func watchNativePools() func() { return func() {} }
