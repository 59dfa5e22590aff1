package ffi

import "sync/atomic"

// poolSeq numbers the pools made without WithPoolName ("#1", "#2", …).
var poolSeq atomic.Uint64

// WithPoolName names the pool in native crash reports (docs/limits.md):
// "caller=pool NAME thread K" for a native thread, "caller=pool NAME
// worker K" for a worker goroutine. The default pool is "default"; a pool
// made without a name is "#N", N counting the pools made so far.
func WithPoolName(name string) PoolOption {
	return poolOptionFunc(func(p *Pool) { p.name = name })
}

// Name returns the pool's name (WithPoolName).
func (p *Pool) Name() string { return p.name }
