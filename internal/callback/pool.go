package callback

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// MaxSlots bounds the trampolines this package ever creates in a process. On
// amd64 they are this package's own (no purego slot is used); elsewhere each
// is a purego.NewCallback (purego has 2000 and never frees one). A live pointer-form
// callback holds one slot; handle-form callbacks share one slot per user-data
// register (at most MaxIntArgs slots for all of them). Slots are created
// lazily and reused, oldest freed first, after a quarantine.
const MaxSlots = 512

// MaxPointerSlots bounds live pointer-form callbacks: the rest of the pool is
// kept for the shared handle-form trampolines.
const MaxPointerSlots = MaxSlots - MaxIntArgs

// slotQuarantine is how many freed slots wait in front of a freed slot before
// it is reused: a stale C pointer keeps hitting a dead slot (and gets its
// exceptional value) for at least that many create/close cycles.
const slotQuarantine = 32

type slot struct {
	h    atomic.Uintptr // Handle of the callback bound to this slot; 0 when free
	dead atomic.Uintptr // exceptional value of the last occupant
	ud   int            // -1: pointer form; k >= 0: shared handle form reading Args.Int[k]
	ptr  uintptr        // the C function pointer
}

// slots are the trampolines' bindings; tramp1 (amd64) reads slots[i].h.
var slots [MaxSlots]slot

var pool struct {
	mu   sync.Mutex
	n    atomic.Int32 // slots created (purego callbacks taken)
	free []int        // FIFO of free pointer-form slots
	ud   [MaxIntArgs]int
	nud  int // handle-form slots created
}

// newSlot creates slot number pool.n; pool.mu must be held.
func newSlot(ud int) (i int, err error) {
	i = int(pool.n.Load())
	if i == MaxSlots {
		return -1, fmt.Errorf("%w: all %d trampolines are bound to live callbacks", ErrPoolExhausted, MaxSlots)
	}
	defer func() {
		if r := recover(); r != nil { // purego: another user took its 2000 slots
			i, err = -1, fmt.Errorf("%w: purego: %v", ErrPoolExhausted, r)
		}
	}()
	s := &slots[i]
	s.ud = ud
	s.ptr = newTrampoline(i)
	pool.n.Add(1)
	return i, nil
}

// takeSlot binds a pointer-form slot to h.
func takeSlot(h Handle) (int, error) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	var i int
	if len(pool.free) > slotQuarantine || (int(pool.n.Load())-pool.nud == MaxPointerSlots && len(pool.free) > 0) {
		i = pool.free[0]
		pool.free = pool.free[1:]
	} else if int(pool.n.Load())-pool.nud == MaxPointerSlots {
		return -1, fmt.Errorf("%w: all %d pointer-form trampolines are bound to live callbacks (the handle form, UserData, has no such limit)", ErrPoolExhausted, MaxPointerSlots)
	} else {
		var err error
		if i, err = newSlot(-1); err != nil {
			if len(pool.free) == 0 {
				return -1, err
			}
			i = pool.free[0]
			pool.free = pool.free[1:]
		}
	}
	slots[i].h.Store(uintptr(h))
	return i, nil
}

// unbindSlot makes slot i dead: calls through its pointer now return exc.
func unbindSlot(i int, exc uintptr) {
	s := &slots[i]
	s.dead.Store(exc)
	s.h.Store(0)
}

// releaseSlot puts slot i at the back of the reuse queue.
func releaseSlot(i int) {
	pool.mu.Lock()
	pool.free = append(pool.free, i)
	pool.mu.Unlock()
}

// udSlot returns the shared slot that reads the Handle from integer register k.
func udSlot(k int) (int, error) {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.ud[k] != 0 {
		return pool.ud[k] - 1, nil
	}
	i, err := newSlot(k)
	if err != nil {
		return -1, err
	}
	pool.ud[k] = i + 1
	pool.nud++
	return i, nil
}

// dispatch is where every C call into a callback lands. With entryBinding
// (amd64), h is the Handle bound to pointer-form slot i when the call entered
// its trampoline (0: none): tramp1 reads it first thing, so that the call
// belongs to the callback of that instant however long it then waits to
// enter Go (cgocallback may wait for a P). Elsewhere h is unused and the
// slot is read here.
func dispatch(i int, h Handle, a *Args) uintptr {
	c, dead := target(i, h, a)
	if c == nil {
		return dead
	}
	return c.invoke(a)
}

// target returns the live callback a call through slot i with arguments a
// reaches, or nil and the exceptional value to give C (counted, fired
// too: the callback was closed, or the Handle is stale).
func target(i int, h Handle, a *Args) (*Callback, uintptr) {
	s := &slots[i]
	if s.ud >= 0 {
		h = Handle(a.Int[s.ud])
	} else {
		if !entryBinding {
			h = Handle(s.h.Load())
		}
		if h == 0 {
			stats.fired.Add(1)
			stats.exClosed.Add(1)
			return nil, s.dead.Load()
		}
	}
	c, dead := lookup(h)
	if c == nil {
		stats.fired.Add(1)
		if s.ud >= 0 {
			stats.exStale.Add(1)
		} else {
			// Closed since the call entered, and its handle entry
			// perhaps reused: the slot's last occupant is the best guess.
			stats.exClosed.Add(1)
			if dead == 0 {
				dead = s.dead.Load()
			}
		}
	}
	return c, dead
}
