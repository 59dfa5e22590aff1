package ffi

import (
	"context"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/nativecrash"
	"github.com/goractor/goractor/internal/osthread"
)

// Pool is a bounded pool of threads for offloaded native calls.
//
// On linux/amd64, Async runs a call whose signature the register
// trampoline takes (every Fast function without a Gate and without a C
// string result) on the pool's native threads: at most size threads it
// creates with pthread_create, started on demand, running an assembly loop
// that takes call frames from a lock-free queue and never enters the Go
// runtime between calls. Such a pool holds exactly size + queue calls
// (running and queued); past that, submissions fail with ErrPoolFull or,
// WaitWhenFull, wait. Native threads reach what C threads reach, about
// twice what Go worker goroutines reach, whose every return from C goes
// through the scheduler (docs/async.md, docs/performance.md). Each call runs on one native thread from start to end,
// and a thread runs its calls one after another, so WithErrno and
// thread-local native state behave as with locked workers. Callbacks that C
// makes on a native thread are foreign-thread callbacks (docs/callbacks.md).
//
// Every other job (Go, calls of gated or non-fast functions, every call on
// other platforms or WithoutNativeThreads) runs on at most size worker
// goroutines, started on demand. Workers are not locked to their threads
// unless the pool was made WithLockedWorkers: a locked worker pays the
// runtime's locked-thread hand-off (startlockedm/stoplockedm, two context
// switches) every time it comes back from C and finds no idle P, which
// halves the throughput of short calls. Jobs wait in a bounded queue; a
// full queue refuses new jobs with ErrPoolFull, or (with WaitWhenFull)
// makes the submitter wait until there is room or its context ends.
// Nothing spins.
//
// All methods are safe for concurrent use. Close a pool you created; the
// default pool lives for the whole process.
type Pool struct {
	name     string // in native crash reports (WithPoolName)
	size     int
	block    bool
	locked   bool
	noNative bool
	q        chan func()

	nativeMu   sync.Mutex   // serializes making the native engine and Close
	nativeMade atomic.Bool  // native is final (set under nativeMu)
	native     nativeEngine // nil: Async runs on the worker goroutines

	mu      sync.RWMutex // protects closed and workers; held for reading while sending on q
	closed  bool
	workers int

	idle      atomic.Int32
	pending   atomic.Int32 // jobs being sent or queued, not yet taken by a worker
	running   atomic.Int32
	completed atomic.Uint64
	panics    atomic.Uint64
	onPanic   func(any)
	wg        sync.WaitGroup
	unobserve func() // WithPoolMeterProvider's unregistration; nil without one
}

// PoolOption configures a Pool.
type PoolOption interface{ applyPool(*Pool) }

type poolOptionFunc func(*Pool)

func (f poolOptionFunc) applyPool(p *Pool) { f(p) }

// WaitWhenFull makes submissions wait (bounded by their context) instead of
// failing with ErrPoolFull when the queue is full.
func WaitWhenFull() PoolOption { return poolOptionFunc(func(p *Pool) { p.block = true }) }

// WithLockedWorkers locks each worker goroutine to its own OS thread for its
// whole life (runtime.LockOSThread, never unlocked, so the thread ends with
// the worker): consecutive calls made by one worker run on the same thread.
// Use it for libraries that keep per-thread state across calls (an OpenGL
// context, a thread-bound handle). It costs about half the throughput of
// short calls (docs/async.md). errno (WithErrno) is read on the call's own
// thread in both modes.
func WithLockedWorkers() PoolOption { return poolOptionFunc(func(p *Pool) { p.locked = true }) }

// WithoutNativeThreads makes Async run every call on the pool's worker
// goroutines, as Go does, instead of on native threads (see Pool). Use it
// when a library must be called from threads the Go runtime created.
func WithoutNativeThreads() PoolOption { return poolOptionFunc(func(p *Pool) { p.noNative = true }) }

// OnPanic installs a handler for panics recovered from Future.Then
// callbacks run by the pool's workers (the worker survives; the panic is
// also counted in PoolStats.Panics).
func OnPanic(h func(v any)) PoolOption { return poolOptionFunc(func(p *Pool) { p.onPanic = h }) }

// DefaultPoolSize and DefaultQueueSize size the default pool.
const (
	DefaultPoolSize  = 64
	DefaultQueueSize = 1024
)

