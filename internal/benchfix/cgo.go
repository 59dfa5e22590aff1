//go:build cgo

package benchfix

/*
static int benchfix_add(int a, int b) { return a + b; }
*/
import "C"

// HaveCgo reports whether this binary was built with cgo, so that CgoAdd
// is a real cgo call.
const HaveCgo = true

// CgoAdd calls int add(int, int) compiled into the binary, through cgo: the
// baseline a cgo user would get.
func CgoAdd(a, b int32) int32 { return int32(C.benchfix_add(C.int(a), C.int(b))) }
