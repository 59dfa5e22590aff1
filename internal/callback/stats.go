package callback

import (
	"sync"
	"sync/atomic"
)

type counter struct {
	atomic.Int64
	_ [56]byte // one cache line each: foreign threads update them concurrently
}

var stats struct {
	fired, direct                                                  counter // calls that did not reach an owner's token (the rest: ownerCounts)
	exClosed, exStale, exDeadline, exPanic, exWrongThread, exDepth counter
	exGoexit, exLeaf                                               counter
	created, closed                                                counter
}

// statsMu orders ReadStats's sum over the owners with retire: a state's
// counts are in exactly one of the two places for a reader.
var statsMu sync.Mutex

// retired holds the counts of owner states that were removed.
var retired ownerCounts

// retire moves st's counts into retired; no call of st's callbacks is in
// flight any more (unhold).
func retire(st *ownerState) {
	statsMu.Lock()
	retired.fired += atomic.LoadInt64(&st.counts.fired)
	retired.inline += atomic.LoadInt64(&st.counts.inline)
	retired.foreign += atomic.LoadInt64(&st.counts.foreign)
	st.folded.Store(true)
	statsMu.Unlock()
}

// ownerTotals sums the owners' counts, the delivery counters of each read
// before its fired (bump's stores are seen in order), so that a snapshot
// taken while calls run never shows more deliveries than calls.
func ownerTotals() ownerCounts {
	statsMu.Lock()
	defer statsMu.Unlock()
	t := retired
	owners.Range(func(_, v any) bool {
		st := v.(*ownerState)
		if st.folded.Load() {
			return true
		}
		t.inline += atomic.LoadInt64(&st.counts.inline)
		t.foreign += atomic.LoadInt64(&st.counts.foreign)
		t.fired += atomic.LoadInt64(&st.counts.fired)
		return true
	})
	return t
}

// Stats is a snapshot of the process-wide callback counters. The invariant
// Fired == Delivered + Exceptional() holds whenever no call is in flight.
type Stats struct {
	Slots       int // trampolines created (never more than MaxSlots)
	PuregoSlots int // of which purego.NewCallback slots (0 on amd64: own trampolines)
	SlotsFree   int // pointer-form trampolines waiting for reuse
	Live        int // callbacks created and not yet closed
	Created     int64
	Closed      int64
	Fired       int64 // C calls that entered a trampoline
	Delivered   int64 // calls whose handler returned normally
	Inline      int64 // delivered on the owner's own goroutine (synchronous)
	Foreign     int64 // delivered from another thread under the owner's token
	// (Delivered - Inline - Foreign were unowned callbacks, run directly.)
	ExClosed   int64 // exceptional: the callback was closed (or its owner stopped)
	ExStale    int64 // exceptional: a stale Handle (generation mismatch)
	ExDeadline int64 // exceptional: the owner's token was not free before the deadline
	ExPanic    int64 // exceptional: the handler panicked
	ExWrong    int64 // exceptional: a synchronous-only callback was called from another thread
	ExDepth    int64 // exceptional: re-entrant nesting deeper than MaxDepth
	ExGoexit   int64 // exceptional: the handler called runtime.Goexit
	ExLeaf     int64 // exceptional: called during a leaf call (ffi.WithLeaf), where Go cannot be entered
}

// Exceptional is the number of calls that returned the exceptional value.
func (s Stats) Exceptional() int64 {
	return s.ExClosed + s.ExStale + s.ExDeadline + s.ExPanic + s.ExWrong + s.ExDepth + s.ExGoexit + s.ExLeaf
}

// ReadStats returns the current counters.
func ReadStats() Stats {
	pool.mu.Lock()
	free := len(pool.free)
	pool.mu.Unlock()
	// Read the delivery counters before fired, so that a snapshot taken
	// while calls run never shows more deliveries than calls.
	direct := stats.direct.Load()
	own := ownerTotals()
	inline, foreign := own.inline, own.foreign
	return Stats{
		Slots:       int(pool.n.Load()),
		PuregoSlots: puregoSlots(),
		SlotsFree:   free,
		Live:        int(stats.created.Load() - stats.closed.Load()),
		Created:     stats.created.Load(),
		Closed:      stats.closed.Load(),
		Fired:       stats.fired.Load() + own.fired,
		Delivered:   direct + inline + foreign,
		Inline:      inline,
		Foreign:     foreign,
		ExClosed:    stats.exClosed.Load(),
		ExStale:     stats.exStale.Load(),
		ExDeadline:  stats.exDeadline.Load(),
		ExPanic:     stats.exPanic.Load(),
		ExWrong:     stats.exWrongThread.Load(),
		ExDepth:     stats.exDepth.Load(),
		ExGoexit:    stats.exGoexit.Load(),
		ExLeaf:      stats.exLeaf.Load(),
	}
}

// Slots returns how many trampolines this package has created.
func Slots() int { return int(pool.n.Load()) }

func puregoSlots() int {
	if usesPurego {
		return Slots()
	}
	return 0
}
