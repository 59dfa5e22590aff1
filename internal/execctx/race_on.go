//go:build race

package execctx

import "sync/atomic"

// storeFast stores v in the owner's fast-lend word. Under the race detector
// it is an atomic store, so the detector sees the hand-over that the
// membarrier makes safe without one.
func storeFast(p *atomic.Int32, v int32) { p.Store(v) }

// storeGuest stores the guest marker. Under the race detector it is an
// atomic store, so the detector does not report the other goroutines'
// loads that compare it with their own identity.
func storeGuest(p *atomic.Uintptr, v uintptr) { p.Store(v) }
