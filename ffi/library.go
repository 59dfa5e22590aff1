package ffi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Library is a native library opened with [Open]. All methods are safe for
// concurrent use.
//
// A Library counts the calls running into it: [Library.Close] never unloads
// it while a call is in flight (see [Library.CloseContext]).
type Library struct {
	name   string // the name that loaded
	handle uintptr

	// state holds the number of calls in flight (low bits) and closedBit once
	// the last reference is closed. Calls enter with one atomic add and leave
	// with another.
	state atomic.Int64

	mu   sync.Mutex // protects refs
	refs int        // Open and Retain add one, Close removes one

	unloadOnce sync.Once
	drained    chan struct{} // closed once the library is unloaded
	unloadErr  error         // written before drained is closed
}

const closedBit = int64(1) << 62

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
func (l *Library) Closed() bool { return l.state.Load()&closedBit != 0 }

// Retain adds a reference to l; each Retain must be balanced by a Close.
// It returns an error wrapping ErrClosed when l is already closed.
func (l *Library) Retain() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.refs == 0 {
		return &LoadError{Library: l.name, Err: ErrClosed}
	}
	l.refs++
	return nil
}

// Sym returns the address of symbol in l. A missing symbol (or a closed
// library) gives a *LoadError naming the library and the symbol.
func (l *Library) Sym(symbol string) (uintptr, error) {
	if !l.enter() {
		return 0, &LoadError{Library: l.name, Symbol: symbol, Err: ErrClosed}
	}
	defer l.exit()
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
// more often than Open and Retain were called returns an error wrapping
// ErrClosed.
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
		return &LoadError{Library: l.name, Err: ErrClosed}
	}
	l.refs--
	last := l.refs == 0
	l.mu.Unlock()
	if !last {
		return nil
	}
	if old := l.state.Or(closedBit); old == 0 {
		l.unload()
	}
	select {
	case <-l.drained:
		return l.unloadErr
	default:
	}
	select {
	case <-l.drained:
		return l.unloadErr
	case <-ctx.Done():
		return fmt.Errorf("ffi: close %q: %w (%d calls running): %w", l.name, ErrBusy, l.InFlight(), ctx.Err())
	}
}

// InFlight returns the number of calls running into l (a diagnostic).
func (l *Library) InFlight() int { return int(l.state.Load() &^ closedBit) }

// enter registers a call into l; it returns false when l is closed.
func (l *Library) enter() bool {
	if l.state.Add(1)&closedBit != 0 {
		l.exit()
		return false
	}
	return true
}

// exit ends a call registered by enter; the last call out of a closed
// library unloads it.
func (l *Library) exit() {
	if l.state.Add(-1) == closedBit {
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
