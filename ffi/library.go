package ffi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Library is a native library opened with [Open]. All methods are safe for
// concurrent use.
//
// A Library counts the calls running into it: [Library.Close] never unloads
// it while a call is in flight (see [Library.CloseContext]).
type Library struct {
	name   string // the name that loaded
	handle uintptr

	// Calls in flight are counted in two places. Ordinary typed calls push
	// the library on their thread's slot (inflight.go) without a locked
	// instruction. The others (gated, reflective, asynchronous, Sym, and
	// every call where the slots are not available) count in shards, one
	// cache line each, chosen by the calling goroutine's stack address, so
	// calls from different actors (threads) do not contend on one counter.
	// closed is set once the last reference is closed; fenced once Close
	// has then made every thread's slot writes visible (fence). A shard
	// call increments its shard and then reads closed; Close sets closed
	// and then sums the shards. Both are sequentially consistent, so either
	// the call sees closed (and backs out without entering C) or Close's
	// sum sees the call (see enter).
	shards [numShards]shard
	closed atomic.Bool
	fenced atomic.Bool

	// leaf is set once a leaf function (WithLeaf) is bound in the library:
	// Close then stops the world once before unloading (leaf.go).
	leaf atomic.Bool

	mu   sync.Mutex // protects refs
	refs int        // Open and Retain add one, Close removes one

	unloadOnce sync.Once
	drained    chan struct{} // closed once the library is unloaded
	unloadErr  error         // written before drained is closed
}

const numShards = 16

type shard struct {
	n atomic.Int64
	_ [56]byte // one cache line per shard
}

// Open loads the first of names that the dynamic loader accepts: sonames
// such as "libz.so.1" (searched the usual way) or paths. Every Open must be
// balanced by a Close.
//
// If no name loads, the error is a *LoadError naming the libraries and
// carrying dlerror's text for each; errors.Is(err, ErrLoad) is true.
func Open(names ...string) (*Library, error) {
	if len(names) == 0 {
		return nil, &LoadError{Err: errors.New("no library name given")}
	}
	var errs []error
	for _, n := range names {
		if strings.IndexByte(n, 0) >= 0 {
			// C would read the name up to the NUL: refuse, never truncate.
			errs = append(errs, fmt.Errorf("%w: library name %q contains a NUL byte", ErrBadArgument, n))
			continue
		}
		h, err := dlopen(n)
		if err == nil {
			return &Library{name: n, handle: h, refs: 1, drained: make(chan struct{})}, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 1 {
		return nil, &LoadError{Library: names[0], Err: errs[0]}
	}
	return nil, &LoadError{Library: strings.Join(names, ", "), Err: errors.Join(errs...)}
}

// Name returns the name (or path) that loaded.
func (l *Library) Name() string { return l.name }

// Handle returns the dlopen handle (0 after the library is unloaded).
func (l *Library) Handle() uintptr {
	if l.Closed() {
		return 0
	}
	return l.handle
}

// Closed reports whether the last reference to l was closed.
func (l *Library) Closed() bool { return l.closed.Load() }

// Retain adds a reference to l; each Retain must be balanced by a Close.
// It returns a *LibraryError wrapping ErrClosed when l is already closed.
func (l *Library) Retain() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.refs == 0 {
		return &LibraryError{Op: "retain", Library: l.name, Err: ErrClosed}
	}
	l.refs++
	return nil
}

// Sym returns the address of symbol in l. A missing symbol (or a closed
// library) gives a *LoadError naming the library and the symbol.
func (l *Library) Sym(symbol string) (uintptr, error) {
	if l == nil {
		return 0, &LoadError{Symbol: symbol, Err: fmt.Errorf("%w: nil *Library (did Open fail?)", ErrBadArgument)}
	}
	if strings.IndexByte(symbol, 0) >= 0 {
		return 0, &LoadError{Library: l.name, Symbol: symbol, Err: fmt.Errorf("%w: symbol name contains a NUL byte", ErrBadArgument)}
	}
	sh, ok := l.enter()
	if !ok {
		return 0, &LoadError{Library: l.name, Symbol: symbol, Err: ErrClosed}
	}
	defer l.exit(sh)
	p, err := dlsym(l.handle, symbol)
	if err != nil {
		return 0, &LoadError{Library: l.name, Symbol: symbol, Err: err}
	}
	if p == 0 {
		return 0, &LoadError{Library: l.name, Symbol: symbol, Err: ErrNullFunction}
	}
	return p, nil
}

// Close drops one reference to l. When the last reference goes, new calls
// into l fail with an error wrapping ErrClosed, Close waits for the calls
// already running to return, and then unloads the library (dlclose). Closing
// more often than Open and Retain were called returns a *LibraryError
// wrapping ErrClosed.
//
// Close can wait for as long as a native call runs; use CloseContext to bound
// the wait.
func (l *Library) Close() error { return l.CloseContext(context.Background()) }

// CloseContext is Close with a bound on the wait. If ctx ends while calls are
// still in flight it returns an error wrapping ErrBusy; the library stays
// closed to new calls and is unloaded by the last running call when it
// returns. It is never unloaded under a running call.
func (l *Library) CloseContext(ctx context.Context) error {
	l.mu.Lock()
	if l.refs == 0 {
		l.mu.Unlock()
		return &LibraryError{Op: "close", Library: l.name, Err: ErrClosed}
	}
	l.refs--
	last := l.refs == 0
	l.mu.Unlock()
	if !last {
		return nil
	}
	l.closed.Store(true)
	if asymmetric {
		fence()
	}
	if l.leaf.Load() {
		stopTheWorld()
	}
	l.fenced.Store(true)
	if l.InFlight() == 0 {
		l.unload()
	}
	select {
	case <-l.drained:
		return l.unloadErr
	default:
	}
	// Calls offloaded to native pool threads leave the library when they
	// are harvested; have them harvested while Close waits, whether or not
	// anyone waits for their futures.
	defer watchNativePools()()
	// Calls counted in thread slots do not signal their return reliably
	// (see lastExit): poll for them, backing off to once a millisecond.
	wait := 10 * time.Microsecond
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-l.drained:
			return l.unloadErr
		case <-ctx.Done():
			go l.reap()
			return fmt.Errorf("ffi: close %q: %w (%d calls running): %w", l.name, ErrBusy, l.InFlight(), ctx.Err())
		case <-t.C:
		}
		if l.InFlight() == 0 {
			l.unload()
		}
		wait = min(2*wait, time.Millisecond)
		t.Reset(wait)
	}
}