// NewPool returns a pool of at most size threads (at least 1) with a queue of
// queue jobs (at least 0 extra beyond the running ones).
func NewPool(size, queue int, opts ...PoolOption) *Pool {
	p := &Pool{size: max(1, size), q: make(chan func(), max(0, queue))}
	for _, o := range opts {
		o.applyPool(p)
	}
	if p.name == "" {
		p.name = "#" + strconv.FormatUint(poolSeq.Add(1), 10)
	}
	return p
}

var defaultPool = sync.OnceValue(func() *Pool {
	return NewPool(DefaultPoolSize, DefaultQueueSize, WithPoolName("default"))
})

// DefaultPool returns the process-wide pool (64 threads, queue 1024) that
// Async uses unless a function was bound WithPool.
func DefaultPool() *Pool { return defaultPool() }

// PoolStats is a snapshot of a pool's counters.
type PoolStats struct {
	Size      int    // maximum threads
	Threads   int    // worker threads started and not yet ended
	Running   int    // jobs running now
	Queued    int    // jobs waiting
	Completed uint64 // jobs finished
	Panics    uint64 // panics recovered (jobs and Then callbacks)
}

// Stats returns a snapshot of p's counters (worker goroutines and native
// threads together).
func (p *Pool) Stats() PoolStats {
	p.mu.RLock()
	w := p.workers
	p.mu.RUnlock()
	st := PoolStats{Size: p.size, Threads: w, Running: int(p.running.Load()), Queued: len(p.q),
		Completed: p.completed.Load(), Panics: p.panics.Load()}
	if e := p.nativeIfStarted(); e != nil {
		threads, running, queued, completed := e.stats()
		st.Threads += threads
		st.Running += running
		st.Queued += queued
		st.Completed += completed
	}
	return st
}

// nativeEngine is a pool's native threads (native_linux_amd64.go): Async
// submits eligible calls to it; ok is false for a call it cannot make.
type nativeEngine interface {
	submit(ctx context.Context, f *Func, in []reflect.Value) (fut *Future[any], ok bool)
	stats() (threads, running, queued int, completed uint64)
	close()
}

// completionSource is what a future made by a native engine needs from it:
// harvesting completed calls, waking sleepers after a resolution, sleeping
// an actor's thread until done is closed, and a goroutine that harvests for
// those who wait otherwise.
type completionSource interface {
	drain()
	notify()
	await(done <-chan struct{})
	watch()
	unwatch()
}

// nativeEngine returns p's native engine, made on first use; nil when the
// platform has none, p was made WithoutNativeThreads, or p was closed first.
func (p *Pool) nativeEngine() nativeEngine {
	if p.nativeMade.Load() {
		return p.native
	}
	p.nativeMu.Lock()
	defer p.nativeMu.Unlock()
	if !p.nativeMade.Load() {
		p.mu.RLock()
		closed := p.closed
		p.mu.RUnlock()
		if !p.noNative && !closed {
			p.native = newNativeEngine(p)
		}
		p.nativeMade.Store(true)
	}
	return p.native
}

// nativeIfStarted returns p's native engine if one was made, without
// making one.
func (p *Pool) nativeIfStarted() nativeEngine {
	if p.nativeMade.Load() {
		return p.native
	}
	return nil
}

// Close stops accepting jobs, lets the queued and running jobs finish, and
// waits for the worker threads to end. Closing twice is harmless.
func (p *Pool) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.q)
	}
	p.mu.Unlock()
	p.wg.Wait()
	// Under nativeMu, so that an engine being made now is seen (and none is
	// made after: nativeEngine finds the pool closed).
	p.nativeMu.Lock()
	e := p.native
	p.nativeMade.Store(true)
	p.nativeMu.Unlock()
	if e != nil {
		e.close()
	}
	if p.unobserve != nil {
		p.unobserve()
	}
}

// submit queues job. It returns ErrPoolFull, ErrPoolClosed or ctx's error
// when the job was not queued.
func (p *Pool) submit(ctx context.Context, job func()) error {
	// Make sure a worker will be there for this job before queueing it
	// (the queue may be unbuffered). A worker handed a job stays counted as
	// idle until it runs, so the jobs not yet taken claim the idle workers
	// first (len(q) misses a job handed straight to a waiting receiver). A
	// worker still starting is not counted as idle, so this may start a few
	// more than needed, never more than size.
	if p.idle.Load() <= p.pending.Load() {
		p.grow()
	}
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return ErrPoolClosed
	}
	p.pending.Add(1)
	select {
	case p.q <- job:
	default:
		if !p.block {
			p.pending.Add(-1)
			p.mu.RUnlock()
			return ErrPoolFull
		}
		select {
		case p.q <- job:
		case <-ctx.Done():
			p.pending.Add(-1)
			p.mu.RUnlock()
			return ctx.Err()
		}
	}
	p.mu.RUnlock()
	return nil
}

