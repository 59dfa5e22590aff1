//go:build !race

package execctx

import (
	"sync/atomic"
	"unsafe"
)

// storeFast stores v in the owner's fast-lend word with a plain store: no
// locked instruction. Takers read it atomically after a membarrier (see
// token), which orders it for them.
func storeFast(p *atomic.Int32, v int32) { *(*int32)(unsafe.Pointer(p)) = v }

// storeGuest stores the guest marker (Exec.guest) with a plain store: its
// writers hold the token (see EnterGuest).
func storeGuest(p *atomic.Uintptr, v uintptr) { *(*uintptr)(unsafe.Pointer(p)) = v }
