package callback

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// Handle identifies a live callback as one pointer-sized value: a slot index
// in the low half and the slot's generation in the high half, like
// runtime/cgo.Handle but checked. C code that receives a Handle as user data
// passes it back as an argument; once the callback is closed, the slot's
// generation moves on and the old Handle is routed to nobody, even after the
// slot is reused (the ABA case a bare function pointer cannot detect).
// The zero Handle is never valid.
type Handle uintptr

const (
	idxBits    = 4 * unsafe.Sizeof(uintptr(0)) // 32 on 64-bit, 16 on 32-bit
	idxMask    = 1<<idxBits - 1
	chunkBits  = 12
	chunkSize  = 1 << chunkBits
	maxChunks  = 256
	quarantine = 64 // freed entries wait behind at least this many others before reuse
)

// MaxHandles bounds the number of callbacks alive at once (both forms).
const MaxHandles = chunkSize * maxChunks

type tentry struct {
	cb   atomic.Pointer[Callback]
	dead atomic.Uintptr // exceptional value of the last occupant, for stale handles
	gen  uint32         // guarded by table.mu
}

var table struct {
	mu     sync.Mutex
	chunks [maxChunks]atomic.Pointer[[chunkSize]tentry]
	n      int      // entries created
	free   []uint32 // FIFO of freed indices
}

func entryAt(idx uint32) *tentry {
	ch := table.chunks[idx>>chunkBits].Load()
	if ch == nil {
		return nil
	}
	return &ch[idx&(chunkSize-1)]
}

// allocHandle reserves a table entry for c and returns its Handle. The entry
// is published by publish once c is fully built.
func allocHandle() (Handle, error) {
	table.mu.Lock()
	defer table.mu.Unlock()
	var idx uint32
	switch {
	case len(table.free) > quarantine || (table.n == MaxHandles && len(table.free) > 0):
		idx = table.free[0]
		table.free = table.free[1:]
	case table.n < MaxHandles:
		idx = uint32(table.n)
		if table.chunks[idx>>chunkBits].Load() == nil {
			table.chunks[idx>>chunkBits].Store(new([chunkSize]tentry))
		}
		table.n++
	default:
		return 0, ErrPoolExhausted
	}
	e := entryAt(idx)
	e.gen++
	if uint64(e.gen)>>idxBits != 0 || e.gen == 0 { // keep the generation in its half
		e.gen = 1
	}
	return Handle(uintptr(e.gen)<<idxBits | uintptr(idx+1)), nil
}

func (h Handle) entry() *tentry {
	i := uintptr(h) & idxMask
	if i == 0 || i > uintptr(MaxHandles) {
		return nil
	}
	return entryAt(uint32(i - 1))
}

// lookup returns the live callback h names, or nil with the exceptional value
// to give C (the last occupant's, while the entry is not reused).
func lookup(h Handle) (*Callback, uintptr) {
	e := h.entry()
	if e == nil {
		return nil, 0
	}
	c := e.cb.Load()
	if c != nil && c.handle == h {
		return c, 0
	}
	if c == nil {
		return nil, e.dead.Load()
	}
	return nil, 0
}

// live is lookup's hot half: the live callback h names, or nil (closed,
// stale, or no such entry), with no exceptional value. It inlines.
func live(h Handle) *Callback {
	i := uintptr(h)&idxMask - 1 // index 0 (no entry) wraps around
	if i >= MaxHandles {
		return nil
	}
	ch := table.chunks[i>>chunkBits].Load()
	if ch == nil {
		return nil
	}
	if c := ch[i&(chunkSize-1)].cb.Load(); c != nil && c.handle == h {
		return c
	}
	return nil
}

func publish(c *Callback) { c.handle.entry().cb.Store(c) }

func unpublish(c *Callback) {
	e := c.handle.entry()
	e.dead.Store(c.exc)
	e.cb.Store(nil)
}

// freeHandle puts h's entry at the back of the reuse queue.
func freeHandle(h Handle) {
	table.mu.Lock()
	table.free = append(table.free, uint32(uintptr(h)&idxMask-1))
	table.mu.Unlock()
}
