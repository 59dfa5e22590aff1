//go:build amd64 && !race

package execctx

import (
	"sync/atomic"
	"unsafe"
)

// releaseOwner: amd64 does not reorder a store with the loads and stores
// before it, so a plain store is a release; with membarrier the waiters'
// FenceReleases stands in for the barrier after it. Without membarrier it is
// an atomic store (XCHG, a full barrier). atomic.Pointer's only word is its
// value, at offset 0; the compiler adds the write barrier a pointer store
// needs.
func releaseOwner(p *atomic.Pointer[Exec], v *Exec) {
	if asymmetric {
		*(*unsafe.Pointer)(unsafe.Pointer(p)) = unsafe.Pointer(v)
		return
	}
	p.Store(v)
}
