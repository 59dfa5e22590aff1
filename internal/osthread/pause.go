package osthread

import "sync/atomic"

var spinSink atomic.Uint32

// pause burns a few cycles between polls without a system call.
func pause() {
	for range 8 {
		spinSink.Load()
	}
}