func (p *Pool) grow() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.workers >= p.size {
		return
	}
	p.workers++
	p.wg.Add(1)
	go p.worker(p.workers - 1)
}

func (p *Pool) worker(index int) {
	defer p.wg.Done()
	crash := nativecrash.PoolWorker(execctx.G(), p.name, index)
	defer crash.Drop()
	if p.locked {
		// The worker keeps its thread for its whole life and the thread
		// retires with it, so thread-local native state is never handed to
		// other goroutines. Jobs still reach it over the pool's channel, not
		// an osthread.Event: any idle worker may take any job, and a
		// bounded channel is what makes the queue, ErrPoolFull and
		// WaitWhenFull; a parked worker costs nothing while it waits.
		osthread.LockForLife()
	}
	// Unlocked, a native call still runs on one thread from start to end
	// (the runtime keeps a goroutine on its thread during a C call and the
	// callbacks C makes in it), so errno and Capture see the call's thread.
	for {
		p.idle.Add(1)
		job, ok := <-p.q
		p.idle.Add(-1) // before pending: a submitter may then start one too many, never one too few
		if ok {
			p.pending.Add(-1)
		}
		if !ok {
			p.mu.Lock()
			p.workers--
			p.mu.Unlock()
			return
		}
		p.running.Add(1)
		job()
		p.running.Add(-1)
		p.completed.Add(1)
	}
}

func (p *Pool) reportPanic(v any) {
	p.panics.Add(1)
	if p.onPanic != nil {
		func() {
			defer func() { _ = recover() }()
			p.onPanic(v)
		}()
	}
}

// Future is the result of an offloaded call. It resolves exactly once, with
// the call's value and error, or earlier with the context's error when the
// context given to Go or Async ends first (the native call still runs to
// completion and its result is then discarded). All methods are safe for
// concurrent use.
type Future[T any] struct {
	done chan struct{}
	pool *Pool
	src  completionSource // the native engine that makes the call, or nil

	mu       sync.Mutex // protects resolved, val, err, thens
	resolved bool
	watched  bool // src is watched for this future until it resolves
	val      T
	err      error
	thens    []func(T, error)
}

func newFuture[T any](p *Pool) *Future[T] { return &Future[T]{done: make(chan struct{}), pool: p} }

// resolve settles the future; only the first call has an effect.
func (f *Future[T]) resolve(v T, err error) bool {
	thens, ok := f.settle(v, err)
	for _, fn := range thens {
		f.runThen(fn, v, err)
	}
	return ok
}

// settle resolves the future, releasing its waiters, and returns the Then
// functions for the caller to run; only the first call has an effect.
func (f *Future[T]) settle(v T, err error) ([]func(T, error), bool) {
	f.mu.Lock()
	if f.resolved {
		f.mu.Unlock()
		return nil, false
	}
	f.resolved, f.val, f.err = true, v, err
	thens := f.thens
	f.thens = nil
	close(f.done)
	watched := f.watched
	f.mu.Unlock()
	if f.src != nil {
		f.src.notify()
		if watched {
			f.src.unwatch()
		}
	}
	return thens, true
}

func (f *Future[T]) runThen(fn func(T, error), v T, err error) {
	defer func() {
		if r := recover(); r != nil && f.pool != nil {
			f.pool.reportPanic(r)
		}
	}()
	fn(v, err)
}

// Done returns a channel closed when the future resolves.
func (f *Future[T]) Done() <-chan struct{} {
	f.watch()
	return f.done
}

// watch makes sure a future of a native engine resolves without anyone
// waiting on it: its engine's completer runs until it does.
func (f *Future[T]) watch() {
	if f.src == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.resolved && !f.watched {
		f.watched = true
		f.src.watch()
	}
}

