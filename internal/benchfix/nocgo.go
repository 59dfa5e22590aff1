//go:build !cgo

package benchfix

// HaveCgo reports whether this binary was built with cgo, so that CgoAdd
// is a real cgo call.
const HaveCgo = false

// CgoAdd is not available without cgo: it panics.
func CgoAdd(a, b int32) int32 { panic("benchfix: CgoAdd needs a cgo build (CGO_ENABLED=1)") }
