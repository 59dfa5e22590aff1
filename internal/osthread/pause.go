package osthread

import (
	"sync/atomic"
	_ "unsafe" // go:linkname
)

// nanotime is the runtime's monotonic clock: one vDSO read, where time.Now
// makes two (wall and monotonic). It is linknamed by widely used packages,
// and the runtime keeps it reachable for them.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

var spinSink atomic.Uint32

// pause burns a few cycles between polls without a system call.
func pause() {
	for range 8 {
		spinSink.Load()
	}
}