// Wait blocks until the future resolves or ctx ends; in the latter case it
// returns ctx's error and the future stays pending.
//
// Called by an actor on its own goroutine, Wait gives the actor's execution
// token up while it blocks (as Receive and a native call do), so that a
// thread-safe callback owned by the actor, called by the offloaded native
// code from the pool thread or from a thread it starts, runs inside the
// actor instead of waiting for its deadline. The token is taken back before
// Wait returns.
func (f *Future[T]) Wait(ctx context.Context) (T, error) {
	select {
	case <-f.done:
		return f.val, f.err
	default:
	}
	if f.src != nil {
		f.src.drain()
		if closed(f.done) {
			return f.val, f.err
		}
	}
	e := execctx.Current()
	own := e != nil && e.OnOwnGoroutine()
	if own && e.Held() {
		// Release/Acquire rather than Lend/Reclaim: Wait is not a native
		// call, and it may run inside an inline callback of a call that
		// lent the token (Lent must stay true for that call).
		e.Release()
		defer func() { _ = e.Acquire(context.Background()) }()
	}
	if f.src != nil {
		if own && ctx.Done() == nil {
			// An actor's thread is its own: it sleeps on the engine's
			// futex, as it does in Receive, and harvests on waking.
			f.src.await(f.done)
			return f.val, f.err
		}
		f.watch()
	}
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// closed reports whether c is closed, without blocking.
func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// Result returns the value and error and whether the future has resolved,
// without blocking.
func (f *Future[T]) Result() (T, error, bool) {
	if f.src != nil {
		f.src.drain()
	}
	select {
	case <-f.done:
		return f.val, f.err, true
	default:
		var zero T
		return zero, nil, false
	}
}

// Then arranges for fn to run once with the result: at once on the calling
// goroutine if the future has resolved, otherwise on the goroutine that
// resolves it (a pool worker, or the context's AfterFunc goroutine). fn must
// not block for long. A panic in fn is recovered and reported to the pool
// (see OnPanic); it never kills a worker. Package actor uses Then to turn a
// result into a message.
func (f *Future[T]) Then(fn func(T, error)) {
	f.mu.Lock()
	if !f.resolved {
		f.thens = append(f.thens, fn)
		if f.src != nil && !f.watched {
			f.watched = true
			f.src.watch()
		}
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	f.runThen(fn, f.val, f.err)
}

// Go runs fn on a thread of pool p (DefaultPool when p is nil) and returns a
// Future for its result. The arguments fn captures stay alive until fn
// returns, whatever happens to the future. If ctx ends first, the future
// resolves with ctx's error at once and fn's result is discarded when it
// arrives; fn is not interrupted. A panic in fn resolves the future with a
// *PanicError. When fn succeeds but a callback that C called on the pool
// thread during fn failed (its handler panicked, its deadline passed), the
// future resolves with a *CallbackFailedError instead of fn's result.
func Go[T any](ctx context.Context, p *Pool, fn func() (T, error)) *Future[T] {
	if ctx == nil {
		panic("ffi: Go with a nil context (pass context.Background(), or the actor's context)")
	}
	if fn == nil {
		panic("ffi: Go with a nil func")
	}
	if p == nil {
		p = DefaultPool()
	}
	fut := newFuture[T](p)
	if err := ctx.Err(); err != nil {
		var zero T
		fut.resolve(zero, err)
		return fut
	}
	stop := context.AfterFunc(ctx, func() {
		var zero T
		fut.resolve(zero, ctx.Err())
	})
	job := func() {
		var (
			v   T
			err error
		)
		func() {
			defer func() {
				if r := recover(); r != nil {
					p.panics.Add(1)
					err = &PanicError{Value: r}
				}
			}()
			v, err = withCallbackFailures(fn)
		}()
		stop()
		fut.resolve(v, err)
	}
	if err := p.submit(ctx, job); err != nil {
		stop()
		var zero T
		fut.resolve(zero, err)
	}
	return fut
}

// Async calls f with args (converted as by Call) on a thread of f's pool
// (WithPool, or DefaultPool) and returns a Future. The gate, if any, is asked
// on behalf of the actor that called Async. String and []byte arguments are
// owned by the job until the native call returns, so the caller may drop
// them at once. Errors that prevent the job from being queued (ErrPoolFull,
// ErrPoolClosed, ctx's error) resolve the future immediately.
func (f *Func) Async(ctx context.Context, args ...any) *Future[any] {
	if ctx == nil {
		panic("ffi: Async with a nil context (pass context.Background(), or the actor's context)")
	}
	caller := execctx.Current()
	p := f.pool
	if p == nil {
		p = DefaultPool()
	}
	in, err := f.convertArgs(args)
	if err != nil {
		fut := newFuture[any](p)
		fut.resolve(nil, err)
		return fut
	}
	if e := p.nativeEngine(); e != nil {
		if fut, ok := e.submit(ctx, f, in); ok {
			return fut
		}
	}
	return Go(ctx, p, func() (any, error) { return f.invokeAny(caller, in) })
}
