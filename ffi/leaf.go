package ffi

import "runtime"

// stopTheWorld stops every goroutine at a safe point and starts them again.
// A leaf call runs on its thread's system stack holding its P, where the
// scheduler cannot stop it: once stopTheWorld returns, every leaf call that
// had loaded its library's closed flag before has returned.
func stopTheWorld() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms) // stops the world (the one public way)
}
