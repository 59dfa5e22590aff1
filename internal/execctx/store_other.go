//go:build !amd64 || race

package execctx

import "sync/atomic"

// storeState stores the token's state when the holder releases it (see
// token.unlock). Where plain stores may be reordered (arm64) it must be a
// release, and under the race detector the detector must see the
// hand-over: an atomic store (on arm64 a store-release, no locked
// instruction).
func storeState(p *atomic.Int32, v int32) { p.Store(v) }
