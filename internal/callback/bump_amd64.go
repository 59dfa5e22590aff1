package callback

// bump adds one to a counter that only one goroutine writes at a time: the
// holder of an owner's execution token (see ownerCounts). On amd64 it is a
// plain increment, no locked instruction: the token orders the writers, an
// aligned word store is atomic, and stores are seen in program order, so a
// reader's atomic loads (ReadStats) see whole values in the order written.
// It is not instrumented by the race detector (the token's synchronization
// is not visible to a reader that does not take it); ReadStats loads
// atomically.
//
//go:norace
//go:nosplit
func bump(p *int64) { *p++ }
