package osthread

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// pingPong runs n round trips between two goroutines locked to their own
// threads, over two Events.
func pingPong(b *testing.B, spin time.Duration) {
	var a, c Event
	a.SetSpin(spin)
	c.SetSpin(spin)
	var wg sync.WaitGroup
	wg.Add(1)
	n := b.N
	go func() {
		defer wg.Done()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for range n {
			a.Wait()
			c.Signal()
		}
	}()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for range n {
		a.Signal()
		c.Wait()
	}
	wg.Wait()
}

func BenchmarkPingPongSpin(b *testing.B)   { pingPong(b, 30*time.Microsecond) }
func BenchmarkPingPongNoSpin(b *testing.B) { pingPong(b, 0) }

func BenchmarkPingPongSpin20us(b *testing.B) { pingPong(b, 20*time.Microsecond) }
func BenchmarkPingPongSpin5us(b *testing.B)  { pingPong(b, 5*time.Microsecond) }

// TestEventNoLostWakeup hands a counter back and forth many times between a
// locked futex-mode waiter and a channel-mode waiter; a lost wake-up hangs.
func TestEventNoLostWakeup(t *testing.T) {
	var a Event
	b := NewChanEvent()
	const n = 20000
	var turn atomicCounter
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for i := range int64(n) {
			for turn.load() != 2*i+1 {
				a.Wait()
			}
			turn.add()
			b.Signal()
		}
	}()
	for i := range int64(n) {
		turn.add()
		a.Signal()
		for turn.load() != 2*i+2 {
			b.Wait()
		}
	}
	<-done
	if got := turn.load(); got != 2*n {
		t.Errorf("turn = %d; want %d", got, 2*n)
	}
}

func TestSignalBeforeWait(t *testing.T) {
	var e Event
	e.Signal()
	e.Signal() // permits do not accumulate
	e.Wait()
	if e.Ready() {
		t.Errorf("Ready() after one Wait consumed the permit = true; want false")
	}
	if Gettid() != 0 && OnMainThread() {
		t.Logf("test runs on the main thread")
	}
}
