//go:build !linux || !(amd64 || arm64)

package execctx

// asymmetric is false: without membarrier the owner lends with an atomic
// swap (see token).
const asymmetric = false

func fence() { panic("execctx: internal error: fence without membarrier") }
