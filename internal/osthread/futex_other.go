//go:build !linux

package osthread

import (
	"sync"
	"sync/atomic"
)

// Without futexes every Event parks on a channel, created lazily.
var chans sync.Map // *atomic.Uint32 -> chan struct{}

func chanOf(addr *atomic.Uint32) chan struct{} {
	if c, ok := chans.Load(addr); ok {
		return c.(chan struct{})
	}
	c, _ := chans.LoadOrStore(addr, make(chan struct{}, 1))
	return c.(chan struct{})
}

func futexWait(addr *atomic.Uint32, val uint32) {
	if addr.Load() != val {
		return
	}
	<-chanOf(addr)
}

func futexWake(addr *atomic.Uint32) {
	select {
	case chanOf(addr) <- struct{}{}:
	default:
	}
}
