package node

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestEndpointDispatcher: every run scheduled is run exactly once, those
// scheduled before close (also from inside a run, and while the slot is
// taken) on the worker or a fallback goroutine, those after close on a
// goroutine of their own; close waits for the worker and is idempotent.
func TestEndpointDispatcher(t *testing.T) {
	d := newEndpointDispatcher()
	const n = 1000
	var ran atomic.Int64
	var wg sync.WaitGroup
	wg.Add(2*n + 1)
	// Several schedulers at once: the slot is often taken, and the fallback
	// goroutine runs the run instead.
	for range 4 {
		go func() {
			for range n / 4 {
				d.Schedule(func() { ran.Add(1); wg.Done() })
			}
		}()
	}
	// A run that schedules another, as a mailbox never does: it must not
	// deadlock on the slot.
	d.Schedule(func() {
		d.Schedule(func() { ran.Add(1); wg.Done() })
	})
	for range n - 1 {
		d.Schedule(func() { ran.Add(1); wg.Done() })
	}
	d.close()
	d.close()
	d.Schedule(func() { ran.Add(1); wg.Done() })
	wg.Wait()
	if got := ran.Load(); got != 2*n+1 {
		t.Fatalf("%d runs ran, want %d", got, 2*n+1)
	}
}
