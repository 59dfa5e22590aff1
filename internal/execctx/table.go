package execctx

import (
	"sync"
	"sync/atomic"
)

// The goroutine table maps a goroutine identity to its Exec. Reads are lock-free
// (one hash, one or two atomic loads); writes copy the bucket's chain under mu.

const tableBits = 12

type entry struct {
	g    uintptr
	e    *Exec
	next *entry
}

var table struct {
	mu      sync.Mutex // protects writes to buckets
	buckets [1 << tableBits]atomic.Pointer[entry]
	n       atomic.Int64 // bound goroutines
}

func bucketOf(g uintptr) *atomic.Pointer[entry] {
	h := uint64(g) * 0x9E3779B97F4A7C15
	return &table.buckets[h>>(64-tableBits)]
}

// Bind records e as the Exec of the calling goroutine, which must be locked to
// its OS thread for as long as the binding lasts. It returns a function that
// removes the binding; call it on the same goroutine before it exits.
// Binding a goroutine twice panics.
func Bind(e *Exec) (unbind func()) {
	if e == nil {
		panic("execctx: Bind with nil Exec")
	}
	g := getg()
	b := bucketOf(g)
	table.mu.Lock()
	for p := b.Load(); p != nil; p = p.next {
		if p.g == g {
			table.mu.Unlock()
			panic("execctx: goroutine already bound to actor " + p.e.Name())
		}
	}
	b.Store(&entry{g: g, e: e, next: b.Load()})
	table.n.Add(1)
	table.mu.Unlock()
	e.g.Store(g)
	return func() {
		if getg() != g {
			panic("execctx: unbind called on another goroutine")
		}
		table.mu.Lock()
		defer table.mu.Unlock()
		var kept *entry
		// Rebuild the chain without g (chains are immutable once published).
		var rest []*entry
		for p := b.Load(); p != nil; p = p.next {
			if p.g != g {
				rest = append(rest, p)
			}
		}
		for i := len(rest) - 1; i >= 0; i-- {
			kept = &entry{g: rest[i].g, e: rest[i].e, next: kept}
		}
		b.Store(kept)
		table.n.Add(-1)
		e.g.Store(0)
	}
}

// Current returns the Exec bound to the calling goroutine, or nil when the
// caller is not an actor's goroutine (a plain goroutine, or a callback arriving
// on a thread the runtime never created).
func Current() *Exec {
	if table.n.Load() == 0 {
		return nil
	}
	g := getg()
	for p := bucketOf(g).Load(); p != nil; p = p.next {
		if p.g == g {
			return p.e
		}
	}
	return nil
}

// Bound reports how many goroutines are bound; tests use it to check that
// actors unbind when they end.
func Bound() int { return int(table.n.Load()) }

// G returns an identity of the calling goroutine (its runtime g address): stable
// for the goroutine's life and never shared by two live goroutines. A C → Go
// callback on a Go-created thread runs on the goroutine that made the C call,
// so it sees that goroutine's identity.
func G() uintptr { return getg() }
