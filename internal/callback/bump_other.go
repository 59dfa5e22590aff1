//go:build !amd64

package callback

import "sync/atomic"

// bump adds one to a counter that only the holder of an owner's execution
// token writes (see ownerCounts). Off amd64 stores may be seen out of order,
// so it stays an atomic add.
func bump(p *int64) { atomic.AddInt64(p, 1) }