// reap unloads l once the calls still running when CloseContext gave up
// have returned. Their own returns usually unload it first (lastExit).
func (l *Library) reap() {
	for {
		select {
		case <-l.drained:
			return
		case <-time.After(time.Millisecond):
		}
		if l.InFlight() == 0 {
			l.unload()
		}
	}
}

// InFlight returns the number of calls running into l (a diagnostic).
func (l *Library) InFlight() int {
	var n int64
	for i := range l.shards {
		n += l.shards[i].n.Load()
	}
	return int(n) + slotCalls(l)
}

// enter registers a call into l and returns the shard it counted in (to be
// given to exit); ok is false when l is closed.
//
// Why Close never unloads under a call: enter increments a shard, then loads
// closed; CloseContext stores closed, then loads every shard. All four are
// sequentially consistent atomics, so in their total order either the load
// of closed comes after the store (the call sees closed, backs out and never
// enters C), or the increment comes before the store and so before Close
// loads that shard (Close sees the call and leaves the unload to the last
// exit). A shard may go negative when a goroutine's stack moved between
// enter and exit; only the sum matters.
func (l *Library) enter() (sh *shard, ok bool) {
	var probe byte
	sh = l.shardOf(uintptr(unsafe.Pointer(&probe)))
	sh.n.Add(1)
	if l.closed.Load() {
		l.exit(sh)
		return nil, false
	}
	return sh, true
}

// shardOf returns the shard counting calls made by the goroutine whose
// stack holds sp.
func (l *Library) shardOf(sp uintptr) *shard {
	h := sp >> 13 // goroutine stacks are >= 8 KiB apart
	return &l.shards[(uint64(h)*0x9E3779B97F4A7C15)>>(64-4)]
}

// exit ends a call registered by enter; the last call out of a closed
// library unloads it.
func (l *Library) exit(sh *shard) {
	sh.n.Add(-1)
	if l.closed.Load() {
		l.lastExit()
	}
}

// lastExit unloads a closed library once no call is in flight; called by
// every call leaving a closed library, after its count's decrement. Before
// Close has fenced, a slot count may not be visible yet: Close unloads then.
// After, a call's slot pop and its load of closed can still pass another
// call's, so both may find the other in flight; Close (or reap) polls for
// that case.
func (l *Library) lastExit() {
	if l.fenced.Load() && l.InFlight() == 0 {
		l.unload()
	}
}

func (l *Library) unload() {
	l.unloadOnce.Do(func() {
		if err := dlclose(l.handle); err != nil {
			l.unloadErr = &LoadError{Library: l.name, Err: err}
		}
		close(l.drained)
	})
}
