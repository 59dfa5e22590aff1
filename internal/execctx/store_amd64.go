//go:build amd64 && !race

package execctx

import (
	"sync/atomic"
	"unsafe"
)

// storeState stores the token's state when the holder releases it (see
// token.unlock): a plain store. amd64 does not reorder a store with the
// loads and stores before it, so the holder's writes are visible to whoever
// takes the token after seeing this one: a release, without a locked
// instruction.
func storeState(p *atomic.Int32, v int32) { *(*int32)(unsafe.Pointer(p)) = v }
