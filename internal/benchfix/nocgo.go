//go:build !cgo

package benchfix

// HaveCgo reports whether this binary was built with cgo, so that CgoAdd,
// CgoCallbackN and CgoCallbackNThread are real cgo calls.
const HaveCgo = false

const needCgo = "benchfix: the cgo baseline needs a cgo build (CGO_ENABLED=1)"

// CgoAdd is not available without cgo: it panics.
func CgoAdd(a, b int32) int32 { panic(needCgo) }

// CgoCallbackN is not available without cgo: it panics.
func CgoCallbackN(n int) uintptr { panic(needCgo) }

// CgoCallbackNThread is not available without cgo: it panics.
func CgoCallbackNThread(n int) uintptr { panic(needCgo) }
