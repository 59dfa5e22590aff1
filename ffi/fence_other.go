//go:build !linux

package ffi

// Without membarrier calls count themselves in Library.shards.
func fenceInit() bool { return false }

func fence() {}
