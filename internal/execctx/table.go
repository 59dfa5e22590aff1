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
		unbindEntry(b, g)
		e.g.Store(0)
	}
}

// EnterGuest makes e the Exec of the calling goroutine for the length of one
// callback that runs inside the actor on a thread the actor does not own (a
// thread C created): code the handler calls (the extension gate, nested
// callbacks, actor calls) then sees the owner's identity instead of none.
// The caller must hold e's token, and e must have a RetainLend outstanding
// (it owns a thread-safe callback), until it calls LeaveGuest(e, prev) on
// the same goroutine with the value returned. Unlike Bind it does not make
// the goroutine e's own: OnOwnGoroutine stays false there and GuestHere
// becomes true. It does not allocate.
//
// The marker is written under the token only, so it is a plain load and a
// plain store (storeGuest): no locked instruction. The token's hand-over
// (the release's and the next acquire's atomics) orders one holder's
// stores before the next holder's. Any other goroutine that reads the
// marker compares it with its own identity, which only it can have
// stored there.
func EnterGuest(e *Exec) (prev uintptr) {
	prev = e.guest.Load()
	storeGuest(&e.guest, getg())
	return prev
}

// LeaveGuest undoes EnterGuest.
func LeaveGuest(e *Exec, prev uintptr) { storeGuest(&e.guest, prev) }

// guestOf returns the Exec the calling goroutine is a guest of, scanning the
// Execs that own thread-safe callbacks (only those can have guests: see
// EnterGuest).
func guestOf(g uintptr) *Exec {
	for _, e := range *lending.list.Load() {
		if e.guest.Load() == g {
			return e
		}
	}
	return nil
}

// lending lists the Execs with a RetainLend outstanding, copy on write.
var lending = func() *lendList {
	l := &lendList{}
	l.list.Store(new([]*Exec))
	return l
}()

type lendList struct {
	mu   sync.Mutex
	list atomic.Pointer[[]*Exec]
}

func (l *lendList) add(e *Exec) {
	l.mu.Lock()
	old := *l.list.Load()
	nl := append(make([]*Exec, 0, len(old)+1), old...)
	nl = append(nl, e)
	l.list.Store(&nl)
	l.mu.Unlock()
}

func (l *lendList) remove(e *Exec) {
	l.mu.Lock()
	old := *l.list.Load()
	nl := make([]*Exec, 0, len(old))
	for _, x := range old {
		if x != e {
			nl = append(nl, x)
		}
	}
	l.list.Store(&nl)
	l.mu.Unlock()
}

func unbindEntry(b *atomic.Pointer[entry], g uintptr) {
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
}

// Current returns the Exec bound to the calling goroutine, or nil when the
// caller is not an actor's goroutine (a plain goroutine, or a callback arriving
// on a thread the runtime never created that runs inside no actor). A guest
// callback (EnterGuest) sees its owner.
func Current() *Exec {
	if table.n.Load() == 0 && lenders.Load() == 0 {
		return nil
	}
	g := getg()
	for p := bucketOf(g).Load(); p != nil; p = p.next {
		if p.g == g {
			return p.e
		}
	}
	return guestOf(g)
}

// LendCurrent lends the token of the actor whose own goroutine calls it
// when its native calls must lend (NeedsLend), and returns that Exec for
// the Reclaim after the call; otherwise it returns nil. It is Current,
// NeedsLend, OnOwnGoroutine and Lend with one goroutine lookup (a goroutine
// found in the table is its Exec's own). Call it only when AnyLenders is
// true.
func LendCurrent() *Exec {
	g := getg()
	for p := bucketOf(g).Load(); p != nil; p = p.next {
		if p.g == g {
			if e := p.e; e.lendOnCall.Load() > 0 {
				e.Lend()
				return e
			}
			return nil
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
