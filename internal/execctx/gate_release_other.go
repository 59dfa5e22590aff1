//go:build !amd64 || race

package execctx

import "sync/atomic"

// releaseOwner: where plain stores may be reordered (arm64) it must be a
// store-release, and under the race detector the detector must see the
// hand-over: an atomic store (on arm64 no locked instruction either).
func releaseOwner(p *atomic.Pointer[Exec], v *Exec) { p.Store(v) }
